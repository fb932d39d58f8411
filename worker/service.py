"""Start the Celery worker and/or scheduler for `newswatch run`, with the metrics endpoint."""

from __future__ import annotations

import logging
import os
import resource
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from worker.config import Settings

if TYPE_CHECKING:
    from worker.services import Services

log = logging.getLogger(__name__)
# Pool processes per core by default. A task waits on I/O for part of its time (the page
# download, database commits, the broker): with one process per core the cores sat idle
# 40% of the time, and with two the service did 53 articles/s on 2 cores where one did 41
# (benchmarks/run.py, docs/performance.md). Each process holds 200-300 MB.
PROCESSES_PER_CORE = 2


def start(settings: Settings, *, role: str, queues: Sequence[str], concurrency: int | None) -> None:
    """Block running the chosen role until a signal stops it."""
    from worker import pipeline
    from worker.celery_app import app, configure
    from worker.extract import warm_up
    from worker.log import setup_logging
    from worker.metrics_server import serve
    from worker.services import build_services

    setup_logging(settings.log)
    configure(settings)
    app.conf.newswatch_settings = settings
    svc = build_services(settings)
    pipeline.sync_configured_feeds(svc)
    added = pipeline.ensure_seed_claims(svc)
    if added:
        log.info("loaded %d known claims from the seeds", added)
    if settings.metrics.port:
        serve(svc.db, settings.metrics.host, settings.metrics.port, svc.dedupe_index_size)
        log.info("metrics on http://%s:%d/metrics", settings.metrics.host, settings.metrics.port)
    if role != "scheduler" and "process" in queues:  # the queue whose tasks judge claims
        _load_known_claims(svc)
    svc.close()  # the pool children build their own after the fork
    schedule_file = str(Path(settings.data_dir).resolve() / "celerybeat-schedule")
    if role == "scheduler":
        app.Beat(schedule=schedule_file, loglevel=settings.log.level).run()
        return
    warm_up()  # what each pool child would otherwise load on its first article
    worker = app.Worker(
        queues=list(queues),
        concurrency=concurrency or default_concurrency(),
        beat=role == "all",
        schedule_filename=schedule_file,
        loglevel=settings.log.level,
        hostname=f"newswatch-{role}@%h",
        without_mingle=settings.broker_url is None,  # the embedded transport has no broadcast
        without_gossip=settings.broker_url is None,
        # A pool process starts with its parent's pages (the known claims above, the
        # extractor's models), and Celery measures their peak RSS, shared pages included:
        # the limit is on what a process adds to what it inherited.
        max_memory_per_child=app.conf.worker_max_memory_per_child + _peak_rss_kb(),
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.start()


def _load_known_claims(svc: Services) -> None:
    """Load every profile's known claims before the pool forks (ClaimJudge.load)."""
    from worker import tasks
    from worker.pipeline import INFRASTRUCTURE_ERRORS

    if svc.settings.claims.mode != "lexical":
        # The encoder's threads do not survive a fork; each pool process loads its own.
        return
    started = time.perf_counter()
    names = [profile.name for profile in svc.matcher.profiles]
    try:
        with svc.db.session_scope() as session:
            loaded = svc.claims.load(session, names)
    except INFRASTRUCTURE_ERRORS as exc:
        log.warning("known claims not loaded ahead (%s): each pool process loads its own", exc)
        return
    tasks.inherit_known_claims(svc.claims)
    log.info("%d known claims of %d profiles in memory (%.1f s), shared by the pool processes",
             loaded, len(names), time.perf_counter() - started)  # fmt: skip


def _peak_rss_kb() -> int:
    """This process's peak resident memory, in KiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes there, KiB on Linux


def default_concurrency() -> int:
    """Pool processes when --concurrency is not given: PROCESSES_PER_CORE per core."""
    return PROCESSES_PER_CORE * (os.cpu_count() or 1)
