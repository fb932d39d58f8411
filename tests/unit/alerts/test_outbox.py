"""The outbox on real SQLite and PostgreSQL: idempotent writes, leases, order, transitions."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

from alerts_helpers import NOW, add_article, channel, config, make_payload
from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.alerts import outbox
from worker.store.db import Database
from worker.store.models import Alert, Delivery

CFG = config(channel("a", "recording"), channel("b", "recording", kinds=("new_coverage",)))


def _write(db: Database, n: int, cfg=CFG, now=NOW, **kw) -> int | None:
    with db.session_scope() as session:
        article_id = add_article(session, n)
        alert = outbox.write_alert(session, make_payload(article_id, **kw), config=cfg, now=now)
        return None if alert is None else alert.id


def _rows(db: Database) -> list[tuple[int | None, str, str]]:
    with db.session_scope() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        return [(r.alert_id, r.channel, r.state) for r in rows]


def test_write_alert_stamps_the_payload_and_routes(db: Database) -> None:
    alert_id = _write(db, 1)
    with db.session_scope() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        assert alert.payload["id"] == alert_id
        assert alert.payload["created_at"] == "2026-11-22T12:00:00Z"
        assert (alert.kind, alert.story_id) == ("new_claim", 1)
        assert alert.first_seen_at == NOW - timedelta(minutes=5)
        key = session.scalars(select(Delivery.idempotency_key)).one()
    assert _rows(db) == [(alert_id, "a", "pending")]  # b takes new_coverage only
    assert key == outbox.alert_key(alert_id, "a")
    assert len(key) == 64


def test_write_alert_is_idempotent_per_article_and_profile(db: Database) -> None:
    with db.session_scope() as session:
        article_id = add_article(session, 1)
        first = outbox.write_alert(session, make_payload(article_id), config=CFG, now=NOW)
        again = outbox.write_alert(session, make_payload(article_id), config=CFG, now=NOW)
        other = make_payload(article_id, profile="energy")
        second_profile = outbox.write_alert(session, other, config=CFG, now=NOW)
    assert first is not None
    assert again is None
    assert second_profile is not None
    with db.session_scope() as session:
        assert len(session.scalars(select(Alert)).all()) == 2
        assert len(session.scalars(select(Delivery)).all()) == 2


def test_a_concurrent_writer_meets_the_constraint_in_a_savepoint(pg_db: Database) -> None:
    """PostgreSQL: the second writer waits on the unique index, then gets None, not an error."""
    with pg_db.session_scope() as session:
        article_id = add_article(session, 1)
    results: list[object] = []
    first = Session(pg_db.engine)  # an open transaction that has written the alert
    assert outbox.write_alert(first, make_payload(article_id), config=CFG, now=NOW) is not None

    def second_writer() -> None:
        with pg_db.session_scope() as session:
            alert = outbox.write_alert(session, make_payload(article_id), config=CFG, now=NOW)
            results.append(alert)
            add_article(session, 2)  # the transaction goes on after the clash

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)  # the second writer is now blocked on the unique index
    first.commit()
    first.close()
    thread.join(10)
    assert results == [None]
    with pg_db.session_scope() as session:
        assert len(session.scalars(select(Alert)).all()) == 1
        assert len(session.scalars(select(Delivery)).all()) == 1


def test_quiet_spell_suppresses_a_flooding_story(db: Database) -> None:
    cfg = config(channel("a", "recording"), story_quiet_after=2)
    ids = [_write(db, n, cfg=cfg, now=NOW + timedelta(minutes=n)) for n in range(1, 5)]
    assert [state for _a, _c, state in _rows(db)] == [
        "pending", "pending", "suppressed", "suppressed",
    ]  # fmt: skip
    later = _write(db, 9, cfg=cfg, now=NOW + timedelta(hours=2))
    assert _rows(db)[-1] == (later, "a", "pending")
    assert None not in ids


def test_digest_window_gathers_alerts_into_one_row(db: Database) -> None:
    cfg = config(channel("d", "recording", digest="10m"))
    ids = [_write(db, n, cfg=cfg, now=NOW + timedelta(minutes=n)) for n in range(1, 4)]
    with db.session_scope() as session:
        digests = session.scalars(select(Delivery).where(Delivery.alert_id.is_(None))).all()
        assert len(digests) == 1
        assert digests[0].digest_of == ids
        assert digests[0].next_attempt_at == NOW + timedelta(minutes=11)
        assert digests[0].idempotency_key == outbox.digest_key("d", ids[0])  # type: ignore[arg-type]
    assert [s for a, _c, s in _rows(db) if a is not None] == ["digested"] * 3
    # Once claimed, the digest is closed: the next alert opens another.
    with db.session_scope() as session:
        assert outbox.claim_due(session, NOW + timedelta(minutes=12), config=cfg) == [digests[0].id]
    _write(db, 4, cfg=cfg, now=NOW + timedelta(minutes=12))
    with db.session_scope() as session:
        assert len(session.scalars(select(Delivery).where(Delivery.alert_id.is_(None))).all()) == 2


def test_rate_limit_overflow_becomes_a_digest_not_a_loss(db: Database) -> None:
    cfg = config(channel("r", "recording", rate_limit_per_hour=2))
    ids = [_write(db, n, cfg=cfg, now=NOW + timedelta(minutes=n)) for n in range(1, 6)]
    rows = _rows(db)
    assert rows[:2] == [(ids[0], "r", "pending"), (ids[1], "r", "pending")]
    with db.session_scope() as session:
        digest = session.scalars(select(Delivery).where(Delivery.alert_id.is_(None))).one()
        assert digest.digest_of == ids[2:]
        assert digest.next_attempt_at == NOW + timedelta(minutes=61)


def test_claim_due_leases_heads_of_each_channel_in_order(db: Database) -> None:
    cfg = config(channel("a", "recording"), channel("c", "recording"))
    for n in range(1, 4):
        _write(db, n, cfg=cfg)
    with db.session_scope() as session:
        first = outbox.claim_due(session, NOW, config=cfg)
        assert outbox.claim_due(session, NOW, config=cfg) == []  # heads are in flight
    with db.session_scope() as session:
        rows = [session.get(Delivery, i) for i in first]
        assert [(r.channel, r.state, r.attempts) for r in rows if r] == [
            ("a", "sending", 1),
            ("c", "sending", 1),
        ]
        assert all(r.lease_until == NOW + timedelta(seconds=outbox.LEASE_S) for r in rows if r)
        for row in rows:
            assert row is not None
            outbox.mark_delivered(row, NOW)
    with db.session_scope() as session:
        second = outbox.claim_due(session, NOW, config=cfg, channel="a")
        assert len(second) == 1
        assert second[0] > max(first)


def test_claim_next_keeps_one_channel_flowing(db: Database) -> None:
    cfg = config(channel("a", "recording"), channel("c", "recording"))
    for n in range(1, 3):
        _write(db, n, cfg=cfg)
    with db.session_scope() as session:
        a1, _c1 = outbox.claim_due(session, NOW, config=cfg)
        assert outbox.claim_next(session, a1, NOW, config=cfg) == []  # a1 still in flight
    with db.session_scope() as session:
        outbox.mark_delivered(session.get(Delivery, a1), NOW)  # type: ignore[arg-type]
    with db.session_scope() as session:
        [a2] = outbox.claim_next(session, a1, NOW, config=cfg)
        row = session.get(Delivery, a2)
        assert row is not None
        assert (row.channel, row.state) == ("a", "sending")
        assert outbox.claim_next(session, 999, NOW, config=cfg) == []


def test_a_retry_wait_holds_up_the_channel_behind_it(db: Database) -> None:
    cfg = config(channel("a", "recording"))
    _write(db, 1, cfg=cfg)
    _write(db, 2, cfg=cfg)
    with db.session_scope() as session:
        [head] = outbox.claim_due(session, NOW, config=cfg)
    with db.session_scope() as session:
        row = session.get(Delivery, head)
        assert row is not None
        due = outbox.schedule_retry(row, NOW, reason="http_5xx", retry_after=30, config=cfg)
        assert due >= NOW + timedelta(seconds=30)
    with db.session_scope() as session:
        assert outbox.claim_due(session, NOW + timedelta(seconds=10), config=cfg) == []
        assert outbox.claim_due(session, due, config=cfg) == [head]


def test_an_expired_lease_is_claimed_again_and_a_spent_one_is_buried(db: Database) -> None:
    cfg = config(channel("a", "recording"), max_attempts=2)
    _write(db, 1, cfg=cfg)
    later = NOW + timedelta(seconds=outbox.LEASE_S + 1)
    with db.session_scope() as session:
        [claimed] = outbox.claim_due(session, NOW, config=cfg)
    with db.session_scope() as session:  # the worker died: nothing recorded
        assert outbox.claim_due(session, later, config=cfg) == [claimed]
    with db.session_scope() as session:
        much_later = later + timedelta(seconds=outbox.LEASE_S + 1)
        assert outbox.claim_due(session, much_later, config=cfg) == []
        row = session.get(Delivery, claimed)
        assert row is not None
        assert (row.state, row.last_error) == ("dead", "lease_expired")


def test_delivered_and_dead_rows_are_never_claimed_and_retry_requeues_dead(db: Database) -> None:
    cfg = config(channel("a", "recording"), channel("c", "recording"))
    alert_id = _write(db, 1, cfg=cfg)
    with db.session_scope() as session:
        a, c = outbox.claim_due(session, NOW, config=cfg)
    with db.session_scope() as session:
        outbox.mark_delivered(session.get(Delivery, a), NOW)  # type: ignore[arg-type]
        outbox.mark_dead(session.get(Delivery, c), NOW, "rejected")  # type: ignore[arg-type]
    far = NOW + timedelta(days=1)
    with db.session_scope() as session:
        assert outbox.claim_due(session, far, config=cfg) == []
        assert outbox.requeue_alert(session, alert_id, far) == 1  # type: ignore[arg-type]
    with db.session_scope() as session:
        assert outbox.claim_due(session, far, config=cfg) == [c]


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    rng = random.Random(3)
    for attempts in range(1, 12):
        ceiling = min(60.0, 1.0 * 2 ** (attempts - 1))
        delays = [outbox.backoff_delay(attempts, base=1.0, cap=60.0, rng=rng) for _ in range(50)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # jitter spreads over the whole range
    assert outbox.backoff_delay(10_000, base=1.0, cap=60.0, rng=rng) <= 60.0


def test_concurrent_alerts_joining_one_digest_lose_nothing(pg_db: Database) -> None:
    """PostgreSQL: the open digest row is locked while one writer appends; the other waits."""
    cfg = config(channel("d", "recording", digest="10m"))
    opener = _write(pg_db, 1, cfg=cfg)
    with pg_db.session_scope() as session:
        a2, a3 = add_article(session, 2), add_article(session, 3)
    first = Session(pg_db.engine)
    assert outbox.write_alert(first, make_payload(a2), config=cfg, now=NOW) is not None
    written: list[int] = []

    def second_writer() -> None:
        with pg_db.session_scope() as session:
            alert = outbox.write_alert(session, make_payload(a3), config=cfg, now=NOW)
            assert alert is not None
            written.append(alert.id)

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)  # the second writer now waits for the digest row's lock
    first.commit()
    first.close()
    thread.join(10)
    with pg_db.session_scope() as session:
        digest = session.scalars(select(Delivery).where(Delivery.alert_id.is_(None))).one()
        assert len(digest.digest_of) == 3
        assert digest.digest_of[0] == opener
        assert written[0] in digest.digest_of


def test_a_delivery_waits_for_a_digest_row_a_detection_holds(pg_db: Database) -> None:
    """PostgreSQL: a detection that saw the digest open, then got its row only once it was
    leased, holds the row to the end of its transaction. The delivery must wait for it, not
    skip it: a skipped delivery kept its lease and the channel waited 120 s for it."""
    from worker.alerts.channels.recording import RecordingChannel
    from worker.alerts.deliver import deliver

    cfg = config(channel("d", "recording", digest="10m"))
    _write(pg_db, 1, cfg=cfg)
    with pg_db.session_scope() as session:
        article = add_article(session, 2)
    due = NOW + timedelta(minutes=11)
    leasing = Session(pg_db.engine)
    [digest_id] = outbox.claim_due(leasing, due, config=cfg)  # not committed yet
    appended, finish = threading.Event(), threading.Event()

    def detection() -> None:  # sees the digest open, then waits for its row lock
        with pg_db.session_scope() as session:
            outbox.write_alert(session, make_payload(article), config=cfg, now=due)
            appended.set()
            finish.wait(10)  # the detection transaction goes on (claims, other profiles)

    thread = threading.Thread(target=detection)
    thread.start()
    time.sleep(0.3)  # the detection now waits for the lease's lock on the digest row
    leasing.commit()
    leasing.close()
    assert appended.wait(10)
    threading.Timer(0.5, finish.set).start()  # the detection commits half a second later
    recorder = RecordingChannel("d")
    with pg_db.session_scope() as session:
        outcome = deliver(session, digest_id, channels={"d": recorder}, settings=cfg, now=due)
    thread.join(10)
    assert outcome == "delivered"
    assert len(recorder.sent) == 1
    with pg_db.session_scope() as session:  # the detection's alert went to a new digest
        digests = session.scalars(select(Delivery).where(Delivery.alert_id.is_(None))).all()
        assert [len(d.digest_of) for d in sorted(digests, key=lambda d: d.id)] == [1, 1]
