"""The alert outbox: rows written in the detection transaction, leased and settled by delivery.

A Delivery row is one message to one channel. Its life:

    pending --claim_due--> sending --mark_delivered--> delivered        (final)
       ^                      |  \\--mark_dead--------> dead             (final until `retry`)
       '---schedule_retry-----'
    digested    the alert went into a digest row (alert_id NULL, `digest_of` lists the alerts)
    suppressed  the story was in a quiet spell; recorded and counted, never sent

`claim_due` marks rows `sending` with a lease *before* anything is sent, and that mark is
committed first. A worker killed between sending and recording leaves a `sending` row whose
lease runs out; `claim_due` then hands it out again with the same idempotency key (the
generic webhook's receiver dedupes on it; chat channels may show it twice: at-least-once).
A `delivered` row is never handed out again.

Per channel, deliveries go out in id order: a row is due only when no earlier row of its
channel is still pending or sending, so retries and backoff never reorder a channel.

Nothing here commits: every function takes the caller's Session (see store/db.py).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from worker import metrics
from worker.alerts import compose, routing
from worker.config import AlertsConfig
from worker.store.db import after_commit
from worker.store.models import Alert, Delivery

# A claimed delivery is held this long before another worker may take it over. It must
# outlast one send (10 s timeout, see channels/base.py) plus the delivery task's time limit
# with room to spare, so a live worker never loses its lease mid-send.
LEASE_S = 120.0
# Doubling past 2**30 base delays is years; capping the exponent keeps floats finite.
_MAX_EXPONENT = 30
OPEN = ("pending", "sending")  # states that hold up later deliveries of the same channel
FINAL = ("delivered", "dead", "digested", "suppressed")


def alert_key(alert_id: int, channel: str) -> str:
    """The idempotency key of one alert's delivery to one channel (64 hex characters)."""
    return hashlib.sha256(f"newswatch:alert:{alert_id}:{channel}".encode()).hexdigest()


def digest_key(channel: str, first_alert_id: int) -> str:
    """The idempotency key of the digest a channel opened for `first_alert_id`."""
    return hashlib.sha256(f"newswatch:digest:{channel}:{first_alert_id}".encode()).hexdigest()


