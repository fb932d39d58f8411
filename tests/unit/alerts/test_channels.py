"""Each channel's format and error mapping, against a real loopback receiver."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from alerts_helpers import NOW, SECRET_TOKEN, channel, config, make_payload
from pytest_httpserver import HTTPServer
from werkzeug import Response

from worker.alerts import compose
from worker.alerts.channels import build_channels, discord, slack, teams, webhook
from worker.alerts.channels.base import clip
from worker.errors import ConfigError, PermanentError, TransientError

PAYLOAD = compose.for_delivery(compose.stamp(make_payload(7), alert_id=3, created_at=NOW), "k1")


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=0.5) as c:
        yield c


def _send(kind: str, server: HTTPServer, client: httpx.Client, message: Any, **extra: Any) -> Any:
    url = server.url_for(f"/{kind}/{SECRET_TOKEN}")
    chan = build_channels(config(channel("c", kind, url, **extra)), client)["c"]
    chan.send(message, delivery_id="k1")
    request, _response = server.log[-1]
    return request


def _ok(server: HTTPServer, status: int = 200) -> None:
    response = Response('{"id":"1"}', status=status, content_type="application/json")
    server.expect_request(re.compile(".*"), method="POST").respond_with_response(response)


def test_slack_sends_block_kit(httpserver: HTTPServer, client: httpx.Client) -> None:
    _ok(httpserver)
    body = json.loads(_send("slack", httpserver, client, PAYLOAD).get_data())
    assert body["text"] == "New claim · ports: Harbour story 7"
    types = [b["type"] for b in body["blocks"]]
    assert types == ["header", "section", "section", "section", "context"]
    assert "<https://example.org/news/7|Harbour story 7>" in body["blocks"][1]["text"]["text"]
    assert "400 jobs will go by 2027." in body["blocks"][3]["text"]["text"]


def test_slack_digest_stays_within_fifty_blocks_and_3000_chars() -> None:
    alerts = [make_payload(i, title="x" * 5000) for i in range(80)]
    digest = compose.build_digest(alerts, delivery_id="d", channel="c", created_at=NOW)
    body = slack.format_message(digest)
    assert len(body["blocks"]) == slack.MAX_BLOCKS
    assert body["blocks"][-1]["text"]["text"] == "…and 32 more alerts"
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"][1:])
    assert slack.escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_discord_posts_embeds_with_wait_and_no_mentions(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    _ok(httpserver)
    request = _send("discord", httpserver, client, PAYLOAD)
    assert request.args.get("wait") == "true"
    body = json.loads(request.get_data())
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert embed["title"] == "Harbour story 7"
    assert embed["url"] == "https://example.org/news/7"
    assert "400 jobs" in embed["description"]
    assert embed["fields"][0]["name"] == "Why"


def test_discord_digest_respects_embed_limits() -> None:
    alerts = [make_payload(i, title="y" * 900) for i in range(14)]
    body = discord.format_message(
        compose.build_digest(alerts, delivery_id="d", channel="c", created_at=NOW)
    )
    assert len(body["embeds"]) == discord.MAX_EMBEDS
    total = sum(
        len(e["title"]) + len(e.get("description", "")) + len(e["footer"]["text"])
        + sum(len(f["name"]) + len(f["value"]) for f in e["fields"])
        for e in body["embeds"]
    )  # fmt: skip
    assert total <= discord.EMBED_TOTAL_CHARS
    assert len(body["content"]) <= discord.CONTENT_CHARS
    assert body["content"].count("\n") == 4  # the headline, then the 4 alerts past 10


def test_discord_429_honours_retry_after_from_the_json_body(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    httpserver.expect_request(f"/discord/{SECRET_TOKEN}").respond_with_json(
        {"message": "You are being rate limited.", "retry_after": 2.5, "global": False},
        status=429,
    )
    with pytest.raises(TransientError) as caught:
        _send("discord", httpserver, client, PAYLOAD)
    assert (caught.value.reason, caught.value.retry_after) == ("rate_limited", 2.5)


def test_teams_sends_an_adaptive_card_and_takes_202(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    _ok(httpserver, status=202)
    body = json.loads(_send("teams", httpserver, client, PAYLOAD).get_data())
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["actions"][0]["url"] == "https://example.org/news/7"
    assert any(item["type"] == "FactSet" for item in card["body"])


def test_teams_digest_fits_the_message_size_cap() -> None:
    alerts = [make_payload(i, title="z" * 3000) for i in range(60)]
    body = teams.format_message(
        compose.build_digest(alerts, delivery_id="d", channel="c", created_at=NOW)
    )
    assert len(json.dumps(body, ensure_ascii=False).encode()) <= teams.CARD_BYTES
    assert body["attachments"][0]["content"]["body"][-1]["text"].startswith("…and ")


def test_mattermost_sends_text_and_attachments(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    _ok(httpserver)
    body = json.loads(_send("mattermost", httpserver, client, PAYLOAD).get_data())
    assert body["text"] == "New claim · ports: Harbour story 7"
    [attachment] = body["attachments"]
    assert attachment["title_link"] == "https://example.org/news/7"
    assert "400 jobs" in attachment["text"]
    digest = compose.build_digest(
        [make_payload(i, title="w" * 2000) for i in range(20)],
        delivery_id="d", channel="c", created_at=NOW,
    )  # fmt: skip
    from worker.alerts.channels import mattermost

    assert len(mattermost.format_message(digest)["text"]) <= mattermost.MAX_CHARS


def test_webhook_sends_the_contract_with_a_verifiable_signature(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    _ok(httpserver)
    request = _send("webhook", httpserver, client, PAYLOAD, secret="shh")
    raw = request.get_data()
    assert json.loads(raw) == PAYLOAD
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Newswatch-Delivery"] == "k1"
    assert request.headers["X-Newswatch-Event"] == "new_claim"
    assert request.headers["X-Newswatch-Timestamp"].isdigit()
    signature = request.headers["X-Newswatch-Signature"]
    assert webhook.verify(raw, "shh", signature)
    assert not webhook.verify(raw + b" ", "shh", signature)
    assert not webhook.verify(raw, "other", signature)


def test_webhook_without_secret_sends_no_signature(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    _ok(httpserver)
    assert "X-Newswatch-Signature" not in _send("webhook", httpserver, client, PAYLOAD).headers


@pytest.mark.parametrize(
    "case",
    [
        (500, {}, TransientError, "http_5xx", None),
        (503, {"Retry-After": "12"}, TransientError, "http_5xx", 12.0),
        (429, {"Retry-After": "7"}, TransientError, "rate_limited", 7.0),
        (408, {}, TransientError, "timeout", None),
        (404, {}, PermanentError, "rejected", None),
        (400, {}, PermanentError, "rejected", None),
        (302, {"Location": "http://127.0.0.1:1/"}, PermanentError, "rejected", None),
    ],
)
@pytest.mark.parametrize("kind", ["slack", "discord", "teams", "mattermost", "webhook"])
def test_statuses_map_to_typed_errors_without_the_url(
    httpserver: HTTPServer, client: httpx.Client, kind: str, case: tuple[Any, ...]
) -> None:
    status, headers, error, reason, retry_after = case
    httpserver.expect_request(f"/{kind}/{SECRET_TOKEN}").respond_with_data(
        "{}", status=status, headers=headers
    )
    with pytest.raises(error) as caught:
        _send(kind, httpserver, client, PAYLOAD)
    assert caught.value.reason == reason
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert SECRET_TOKEN not in str(caught.value)
    assert "127.0.0.1" not in str(caught.value)
    assert caught.value.__cause__ is None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("kind", ["slack", "discord", "teams", "mattermost", "webhook"])
def test_refused_and_timeout_are_transient_and_secret_free(
    httpserver: HTTPServer,
    client: httpx.Client,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    refused_url = f"http://127.0.0.1:{_closed_port()}/{kind}/{SECRET_TOKEN}"
    chan = build_channels(config(channel("c", kind, refused_url)), client)["c"]
    with pytest.raises(TransientError) as refused:
        chan.send(PAYLOAD, delivery_id="k1")
    assert refused.value.reason == "connect"

    released = threading.Event()

    def slow(_request: Any) -> Response:
        released.wait(5)  # answer only after the client gave up
        return Response("late")

    httpserver.expect_request(f"/{kind}/{SECRET_TOKEN}").respond_with_handler(slow)
    with pytest.raises(TransientError) as timed_out:
        _send(kind, httpserver, client, PAYLOAD)
    released.set()  # free the single-threaded test server for the next test
    assert timed_out.value.reason == "timeout"
    for exc in (refused.value, timed_out.value):
        assert SECRET_TOKEN not in str(exc)
        assert exc.__cause__ is None
        assert exc.__suppress_context__
    assert SECRET_TOKEN not in _our_logs(caplog)


def _our_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every log line but the test receiver's own access log (werkzeug)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")


def test_httpx_request_log_is_redacted(
    httpserver: HTTPServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _ok(httpserver)
    _send("discord", httpserver, client, PAYLOAD)
    ours = _our_logs(caplog)
    assert "HTTP Request: POST" in ours  # httpx did log the request...
    assert SECRET_TOKEN not in ours  # ...without the token
    assert "[redacted webhook url]" in ours


def test_a_chat_channel_without_url_is_a_config_error(client: httpx.Client) -> None:
    with pytest.raises(ConfigError) as caught:
        build_channels(config(channel("c", "slack")), client)
    assert caught.value.key == "alerts.channels.c.url"
    with pytest.raises(ConfigError):
        build_channels(config(channel("c", "recording"), channel("c", "recording")), client)


def test_clip() -> None:
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


def test_a_match_through_an_included_profile_says_so_in_chat() -> None:
    from worker.alerts.channels.render import summarize

    payload = make_payload(7)
    assert "through" not in summarize(payload).why
    payload["through"] = "ohchr-assessment"
    why = summarize(payload).why
    assert why.startswith("matched harbour (title ×1) (through ohchr-assessment); score")
