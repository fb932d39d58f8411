"""The Celery app: broker (Redis, or the embedded SQLite default), queues, routes, beat.

Importing this module creates an unconfigured Celery object and nothing else; `configure()`
applies Settings. Queues: `fetch` (I/O-bound: feed polls and the scheduler's sweeps),
`process` (one task per entry: its page download, extraction and detection; the download is
a few ms against tens of ms of extraction, and keeping it in the same task keeps the page out
of the broker and the database), `deliver` (chat webhooks).

The embedded default is kombu's SQLAlchemy transport on a SQLite file beside the database:
no server to install, and messages survive a restart. Its stock 1 s polling interval caps
it near 2 tasks/s, so a registered subclass polls every 50 ms (passing `polling_interval`
as a transport option would be handed to SQLAlchemy and crash the worker); its channel runs
the file in WAL mode and deletes each message it hands out (EmbeddedChannel). It has no
visibility timeout: the database lease and the periodic `requeue_stranded` task recover
what a killed worker held.
"""

from __future__ import annotations

from datetime import timedelta
from json import dumps, loads
from pathlib import Path
from queue import Empty
from typing import Any

from celery import Celery
from kombu.entity import Queue
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Channel as SqlaChannel
from kombu.transport.sqlalchemy import Transport as SqlaTransport
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import OperationalError

from worker.config import Settings

QUEUES = ("fetch", "process", "deliver")
EMBEDDED_SCHEME = "nwsqla"
# Beat ticks: due feeds and deliveries are read from the database every `poll.tick` (their
# own times live in feeds.next_check_at and deliveries.next_attempt_at); stranded work is
# swept less often.
TICK_STRANDED_S = 60.0
# Longest task hard limit (seconds); Redis' visibility timeout must exceed twice it and the
# longest retry countdown, or Redis hands a running task to a second worker.
LONGEST_TASK_S = 300
MAX_RETRY_COUNTDOWN_S = 1800
EMBEDDED_BUSY_S = 30.0
# Messages reserved per pool process. A reserved message waits at most PREFETCH tasks, each
# under LONGEST_TASK_S: well inside Redis' visibility timeout (below).
PREFETCH = 4


class EmbeddedChannel(SqlaChannel):
    """kombu's SQLAlchemy channel on a SQLite file in WAL mode, deleting what it hands out,
    with each queue's id read once and messages put and taken by Core statements.

    WAL: readers never block a writer and a commit needs no journal fsync. In the default
    rollback-journal mode the publishers and the pollers of three queues (a BEGIN IMMEDIATE
    every 50 ms each) convoyed on the file lock until every publish failed with "database
    is locked" (10,000 feeds stalled the service; docs/performance.md).
    Deleting: stock kombu marks a message it hands out invisible and never deletes it, so the
    table, and the index every poll reads, would grow by every message ever sent. Nothing
    needs the row afterwards: this transport has no acknowledgement to wait for (a message
    lost with its worker is found again through the database leases).
    """

    def _engine_from_config(self) -> Engine:
        engine: Engine = super()._engine_from_config()
        event.listen(engine, "connect", _broker_pragmas)
        return engine

    def _queue_id(self, queue: str) -> int:
        """The queue's row id, read once per channel: kombu reads it at every put and get
        (6% of the service's CPU), and queues are created, never dropped."""
        ids: dict[str, int] = self.__dict__.setdefault("_queue_ids", {})
        found = ids.get(queue)
        if found is None:
            found = ids[queue] = int(self._get_or_create(queue).id)
        return found

    # kombu's two base classes name the second parameter differently (message, payload).
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        # One Core INSERT, as kombu's ORM one writes it (sent_at left empty: order is by id).
        table = self.message_cls.__table__
        row = {"payload": dumps(payload), "queue_id": self._queue_id(queue), "visible": True,
               "version": 1}  # fmt: skip
        self.session.execute(table.insert(), row)
        try:
            self.session.commit()
        except OperationalError:
            self.session.rollback()  # the publish fails, to be retried: nothing was stored
            raise

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        table = self.message_cls.__table__
        queue_id = self._queue_id(queue)
        self.session.execute(text("BEGIN IMMEDIATE TRANSACTION"))  # as kombu: one taker
        try:
            oldest = self.session.execute(
                select(table.c.id, table.c.payload)
                .where(table.c.queue_id == queue_id, table.c.visible.is_(True))
                .order_by(table.c.timestamp, table.c.id)
                .limit(1)
            ).first()
            if oldest is None:
                raise Empty()
            self.session.execute(table.delete().where(table.c.id == oldest.id))
            return loads(bytes_to_str(oldest.payload))
        finally:
            self.session.commit()