def write_alert(
    session: Session, payload: Mapping[str, Any], *, config: AlertsConfig, now: datetime
) -> Alert | None:
    """Write the alert of `payload` (from compose.build_payload) and its deliveries.

    Call it inside the detection transaction. Returns None, writing nothing, when the alert
    for this article, profile and revision exists already (a re-run, or a concurrent worker): the
    unique constraint is met inside a SAVEPOINT, so the caller's transaction goes on.
    """
    article_id, profile = int(payload["article"]["id"]), str(payload["profile"])
    revision = int(payload["article"].get("revision", 0))
    if _alert_exists(session, article_id, profile, revision):
        return None
    alert = Alert(
        kind=str(payload["kind"]),
        profile=profile,
        article_id=article_id,
        revision=revision,
        story_id=payload["story"]["id"],
        payload={},
        first_seen_at=compose.parse_iso(payload["article"]["first_seen"]),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(alert)
    except IntegrityError:
        return None
    alert.payload = compose.stamp(payload, alert_id=alert.id, created_at=now)
    for route in _plan(session, alert, float(payload["score"]), config, now):
        _apply(session, alert, route, now)
    session.flush()
    return alert  # counted in newswatch_alerts_created_total once the caller commits


def _alert_exists(session: Session, article_id: int, profile: str, revision: int) -> bool:
    query = select(Alert.id).where(
        Alert.article_id == article_id, Alert.profile == profile, Alert.revision == revision
    )
    return session.scalar(query) is not None


def _plan(
    session: Session, alert: Alert, score: float, config: AlertsConfig, now: datetime
) -> list[routing.Route]:
    facts = routing.AlertFacts(alert.kind, alert.profile, score, alert.story_id)
    traffic = {c.name: channel_traffic(session, c.name, now) for c in config.channels}
    return routing.plan(
        facts,
        config,
        traffic,
        story_alerts_last_hour=story_alerts_last_hour(session, alert, now),
        now=now,
    )


def channel_traffic(session: Session, channel: str, now: datetime) -> routing.ChannelTraffic:
    """Messages the channel got in the last hour, and whether a digest is open for it."""
    recent = session.scalars(
        select(Delivery.created_at).where(
            Delivery.channel == channel,
            Delivery.created_at > now - routing.WINDOW,
            Delivery.state.not_in(("digested", "suppressed")),
        )
    ).all()
    return routing.ChannelTraffic(tuple(recent), _open_digest_id(session, channel) is not None)


def story_alerts_last_hour(session: Session, alert: Alert, now: datetime) -> int:
    """Other alerts of the alert's story created within the last hour."""
    if alert.story_id is None:
        return 0
    query = select(func.count(Alert.id)).where(
        Alert.story_id == alert.story_id,
        Alert.created_at > now - routing.WINDOW,
        Alert.id != alert.id,
    )
    return int(session.scalar(query) or 0)


# An open digest has never been tried (no attempt, no error, not re-queued): once tried,
# its content must stay as it was sent, or one delivery id would name two bodies.
_OPEN_DIGEST = (
    Delivery.alert_id.is_(None),
    Delivery.state == "pending",
    Delivery.attempts == 0,
    Delivery.last_error.is_(None),
)


def _open_digest_id(session: Session, channel: str) -> int | None:
    query = select(Delivery.id).where(Delivery.channel == channel, *_OPEN_DIGEST)
    return session.scalar(query.order_by(Delivery.id).limit(1))


def _apply(session: Session, alert: Alert, route: routing.Route, now: datetime) -> None:
    state = {"send": "pending", "digest": "digested", "suppress": "suppressed"}[route.action]
    row = Delivery(
        alert_id=alert.id,
        channel=route.channel,
        state=state,
        idempotency_key=alert_key(alert.id, route.channel),
        next_attempt_at=route.due_at,
        created_at=now,
    )
    session.add(row)
    if route.action == "digest":
        _add_to_digest(session, alert.id, route, now)
    if state != "pending":
        counter = metrics.ALERTS.labels(alert.kind, route.channel, state)
        after_commit(session, counter.inc)


def _add_to_digest(session: Session, alert_id: int, route: routing.Route, now: datetime) -> None:
    open_id = _open_digest_id(session, route.channel)
    if open_id is not None:
        # Lock it (PostgreSQL) so two detections appending at once cannot lose an alert.
        # PostgreSQL checks the conditions again on the row it waited for: a digest leased
        # meanwhile is not returned, but stays locked to the end of this transaction, so
        # its delivery waits for the row (deliver._load_leased) rather than skipping it.
        query = select(Delivery).where(Delivery.id == open_id, *_OPEN_DIGEST).with_for_update()
        digest = session.scalars(query).one_or_none()
        if digest is not None:
            digest.digest_of = [*digest.digest_of, alert_id]
            return
    session.add(
        Delivery(
            alert_id=None,
            channel=route.channel,
            state="pending",
            idempotency_key=digest_key(route.channel, alert_id),
            next_attempt_at=route.due_at,
            digest_of=[alert_id],
            created_at=now,
        )
    )


def claim_due(
    session: Session,
    now: datetime,
    *,
    config: AlertsConfig,
    limit: int = 100,
    channel: str | None = None,
) -> list[int]:
    """Lease due deliveries (`sending`, attempts + 1) and return their ids in order.

    Due: pending and `next_attempt_at` has come, or sending with its lease run out (a killed
    worker). Only the head of each channel's queue is due. Stale leases that used up their
    attempts are dead-lettered instead. PostgreSQL: FOR UPDATE SKIP LOCKED lets concurrent
    claimers pass each other; SQLite: the UPDATE takes the write lock before it selects.
    """
    _bury_stale(session, now, config.max_attempts)
    d, e = aliased(Delivery, name="d"), aliased(Delivery, name="e")
    earlier = exists().where(e.channel == d.channel, e.id < d.id, e.state.in_(OPEN))
    due = or_(
        and_(d.state == "pending", d.next_attempt_at <= now),
        and_(d.state == "sending", d.lease_until <= now),
    )
    heads = select(d.id).where(due, ~earlier).order_by(d.id).limit(limit)
    if channel is not None:
        heads = heads.where(d.channel == channel)
    if session.get_bind().dialect.name == "postgresql":
        heads = heads.with_for_update(skip_locked=True, of=d)
    claim = (
        update(Delivery)
        .where(Delivery.id.in_(heads.scalar_subquery()))
        .values(
            state="sending",
            lease_until=now + timedelta(seconds=LEASE_S),
            attempts=Delivery.attempts + 1,
        )
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(session.scalars(claim).all())
    session.expire_all()  # rows loaded before the bulk UPDATE are stale now
    return ids


def claim_next(
    session: Session, after_delivery_id: int, now: datetime, *, config: AlertsConfig
) -> list[int]:
    """Lease the next due delivery of the channel `after_delivery_id` went to (0 or 1 id).

    A channel sends one message at a time (that is what keeps it in order), so the delivery
    task calls this after recording an outcome to keep a busy channel flowing between ticks
    of the periodic task.
    """
    query = select(Delivery.channel).where(Delivery.id == after_delivery_id)
    channel = session.scalar(query)
    if channel is None:
        return []
    return claim_due(session, now, config=config, limit=1, channel=channel)


def _bury_stale(session: Session, now: datetime, max_attempts: int) -> None:
    query = select(Delivery).where(
        Delivery.state == "sending",
        Delivery.lease_until <= now,
        Delivery.attempts >= max_attempts,
    )
    for row in session.scalars(query.with_for_update(skip_locked=True)).all():
        mark_dead(row, now, "lease_expired")
        metrics.ALERTS.labels(delivery_kind(session, row), row.channel, "dead").inc()


def delivery_kind(session: Session, row: Delivery) -> str:
    """The metric `kind` of a delivery: its alert's kind, or `digest`."""
    if row.alert_id is None:
        return "digest"
    return session.scalar(select(Alert.kind).where(Alert.id == row.alert_id)) or "unknown"


def mark_delivered(row: Delivery, now: datetime) -> None:
    """Record a successful send: final, never sent again."""
    row.state, row.delivered_at = "delivered", now
    row.lease_until, row.last_error = None, None


def mark_dead(row: Delivery, now: datetime, reason: str) -> None:
    """Dead-letter the delivery: kept with its reason until an operator runs `alerts retry`."""
    row.state, row.last_error = "dead", reason
    row.lease_until, row.next_attempt_at = None, now


def backoff_delay(attempts: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(attempts-1))]."""
    exponent = min(max(0, attempts - 1), _MAX_EXPONENT)
    return rng.uniform(0.0, min(cap, base * 2**exponent))


def schedule_retry(
    row: Delivery,
    now: datetime,
    *,
    reason: str,
    retry_after: float | None,
    config: AlertsConfig,
    rng: random.Random | None = None,
) -> datetime:
    """Put the delivery back to pending after a backoff; a Retry-After is waited out in full."""
    delay = backoff_delay(
        row.attempts, base=config.base_delay, cap=config.max_delay, rng=rng or random.Random()
    )
    if retry_after is not None:
        delay = max(delay, retry_after)
    row.state, row.last_error, row.lease_until = "pending", reason, None
    row.next_attempt_at = now + timedelta(seconds=delay)
    return row.next_attempt_at


def requeue_alert(session: Session, alert_id: int, now: datetime) -> int:
    """Send an alert's dead deliveries again now (and dead digests carrying it); the count.

    `last_error` keeps the reason it died, which also keeps a re-queued digest closed.
    """
    rows = session.scalars(
        select(Delivery).where(Delivery.state == "dead").order_by(Delivery.id)
    ).all()
    count = 0
    for row in rows:
        if row.alert_id == alert_id or (row.alert_id is None and alert_id in row.digest_of):
            row.state, row.attempts, row.next_attempt_at = "pending", 0, now
            count += 1
    return count


def next_due_at(session: Session) -> datetime | None:
    """When the next delivery becomes due: the earliest due time among channel heads.

    Rows behind a head wait for it, whatever their own `next_attempt_at` says. For drivers
    that sleep until there is work (and for tests with an injected clock).
    """
    d, e = aliased(Delivery, name="d"), aliased(Delivery, name="e")
    earlier = exists().where(e.channel == d.channel, e.id < d.id, e.state.in_(OPEN))
    heads = session.execute(
        select(d.state, d.next_attempt_at, d.lease_until).where(d.state.in_(OPEN), ~earlier)
    ).all()
    times = [lease if state == "sending" else due for state, due, lease in heads]
    known = [t for t in times if t is not None]
    return min(known) if known else None
