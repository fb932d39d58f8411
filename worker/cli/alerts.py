"""`newswatch alerts`: list, show, retry and test alert deliveries.

A thin layer over worker.alerts: every command opens one transaction, calls the library and
prints. Library imports happen inside the commands (see cli/core.py: metrics come later).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from worker.cli.state import CliState, pass_state

if TYPE_CHECKING:
    from worker.config import Settings
    from worker.store.db import Database
    from worker.store.models import Alert, Delivery

STATES = ("pending", "sending", "delivered", "dead", "digested", "suppressed")


def _database(settings: Settings) -> Database:
    from worker.store.db import Database
    from worker.store.migrate import upgrade

    url = settings.database_url.get_secret_value()
    upgrade(url)
    return Database.from_url(url)


@click.group("alerts")
def alerts() -> None:
    """Inspect alerts and their deliveries, re-send dead ones, test a channel."""


@alerts.command("list")
@click.option(
    "--state",
    "state_filter",
    type=click.Choice(STATES),
    help="Only alerts with a delivery in this state.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many of the newest alerts to show.",
)
@pass_state
def list_alerts(state: CliState, state_filter: str | None, limit: int) -> None:
    """List the newest alerts with the state of each channel's delivery."""
    from worker.alerts.admin import recent_alerts

    db = _database(state.settings)
    try:
        with db.session_scope() as session:
            for alert, deliveries in recent_alerts(session, state=state_filter, limit=limit):
                click.echo(_line(alert, deliveries))
    finally:
        db.dispose()


def _line(alert: Alert, deliveries: list[Delivery]) -> str:
    title = str(alert.payload.get("article", {}).get("title", ""))[:60]
    channels = " ".join(f"{d.channel}={d.state}" for d in deliveries) or "(no channel)"
    when = alert.created_at.strftime("%Y-%m-%d %H:%M")
    return f"{alert.id:>6}  {when}  {alert.kind:<12}  {alert.profile:<16}  {title}  [{channels}]"


@alerts.command("show")
@click.argument("alert_id", type=int, metavar="ID")
@pass_state
def show(state: CliState, alert_id: int) -> None:
    """Print an alert's payload (the webhook JSON) and every delivery of it."""
    from worker.alerts.admin import alert_detail

    db = _database(state.settings)
    try:
        with db.session_scope() as session:
            alert, deliveries = alert_detail(session, alert_id)
            click.echo(json.dumps(alert.payload, indent=2, ensure_ascii=False))
            click.echo("deliveries:")
            for d in deliveries:
                click.echo("  " + _delivery_line(d))
    finally:
        db.dispose()


def _delivery_line(d: Delivery) -> str:
    what = f"digest of {len(d.digest_of)}" if d.alert_id is None else "alert"
    parts = [f"#{d.id}", d.channel, d.state, what, f"attempts={d.attempts}"]
    if d.state == "pending":
        parts.append(f"next={d.next_attempt_at:%Y-%m-%d %H:%M:%S}")
    if d.last_error:
        parts.append(f"last_error={d.last_error}")
    if d.delivered_at:
        parts.append(f"delivered={d.delivered_at:%Y-%m-%d %H:%M:%S}")
    return "  ".join(parts)


@alerts.command("retry")
@click.argument("alert_id", type=int, metavar="ID")
@pass_state
def retry(state: CliState, alert_id: int) -> None:
    """Re-queue the dead deliveries of an alert (and dead digests carrying it) to send now."""
    from worker.alerts.admin import alert_detail
    from worker.alerts.outbox import requeue_alert
    from worker.store.models import utcnow

    db = _database(state.settings)
    try:
        with db.session_scope() as session:
            alert_detail(session, alert_id)  # raises when there is no such alert
            count = requeue_alert(session, alert_id, utcnow())
    finally:
        db.dispose()
    click.echo(f"re-queued {count} dead deliver{'y' if count == 1 else 'ies'} of alert {alert_id}")


@alerts.command("test")
@click.argument("channel_name", metavar="CHANNEL")
@click.option("--digest", is_flag=True, help="Send a sample digest instead of a sample alert.")
@pass_state
def test(state: CliState, channel_name: str, digest: bool) -> None:
    """Send a sample alert to one configured channel now and print the outcome."""
    from worker.alerts.admin import send_sample

    delivery_id = send_sample(state.settings.alerts, channel_name, digest=digest)
    click.echo(f"delivered to {channel_name} (delivery id {delivery_id})")


COMMANDS: list[click.Command] = [alerts]