def _broker_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process crash
    cursor.close()


class EmbeddedTransport(SqlaTransport):
    """kombu's SQLAlchemy transport with a 50 ms polling interval (see module docstring)."""

    Channel = EmbeddedChannel
    polling_interval = 0.05


TRANSPORT_ALIASES[EMBEDDED_SCHEME] = "worker.celery_app:EmbeddedTransport"

app = Celery("newswatch")


def broker_url(settings: Settings) -> str:
    """The configured broker, or the embedded SQLite broker beside the data directory."""
    if settings.broker_url is not None:
        return settings.broker_url.get_secret_value()
    path = Path(settings.data_dir).resolve() / "broker.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"{EMBEDDED_SCHEME}+sqlite:///{path}"


def configure(settings: Settings, celery: Celery = app) -> Celery:
    """Apply Settings to the Celery app (once per process, before workers fork)."""
    celery.conf.update(
        broker_url=broker_url(settings),
        broker_connection_retry_on_startup=True,
        # Publishing (follow-up tasks, retries) waits out a broker restart of up to ~45 s
        # (0 + 1 + 2 + 3 + 4 + 5 x 7) instead of the default ~1 s, after which the message
        # would be lost and its entry left to the stranded sweep (minutes later).
        task_publish_retry_policy={
            "max_retries": 12,
            "interval_start": 0,
            "interval_step": 1,
            "interval_max": 5,
        },
        broker_transport_options=_transport_options(settings),
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="process",
        task_routes=_routes(),
        task_acks_late=True,  # a task is acknowledged after it ran, so a crash re-delivers it
        task_reject_on_worker_lost=True,  # ...including a pool child killed by a signal
        task_ignore_result=True,  # results live in the database; no result backend
        # Messages each pool process has waiting: with one, a process that finishes idles
        # until the next message is fetched (the embedded broker polls every 50 ms) and the
        # cores sat idle half the time (docs/performance.md). The pool hands reserved
        # messages to whichever process is free, so a long task holds back none of them.
        worker_prefetch_multiplier=PREFETCH,
        worker_max_tasks_per_child=2000,  # bounds slow leaks in parsers over months
        worker_max_memory_per_child=512_000,  # KiB: a child past 512 MB is replaced
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=_beat_schedule(settings.poll.tick),
        include=["worker.tasks"],
    )
    return celery


def _transport_options(settings: Settings) -> dict[str, Any]:
    if settings.broker_is_redis:
        return {
            "visibility_timeout": 2 * max(LONGEST_TASK_S, MAX_RETRY_COUNTDOWN_S) + 60,
            "unacked_restore_throttle": 1,  # kombu>=5.7: restore killed tasks promptly
        }
    # The embedded broker: kombu hands these to create_engine. Python's sqlite3 gives up on a
    # locked database after 5 s; a burst of publishes (1,000 feeds due at once) waits longer
    # than that behind the pool's polling, so wait up to EMBEDDED_BUSY_S instead.
    return {"connect_args": {"timeout": EMBEDDED_BUSY_S}}


def _routes() -> dict[str, dict[str, str]]:
    return {
        "newswatch.poll_feeds": {"queue": "fetch"},
        "newswatch.process_entry": {"queue": "process"},
        "newswatch.process_entries": {"queue": "process"},
        "newswatch.deliver_alert": {"queue": "deliver"},
        "newswatch.enqueue_due_feeds": {"queue": "fetch"},
        "newswatch.requeue_stranded": {"queue": "fetch"},
        "newswatch.enqueue_due_deliveries": {"queue": "deliver"},
    }


def _beat_schedule(tick: float) -> dict[str, dict[str, Any]]:
    # Each periodic message expires before the next tick: a backlog never piles up copies.
    return {
        "enqueue-due-feeds": {
            "task": "newswatch.enqueue_due_feeds",
            "schedule": timedelta(seconds=tick),
            "options": {"expires": tick},
        },
        "requeue-stranded": {
            "task": "newswatch.requeue_stranded",
            "schedule": timedelta(seconds=TICK_STRANDED_S),
            "options": {"expires": TICK_STRANDED_S},
        },
        "enqueue-due-deliveries": {
            "task": "newswatch.enqueue_due_deliveries",
            "schedule": timedelta(seconds=tick),
            "options": {"expires": tick},
        },
    }
