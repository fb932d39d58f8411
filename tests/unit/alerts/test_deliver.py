"""Delivery end to end on a loopback receiver: formats, failures and recovery, dead letters.

The loop drives `claim_due` + `deliver` (through `deliver_due`) with an injected clock that
jumps to the next due time, so backoff and Retry-After are waited out without sleeping.
"""

from __future__ import annotations

import json
import random
import re
import socket
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from alerts_helpers import NOW, SECRET_TOKEN, Receiver, add_article, channel, config, make_payload
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from worker.alerts import outbox
from worker.alerts.channels import build_channels
from worker.alerts.channels.recording import RecordingChannel
from worker.alerts.deliver import deliver, deliver_due
from worker.config import AlertsConfig
from worker.errors import PermanentError, TransientError
from worker.store.db import Database
from worker.store.models import Delivery

TYPES = ["slack", "discord", "teams", "mattermost", "webhook"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """A threaded loopback server: a slow answer must not hold up the next request."""
    srv = HTTPServer(host="127.0.0.1", port=_free_port(), threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=0.3) as c:  # short, so the "slow" receiver times out quickly
        yield c


def _receiver(srv: HTTPServer, kind: str, script: list[str] | None = None) -> Receiver:
    receiver = Receiver(script=list(script or []))
    srv.expect_request(re.compile(f"^/{kind}/.*"), method="POST").respond_with_handler(receiver)
    return receiver


def _url(srv: HTTPServer, kind: str) -> str:
    return f"http://127.0.0.1:{srv.port}/{kind}/{SECRET_TOKEN}"


def _write_alerts(db: Database, cfg: AlertsConfig, count: int, **kw: Any) -> list[int]:
    ids = []
    with db.session_scope() as session:
        for n in range(1, count + 1):
            article_id = add_article(session, n)
            payload = make_payload(article_id, story_id=None, **kw)
            alert = outbox.write_alert(session, payload, config=cfg, now=NOW)
            assert alert is not None
            ids.append(article_id)
    return ids


def drain(db: Database, channels: Any, cfg: AlertsConfig, start: datetime = NOW) -> datetime:
    """Deliver until nothing is pending, jumping the clock to each next due time."""
    clock = [start]
    rng = random.Random(7)
    for _ in range(80):
        deliver_due(db, channels=channels, settings=cfg, clock=lambda: clock[0], rng=rng)
        with db.session_scope() as session:
            due = outbox.next_due_at(session)
        if due is None:
            return clock[0]
        clock[0] = max(clock[0], due)
    raise AssertionError("deliveries did not settle")


def _article_numbers(receiver: Receiver) -> list[int]:
    """The article of each accepted message, in order of acceptance."""
    numbers = []
    for key in receiver.accepted:
        for _path, headers, body in receiver.requests:
            if headers.get("X-Newswatch-Delivery", body.decode()) == key:
                numbers.append(int(re.findall(r"news/(\d+)", body.decode())[0]))
                break
    return numbers


def _states(db: Database) -> Counter[str]:
    with db.session_scope() as session:
        return Counter(session.scalars(select(Delivery.state)).all())


@pytest.mark.parametrize("kind", TYPES)
def test_every_kind_reaches_every_channel_type_in_its_format(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client, kind: str
) -> None:
    receiver = _receiver(server, kind)
    cfg = config(channel("c", kind, _url(server, kind)))
    with sqlite_db.session_scope() as session:
        for n, new_claim in ((1, False), (2, True)):
            payload = make_payload(add_article(session, n), new_claim=new_claim)
            outbox.write_alert(session, payload, config=cfg, now=NOW)
    drain(sqlite_db, build_channels(cfg, client), cfg)
    first, second = receiver.bodies()
    assert FORMATS[kind](first, "new_coverage")
    assert FORMATS[kind](second, "new_claim")
    assert _states(sqlite_db) == {"delivered": 2}


@pytest.mark.parametrize("kind", TYPES)
def test_a_digest_reaches_every_channel_type(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client, kind: str
) -> None:
    receiver = _receiver(server, kind)
    cfg = config(channel("c", kind, _url(server, kind), digest="10m"))
    _write_alerts(sqlite_db, cfg, 3)
    drain(sqlite_db, build_channels(cfg, client), cfg)
    [body] = receiver.bodies()
    text = json.dumps(body)
    assert "newswatch digest: 3 alerts" in text or body.get("count") == 3
    assert all(f"news/{n}" in text for n in (1, 2, 3))
    assert _states(sqlite_db) == {"digested": 3, "delivered": 1}


def _slack(body: dict[str, Any], kind: str) -> bool:
    label = {"new_claim": "New claim", "new_coverage": "New coverage"}[kind]
    return bool(body["blocks"][0]["text"]["text"].startswith(label))


def _discord(body: dict[str, Any], kind: str) -> bool:
    label = {"new_claim": "New claim", "new_coverage": "New coverage"}[kind]
    return body["content"].startswith(label) and len(body["embeds"]) == 1


def _teams(body: dict[str, Any], kind: str) -> bool:
    label = {"new_claim": "New claim", "new_coverage": "New coverage"}[kind]
    card = body["attachments"][0]["content"]
    return card["type"] == "AdaptiveCard" and card["body"][0]["text"].startswith(label)


def _mattermost(body: dict[str, Any], kind: str) -> bool:
    label = {"new_claim": "New claim", "new_coverage": "New coverage"}[kind]
    return body["text"].startswith(label) and body["attachments"][0]["pretext"].startswith(label)


def _webhook(body: dict[str, Any], kind: str) -> bool:
    return body["kind"] == kind and body["schema"] == "newswatch.alert/1" and body["delivery_id"]


FORMATS = {
    "slack": _slack,
    "discord": _discord,
    "teams": _teams,
    "mattermost": _mattermost,
    "webhook": _webhook,
}


@pytest.mark.parametrize("failure", ["500", "429", "slow"])
@pytest.mark.parametrize("kind", TYPES)
def test_a_failing_receiver_gets_everything_once_it_recovers_in_order(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client, kind: str, failure: str
) -> None:
    receiver = _receiver(server, kind, [failure] * 3)
    cfg = config(channel("c", kind, _url(server, kind)))
    articles = _write_alerts(sqlite_db, cfg, 4)
    drain(sqlite_db, build_channels(cfg, client), cfg)
    assert _article_numbers(receiver) == articles  # every alert, in order, none twice
    assert _states(sqlite_db) == {"delivered": 4}
    assert len(receiver.requests) == 3 + 4  # three failures, then each alert exactly once


@pytest.mark.parametrize("kind", TYPES)
def test_a_refused_connection_is_retried_until_the_receiver_is_up(
    sqlite_db: Database, client: httpx.Client, kind: str
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{kind}/{SECRET_TOKEN}"
    cfg = config(channel("c", kind, url))
    articles = _write_alerts(sqlite_db, cfg, 3)
    channels = build_channels(cfg, client)
    outcomes = deliver_due(sqlite_db, channels=channels, settings=cfg, clock=lambda: NOW)
    assert outcomes == {"retried": 1}
    with sqlite_db.session_scope() as session:
        errors = session.scalars(select(Delivery.last_error).where(Delivery.attempts > 0)).all()
        assert errors == ["connect"]
    srv = HTTPServer(host="127.0.0.1", port=port, threaded=True)
    receiver = _receiver(srv, kind)
    srv.start()
    try:
        drain(sqlite_db, channels, cfg, start=NOW + timedelta(seconds=1))
    finally:
        srv.stop()
    assert _article_numbers(receiver) == articles
    assert len(receiver.requests) == 3


def test_retry_after_on_429_is_waited_out(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client
) -> None:
    receiver = _receiver(server, "webhook", ["429"])
    cfg = config(channel("c", "webhook", _url(server, "webhook")), base_delay=0.1)
    _write_alerts(sqlite_db, cfg, 1)
    channels = build_channels(cfg, client)
    assert deliver_due(sqlite_db, channels=channels, settings=cfg, clock=lambda: NOW) == {
        "retried": 1
    }
    with sqlite_db.session_scope() as session:
        row = session.scalars(select(Delivery)).one()
        assert row.last_error == "rate_limited"
        assert row.next_attempt_at >= NOW + timedelta(seconds=7)  # the receiver's Retry-After
    later = NOW + timedelta(seconds=6)
    assert deliver_due(sqlite_db, channels=channels, settings=cfg, clock=lambda: later) == {}
    drain(sqlite_db, channels, cfg, start=later)
    assert len(receiver.accepted) == 1


def test_dead_letter_after_max_attempts_then_the_line_moves_on(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client
) -> None:
    receiver = _receiver(server, "webhook", ["500"] * 3)
    cfg = config(channel("c", "webhook", _url(server, "webhook")), max_attempts=3)
    articles = _write_alerts(sqlite_db, cfg, 2)
    drain(sqlite_db, build_channels(cfg, client), cfg)
    with sqlite_db.session_scope() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert [(r.state, r.attempts, r.last_error) for r in rows] == [
            ("dead", 3, "http_5xx"),
            ("delivered", 1, None),
        ]
    assert _article_numbers(receiver) == articles[1:]


def test_a_permanent_rejection_is_dead_at_once(
    sqlite_db: Database, server: HTTPServer, client: httpx.Client
) -> None:
    receiver = _receiver(server, "slack", ["404"])
    cfg = config(channel("c", "slack", _url(server, "slack")))
    _write_alerts(sqlite_db, cfg, 1)
    drain(sqlite_db, build_channels(cfg, client), cfg)
    with sqlite_db.session_scope() as session:
        row = session.scalars(select(Delivery)).one()
        assert (row.state, row.attempts, row.last_error) == ("dead", 1, "rejected")
    assert len(receiver.requests) == 1


def test_a_crash_between_send_and_record_resends_with_the_same_id_and_never_a_delivered_one(
    db: Database, server: HTTPServer, client: httpx.Client
) -> None:
    receiver = _receiver(server, "webhook")
    cfg = config(channel("c", "webhook", _url(server, "webhook")))
    _write_alerts(db, cfg, 2)
    channels = build_channels(cfg, client)
    assert deliver_due(db, channels=channels, settings=cfg, clock=lambda: NOW) == {"delivered": 1}
    with db.session_scope() as session:
        [second] = outbox.claim_due(session, NOW, config=cfg)
    with pytest.raises(RuntimeError):
        _send_then_crash(db, second, channels, cfg)
    assert deliver_due(db, channels=channels, settings=cfg, clock=lambda: NOW) == {}  # leased
    after_lease = NOW + timedelta(seconds=outbox.LEASE_S + 1)
    assert deliver_due(db, channels=channels, settings=cfg, clock=lambda: after_lease) == {
        "delivered": 1
    }
    ids = [h["X-Newswatch-Delivery"] for _p, h, _b in receiver.requests]
    assert len(ids) == 3
    assert ids[1] == ids[2]
    assert len(receiver.accepted) == 2  # ...so the receiver keeps it once
    with db.session_scope() as session:
        first = session.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert first is not None
        assert deliver(session, first.id, channels=channels, settings=cfg, now=after_lease) == (
            "skipped"
        )
    assert len(receiver.requests) == 3  # a delivered row is never sent again


def _send_then_crash(db: Database, delivery_id: int, channels: Any, cfg: AlertsConfig) -> None:
    with db.session_scope() as session:
        deliver(session, delivery_id, channels=channels, settings=cfg, now=NOW)
        raise RuntimeError("killed before the commit")  # the outcome is never recorded


def test_outcomes_of_scripted_failures_with_the_recording_channel(db: Database) -> None:
    cfg = config(channel("r", "recording"), max_attempts=2)
    recorder = RecordingChannel(
        "r", failures=[TransientError(reason="timeout"), PermanentError(reason="rejected")]
    )
    _write_alerts(db, cfg, 2)
    drain(db, {"r": recorder}, cfg)
    with db.session_scope() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert [(r.state, r.last_error) for r in rows] == [
            ("dead", "rejected"),
            ("delivered", None),
        ]
    assert len(recorder.sent) == 1


def test_an_unknown_channel_is_dead_and_a_bug_is_retried(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = config(channel("gone", "recording"), channel("buggy", "recording"))
    _write_alerts(db, cfg, 1)

    class Buggy:
        name = "buggy"

        def send(self, message: Any, *, delivery_id: str) -> None:
            raise KeyError(SECRET_TOKEN)

    outcomes = deliver_due(db, channels={"buggy": Buggy()}, settings=cfg, clock=lambda: NOW)
    assert outcomes == {"dead": 1, "retried": 1}
    with db.session_scope() as session:
        errors = sorted(session.scalars(select(Delivery.last_error)).all())  # type: ignore[type-var]
        assert errors == ["bug", "unknown_channel"]
    assert "KeyError" in caplog.text  # the bug is logged with its traceback frames...
    assert SECRET_TOKEN not in caplog.text  # ...but not the exception's text
