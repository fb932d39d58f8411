"""What the operator commands (`newswatch alerts ...`) need beyond the outbox itself."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.alerts import compose
from worker.config import AlertsConfig
from worker.errors import PermanentError
from worker.store.models import Alert, Delivery, utcnow


def recent_alerts(
    session: Session, *, state: str | None = None, limit: int = 20
) -> list[tuple[Alert, list[Delivery]]]:
    """The newest alerts (with a delivery in `state`, if given) and their own deliveries."""
    query = select(Alert).order_by(Alert.id.desc()).limit(limit)
    if state is not None:
        having = select(Delivery.alert_id).where(Delivery.state == state)
        query = query.where(Alert.id.in_(having))
    alerts = session.scalars(query).all()
    return [(alert, _deliveries_of(session, alert.id, digests=False)) for alert in alerts]


def alert_detail(session: Session, alert_id: int) -> tuple[Alert, list[Delivery]]:
    """An alert and every delivery that carries it, digests included."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise PermanentError(f"there is no alert {alert_id}", reason="not_found")
    return alert, _deliveries_of(session, alert_id, digests=True)


def _deliveries_of(session: Session, alert_id: int, *, digests: bool) -> list[Delivery]:
    own = session.scalars(
        select(Delivery).where(Delivery.alert_id == alert_id).order_by(Delivery.id)
    ).all()
    if not digests:
        return list(own)
    # JSON containment differs between SQLite and PostgreSQL; digest rows are few.
    carrying = session.scalars(
        select(Delivery).where(Delivery.alert_id.is_(None)).order_by(Delivery.id)
    ).all()
    return [*own, *(d for d in carrying if alert_id in d.digest_of)]


def send_sample(config: AlertsConfig, channel_name: str, *, digest: bool = False) -> str:
    """Send a sample alert (or digest) to one configured channel now; returns its delivery id.

    Raises the channel's TransientError / PermanentError on failure; nothing is stored.
    """
    from worker.alerts.channels import build_channel, build_http_client

    chosen = next((c for c in config.channels if c.name == channel_name), None)
    if chosen is None:
        names = ", ".join(c.name for c in config.channels) or "none configured"
        raise PermanentError(f"no channel named {channel_name!r} ({names})", reason="not_found")
    now = utcnow()
    delivery_id = f"test-{uuid.uuid4().hex}"
    message = compose.for_delivery(compose.sample_payload(now), delivery_id)
    if digest:
        second = {**message, "kind": "new_coverage", "claims": []}
        second["article"] = {
            **message["article"],
            "published": compose.iso(now - timedelta(hours=1)),
        }
        message = compose.build_digest(
            [message, second], delivery_id=delivery_id, channel=channel_name, created_at=now
        )
    with build_http_client() as client:
        build_channel(chosen, client).send(message, delivery_id=delivery_id)
    return delivery_id
