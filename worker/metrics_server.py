"""`/metrics` and `/healthz` for the long-running service, correct under the prefork pool.

Celery's pool children are separate processes, so counters use prometheus_client's
multiprocess mode: each process writes its samples to PROMETHEUS_MULTIPROC_DIR and the main
process serves their sum. The directory is emptied at start (stale files from a previous run
would add phantom counts) and dead children are marked so their live gauges go away.

Gauges that describe the database (queue depth, feed staleness, dedupe index size) are
computed when Prometheus scrapes, by `DatabaseCollector`: right whichever process answers.
The server answers those two paths and nothing else.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.multiprocess import mark_process_dead as _mark_dead
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from worker.store.db import Database
from worker.store.models import Delivery, Entry, Feed, utcnow

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess(directory: Path) -> None:
    """Empty the samples directory and switch prometheus_client to multiprocess values.

    Must run before `worker.metrics` is imported in this process, so that every metric
    writes to the shared directory (and so do the pool children forked from it).
    """
    if "worker.metrics" in sys.modules:
        raise RuntimeError("worker.metrics was imported before multiprocess mode was set up")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)  # prometheus_client reads it from there
    values.ValueClass = values.get_value_class()


def multiprocess_enabled() -> bool:
    """True when this process writes samples to a shared directory."""
    return bool(os.environ.get(MULTIPROC_ENV))


def mark_process_dead(pid: int | None) -> None:
    """Forget a dead pool child's live gauges (called on worker_process_shutdown)."""
    if pid is not None and multiprocess_enabled():
        _mark_dead(pid)


class DatabaseCollector(Collector):
    """Scrape-time gauges read from the database."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        index_size: Callable[[Session], int] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        # The SQL and Redis indexes both keep one signature row an article in the database;
        # the in-memory index of tests and evaluations does not: the service passes how to
        # count the one it uses.
        self._index_size = index_size or _sql_index_size

    def collect(self) -> Iterator[Metric]:
        """Yield queue depth, seconds since each feed's last success, dedupe index size."""
        from worker import metrics

        depth = GaugeMetricFamily(*metrics.QUEUE_DEPTH, labels=["queue"])
        stale = GaugeMetricFamily(*metrics.FEED_LAST_SUCCESS_AGE, labels=["feed"])
        index = GaugeMetricFamily(*metrics.DEDUPE_INDEX_SIZE)
        up = GaugeMetricFamily(*metrics.UP)
        now = self._clock()
        with self._db.session_scope() as session:
            pending = session.scalar(select(func.count()).where(Entry.state == "pending"))
            due = session.scalar(
                select(func.count()).where(Delivery.state.in_(("pending", "sending")))
            )
            depth.add_metric(["entries"], float(pending or 0))
            depth.add_metric(["deliveries"], float(due or 0))
            for feed in session.scalars(select(Feed).where(Feed.retired_at.is_(None))):
                since = feed.last_success_at or feed.created_at
                stale.add_metric([feed.name], max(0.0, (now - since).total_seconds()))
            index.add_metric([], float(self._index_size(session)))
        up.add_metric([], 1.0)
        yield up
        yield depth
        yield stale
        yield index


def _sql_index_size(session: Session) -> int:
    from worker.store.models import DedupeSignature

    return int(session.scalar(select(func.count()).select_from(DedupeSignature)) or 0)


def build_registry(
    db: Database, index_size: Callable[[Session], int] | None = None
) -> CollectorRegistry:
    """The registry /metrics serves: process samples (summed in multiprocess mode) + DB."""
    import worker.metrics  # noqa: F401  (declares the metrics in this process)

    registry = CollectorRegistry()
    if multiprocess_enabled():
        MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(DatabaseCollector(db, index_size=index_size))
    return registry


def serve(
    db: Database, host: str, port: int, index_size: Callable[[Session], int] | None = None
) -> ThreadingHTTPServer:
    """Start the HTTP server in a daemon thread and return it (call .shutdown() to stop)."""
    registry = build_registry(db, index_size)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._reply(200, CONTENT_TYPE_LATEST, generate_latest(registry))
            elif path == "/healthz":
                ok = _healthy(db)
                self._reply(200 if ok else 503, "text/plain", b"ok\n" if ok else b"db down\n")
            else:
                self._reply(404, "text/plain", b"not found\n")

        def _reply(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # scrapes every few seconds would drown the log

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


def _healthy(db: Database) -> bool:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means unhealthy
        return False
    return True
