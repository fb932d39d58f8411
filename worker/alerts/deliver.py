"""Deliver one outbox row: send it through its channel and record the outcome.

The delivery task calls `deliver` with an id that `outbox.claim_due` leased (state
`sending`, committed before the send). The outcome is recorded in the caller's transaction:

    delivered  sent; final, never sent again
    retried    a TransientError (or an unexpected bug): pending again after a backoff
    dead       a PermanentError, or the last of `max_attempts` failed; `alerts retry` revives
    skipped    not ours to send: missing, delivered already, not leased, or lease run out
               (a second task for one delivery waits for the first, then skips)

Guarantees: the generic webhook is effectively exactly-once, since every try of one delivery
carries the same `X-Newswatch-Delivery` id for the receiver to dedupe on. Slack, Discord,
Teams and Mattermost accept no idempotency key, so a worker killed after their 2xx but before
the commit makes one duplicate post: at-least-once with a one-round-trip window.
"""

from __future__ import annotations

import logging
import random
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker import metrics
from worker.alerts import compose, outbox
from worker.alerts.channels.base import Channel
from worker.config import AlertsConfig
from worker.errors import PermanentError, TransientError
from worker.store.db import Database
from worker.store.models import Alert, Delivery

log = logging.getLogger(__name__)


def deliver(
    session: Session,
    delivery_id: int,
    *,
    channels: Mapping[str, Channel],
    settings: AlertsConfig,
    now: datetime,
    rng: random.Random | None = None,
) -> str:
    """Send the leased delivery `delivery_id` and record what happened; returns the outcome."""
    row = _load_leased(session, delivery_id, now)
    if row is None:
        return "skipped"
    kind = outbox.delivery_kind(session, row)
    channel = channels.get(row.channel)
    if channel is None:  # the channel left the configuration since the alert was written
        return _settle_failure(
            row, kind, PermanentError(reason="unknown_channel"), settings=settings, now=now
        )
    alerts = _alerts_of(session, row)
    if not alerts:  # a digest whose alerts were all deleted: nothing left to say
        return _settle_failure(
            row, kind, PermanentError(reason="alert_deleted"), settings=settings, now=now
        )
    message = _message(row, alerts, now)
    error = _send(channel, message, row)
    if error is not None:
        return _settle_failure(row, kind, error, settings=settings, now=now, rng=rng)
    outbox.mark_delivered(row, now)
    metrics.ALERTS.labels(kind, row.channel, "delivered").inc()
    _observe_latency(alerts, now)
    return "delivered"


def _load_leased(session: Session, delivery_id: int, now: datetime) -> Delivery | None:
    # PostgreSQL: hold the row while sending; a duplicate task for it waits, then finds it
    # delivered. Not SKIP LOCKED: a detection that locked a digest row just as it was leased
    # (outbox._add_to_digest) holds it to the end of its transaction, and a delivery that
    # skipped the row kept its lease: the channel stalled until the lease ran out (seen
    # once in benchmarks/run.py, 13 alerts held for 40 s and more).
    query = select(Delivery).where(Delivery.id == delivery_id).with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None or row.state != "sending":
        return None  # delivered (never re-send), dead, or pending
    if row.lease_until is not None and row.lease_until <= now:
        return None  # too late: claim_due hands it out again with a fresh lease
    return row


def _alerts_of(session: Session, row: Delivery) -> list[Alert]:
    ids = [row.alert_id] if row.alert_id is not None else [int(i) for i in row.digest_of]
    found = session.scalars(select(Alert).where(Alert.id.in_(ids)).order_by(Alert.id)).all()
    return list(found)


def _message(row: Delivery, alerts: list[Alert], now: datetime) -> dict[str, Any]:
    if row.alert_id is not None:
        return compose.for_delivery(alerts[0].payload, row.idempotency_key)
    return compose.build_digest(
        [a.payload for a in alerts],
        delivery_id=row.idempotency_key,
        channel=row.channel,
        created_at=row.created_at or now,
    )


def _send(
    channel: Channel, message: Mapping[str, Any], row: Delivery
) -> TransientError | PermanentError | None:
    started = time.monotonic()
    try:
        channel.send(message, delivery_id=row.idempotency_key)
    except (TransientError, PermanentError) as exc:
        log.warning("delivery to %s failed: %s", row.channel, exc.reason)
        return exc
    except Exception as exc:  # a bug: retried a bounded number of times, then dead
        # Frames only: a foreign exception's text may quote a webhook URL.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("delivery to %s hit a bug: %s\n%s", row.channel, type(exc).__name__, frames)
        return TransientError(type(exc).__name__, reason="bug")
    finally:
        metrics.DELIVERY_SECONDS.labels(row.channel).observe(time.monotonic() - started)
    return None


def _settle_failure(
    row: Delivery,
    kind: str,
    error: TransientError | PermanentError,
    *,
    settings: AlertsConfig,
    now: datetime,
    rng: random.Random | None = None,
) -> str:
    if isinstance(error, TransientError) and row.attempts < settings.max_attempts:
        outbox.schedule_retry(
            row, now, reason=error.reason, retry_after=error.retry_after, config=settings, rng=rng
        )
        metrics.ALERTS.labels(kind, row.channel, "retried").inc()
        return "retried"
    outbox.mark_dead(row, now, error.reason)
    metrics.ALERTS.labels(kind, row.channel, "dead").inc()
    return "dead"


def _observe_latency(alerts: list[Alert], now: datetime) -> None:
    for alert in alerts:
        if alert.first_seen_at is not None:
            seconds = (now - alert.first_seen_at).total_seconds()
            metrics.ALERT_LATENCY_FROM_SEEN.observe(max(0.0, seconds))
        published = compose.parse_iso(alert.payload.get("article", {}).get("published"))
        if published is not None:
            seconds = (now - published).total_seconds()
            metrics.ALERT_LATENCY_FROM_PUBLISHED.observe(max(0.0, seconds))


def deliver_due(
    db: Database,
    *,
    channels: Mapping[str, Channel],
    settings: AlertsConfig,
    clock: Callable[[], datetime],
    limit: int = 100,
    rng: random.Random | None = None,
) -> Counter[str]:
    """Claim what is due and deliver it, one transaction per delivery (for `poll --once`).

    The Celery path splits the same two steps: the periodic task claims and enqueues ids,
    the delivery task calls `deliver` for one id.
    """
    with db.session_scope() as session:
        ids = outbox.claim_due(session, clock(), config=settings, limit=limit)
    outcomes: Counter[str] = Counter()
    for delivery_id in ids:
        with db.session_scope() as session:
            outcome = deliver(
                session, delivery_id, channels=channels, settings=settings, now=clock(), rng=rng
            )
        outcomes[outcome] += 1
    return outcomes
