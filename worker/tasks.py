"""Thin Celery tasks: each takes ids, calls one pipeline function, and maps its errors.

    PermanentError        recorded by the pipeline, counted here, never retried
    TransientError        retried with exponential backoff and jitter (Retry-After honoured)
    database races        (IntegrityError, OperationalError) are transient by design,
    outages               and so are Redis connection errors (a restart of the dedupe index)
    anything else         a bug: logged with its traceback, retried a bounded number of times

Follow-up tasks are enqueued only after the pipeline function returned, that is after its
transaction committed. A lost message is found again by `requeue_stranded`.
"""

from __future__ import annotations

import functools
import gc
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from celery import Task
from celery.exceptions import WorkerLostError
from celery.signals import worker_process_init, worker_process_shutdown
from celery.worker.request import Request
from sqlalchemy.exc import IntegrityError

from worker import metrics
from worker.celery_app import app
from worker.errors import PermanentError, TransientError
from worker.pipeline import INFRASTRUCTURE_ERRORS
from worker.services import Services

if TYPE_CHECKING:
    from worker.claims.novelty import ClaimJudge

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RETRIES = 8  # with doubling from 10 s that reaches ~40 min before giving up
BUG_RETRIES = 2  # an unexpected error rarely heals; two more tries then dead-letter
BASE_DELAY_S = 10.0
MAX_DELAY_S = 1800.0
# Database races (IntegrityError), and database or Redis (dedupe index) outages: they heal
# by waiting, so they are "transient" failures wherever a task meets them.
HEALS_BY_WAITING = (IntegrityError, *INFRASTRUCTURE_ERRORS)
# Feeds per poll_feeds message; polled `fetch.concurrency` at a time, each within twice the
# fetch timeout, so a batch of slow feeds stays far inside the time limits below.
POLL_BATCH = 20
# Entries per process_entries message: a feed's new entries go on in chunks of this many.
# A message per entry spent a fifth of the service's CPU in Celery itself (the consumer
# handling each message, the pool handing it to a child and the result back), more than
# matching and dedupe together (py-spy, docs/performance.md). An entry waits behind at most
# ENTRY_BATCH - 1 others of its feed, a few milliseconds each when off topic.
ENTRY_BATCH = 8
# A delivery task sends its channel's next due deliveries itself for up to this long (well
# inside its soft limit of 60 s, a send's timeout included). Handed on as one message each,
# they waited behind the chunks of entries a worker had reserved: in a burst of 600 entries
# 14 of 29 alerts reached the webhook while the burst lasted.
DRAIN_S = 20.0
# Soft limits raise inside the task (it can clean up); hard limits kill the child.
LIMITS = {"soft_time_limit": 240, "time_limit": 300}

_services: Services | None = None
_download_pool: ThreadPoolExecutor | None = None
# Known claims the main process loaded before the pool forked (ClaimJudge.load): every pool
# process starts from them, sharing their pages, instead of loading its own.
_inherited_claims: ClaimJudge | None = None


def inherit_known_claims(judge: ClaimJudge) -> None:
    """Have the pool processes forked from now on start from `judge`'s known claims."""
    global _inherited_claims  # noqa: PLW0603  (set once, in the main process, before forking)
    _inherited_claims = judge


def services() -> Services:
    """This process's Services, built on first use (after the fork, never before)."""
    global _services  # noqa: PLW0603  (one bundle per process, built lazily after fork)
    if _services is None:
        from worker.services import build_services

        _services = build_services(app.conf.newswatch_settings)
        if _inherited_claims is not None:
            _services.claims = _inherited_claims
    return _services


def _downloads(svc: Services) -> ThreadPoolExecutor:
    """This process's threads for page downloads (`fetch.concurrency` of them)."""
    global _download_pool  # noqa: PLW0603  (one pool per process, after fork)
    if _download_pool is None:
        _download_pool = ThreadPoolExecutor(svc.settings.fetch.concurrency, "download")
    return _download_pool


@worker_process_init.connect
def _after_fork(**_: Any) -> None:
    global _services, _download_pool  # noqa: PLW0603
    _services = None  # connections inherited from the parent are never shared with it
    _download_pool = None  # threads do not survive a fork
    # What the parent imported lives as long as the process: out of the collector's sight,
    # it is not traversed again by every collection that lxml's many small objects set off
    # (4% of extraction time in a worker's heap, docs/performance.md).
    gc.freeze()
    metrics.create_series()


@worker_process_shutdown.connect
def _on_child_exit(pid: int | None = None, **_: Any) -> None:
    from worker.metrics_server import mark_process_dead

    mark_process_dead(pid)


class EntryRequest(Request):  # type: ignore[misc]  # Celery's classes are untyped
    """An entry task's request, as the worker's main process holds it: when the pool
    process running it dies (a crash in extraction, the OOM killer, the hard time limit),
    the crash is counted against its entries before the message goes back to the queue.

    The main process is the one witness that tells a page that kills its worker from a
    worker killed whole from outside (a deploy, a lost host), which nothing survives to
    count. Celery's documented hook for this: a Task's `Request` class."""

    # The hard time limit, then the lost process it leaves: one crash, counted once.
    _crash_counted = False

    def on_failure(self, exc_info: Any, send_failed_event: bool = True,
                   return_ok: bool = False) -> None:  # fmt: skip
        exc = getattr(exc_info, "exception", None)
        if isinstance(getattr(exc, "exc", exc), WorkerLostError):  # unwrapped, as Celery does
            self._count_crash()  # before the message is requeued and taken again
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)

    def on_timeout(self, soft: bool, timeout: float) -> None:
        if not soft:
            self._count_crash()  # the hard limit killed the pool process
        super().on_timeout(soft, timeout)

    def _count_crash(self) -> None:
        from worker import pipeline
        from worker.store.db import Database
        from worker.store.models import utcnow

        if self._crash_counted:
            return
        self._crash_counted = True
        entry_ids = _entry_ids(self.args)
        metrics.TASK_FAILURES.labels(self.task.name, "crashed").inc()
        # A database of its own, closed at once: the main process forks the pool's new
        # processes, which must not inherit its connections.
        settings = app.conf.newswatch_settings
        db = Database.from_url(settings.database_url.get_secret_value())
        try:
            counted = pipeline.count_crash(db, entry_ids, utcnow(), owner=self.id)
        except Exception:  # the database may be what is down: the stranded sweep recovers
            log.warning("%s: the pool process died on entries %s; the crash could not be "
                        "counted", self.task.name, entry_ids, exc_info=True)  # fmt: skip
            return
        finally:
            db.dispose()
        log.warning("%s: the pool process died on entries %s; a crash counted against %s",
                    self.task.name, entry_ids, counted)  # fmt: skip


def _entry_ids(args: Any) -> list[int]:
    """The entry ids a process_entry or process_entries message carries."""
    first = args[0] if args else []
    return [int(i) for i in first] if isinstance(first, list) else [int(first)]


class EntryTask(Task):  # type: ignore[misc]
    """The base of the tasks that work on entries (see EntryRequest)."""

    Request = EntryRequest


def backoff(retries: int, retry_after: float | None = None) -> float:
    """Seconds before retry number `retries + 1`: doubling, capped, full jitter."""
    ceiling = min(MAX_DELAY_S, BASE_DELAY_S * (2**retries))
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, retry_after or 0.0)


def run_mapped(task: Task, fn: Callable[..., T], *args: Any) -> T | None:
    """Run `fn(*args)` mapping errors to retry or record (the house rules above)."""
    name = task.name
    try:
        return fn(*args)
    except PermanentError as exc:
        metrics.TASK_FAILURES.labels(name, "permanent").inc()
        log.warning("%s gave up: %s", name, exc.reason)
        return None
    except TransientError as exc:
        metrics.TASK_FAILURES.labels(name, "transient").inc()
        delay = backoff(task.request.retries, exc.retry_after)
        raise task.retry(exc=exc, countdown=delay, max_retries=MAX_RETRIES) from None
    except HEALS_BY_WAITING as exc:
        metrics.TASK_FAILURES.labels(name, "transient").inc()
        delay = backoff(task.request.retries)
        raise task.retry(exc=exc, countdown=delay, max_retries=MAX_RETRIES) from None
    except Exception as exc:
        metrics.TASK_FAILURES.labels(name, "bug").inc()
        log.exception("%s failed unexpectedly", name)
        raise task.retry(exc=exc, countdown=backoff(0), max_retries=BUG_RETRIES) from None


@app.task(name="newswatch.poll_feeds", bind=True, **LIMITS)
def poll_feeds(self: Task, feed_ids: list[int]) -> None:
    """Poll a batch of due feeds; hand their new or revised entries to process_entries.

    A feed whose poll raised is not retried here: it is due again when its claim runs out.
    """
    from worker import pipeline

    for feed_id, entry_ids, exc in pipeline.poll_feeds_as_done(services(), feed_ids):
        # Each feed's entries as soon as it is polled, in chunks.
        for start in range(0, len(entry_ids), ENTRY_BATCH):
            process_entries.delay(entry_ids[start : start + ENTRY_BATCH])
        if exc is None:
            continue
        transient = isinstance(exc, HEALS_BY_WAITING)
        metrics.TASK_FAILURES.labels(self.name, "transient" if transient else "bug").inc()
        log.warning("polling feed %d failed (%s); it is polled again when its claim runs out",
                    feed_id, type(exc).__name__, exc_info=not transient)  # fmt: skip


@app.task(name="newswatch.process_entry", bind=True, base=EntryTask, **LIMITS)
def process_entry(self: Task, entry_id: int) -> None:
    """Fetch, extract and run detection on one entry; deliver its alerts at once.

    The page never leaves this process (see pipeline.py). Polls hand entries on in chunks
    (process_entries); an entry of a chunk that failed is retried alone, here.
    """
    from worker import pipeline

    outcome = run_mapped(self, functools.partial(pipeline.process_entry, owner=self.request.id),
                         services(), entry_id)  # fmt: skip
    if outcome in ("stored", "revision"):
        _deliver_now(self)


@app.task(name="newswatch.process_entries", bind=True, base=EntryTask, **LIMITS)
def process_entries(self: Task, entry_ids: list[int]) -> None:
    """process_entry for a chunk of entries, one after another, in one message.

    The leases are taken in one transaction, the pages download together in this
    process's threads, and the entries that no profile can match are closed in one
    transaction at the end (on SQLite each transaction waits its turn at the one write
    lock). An entry that fails goes on alone as a process_entry message after a
    backoff, where the usual retry rules apply, and the others go on. An outage (database,
    Redis) stops the chunk: the entries left are retried together, as one message. Entries
    a worker died holding (a redelivered message) go on alone (repo.lease_chunk).
    """
    from worker import pipeline

    svc = services()
    try:
        chunk = pipeline.lease_entries(svc, entry_ids, owner=self.request.id)
    except HEALS_BY_WAITING as exc:
        _retry_rest(self, entry_ids, exc)
    for entry_id in chunk.interrupted:  # a worker died holding them: alone, each is counted
        process_entry.delay(entry_id)  # only for the crashes of its own processing
    leases = chunk.leases
    pages = pipeline.download_pages(svc, leases, _downloads(svc))
    unkept: list[int] = []
    for position, entry_id in enumerate(entry_ids):
        if entry_id not in leases:
            continue  # done already, or held by another worker
        try:
            outcome = pipeline.process_entry(svc, entry_id, pages.get(entry_id),
                                             leased=leases[entry_id], unkept=unkept)  # fmt: skip
        except HEALS_BY_WAITING as exc:
            for page in pages.values():
                page.cancel()
            pipeline.release_entries(svc, [i for i in entry_ids[position + 1 :] if i in leases])
            _finish_unkept_or_leave(svc, unkept)
            _retry_rest(self, entry_ids[position:], exc)
        except Exception as exc:  # mapped, counted and handed on alone
            _hand_on_alone(self, entry_id, exc)
            continue
        if outcome in ("stored", "revision"):
            _deliver_now(self)
    try:
        pipeline.finish_unkept(svc, unkept)
    except HEALS_BY_WAITING as exc:  # their leases run out; then the stranded sweep finds them
        metrics.TASK_FAILURES.labels(self.name, "transient").inc()
        log.warning("%s could not close %d entries (%s)", self.name, len(unkept),
                    type(exc).__name__)  # fmt: skip


def _retry_rest(task: Task, entry_ids: list[int], exc: Exception) -> NoReturn:
    """Retry the chunk's entries from the one an outage stopped, as one message."""
    metrics.TASK_FAILURES.labels(task.name, "transient").inc()
    delay = backoff(task.request.retries)
    raise task.retry(args=(entry_ids,), exc=exc, countdown=delay, max_retries=MAX_RETRIES) from None


def _finish_unkept_or_leave(svc: Services, unkept: list[int]) -> None:
    # In an outage, best effort: what stays open is leased, and found again when that runs out.
    from worker import pipeline

    try:
        pipeline.finish_unkept(svc, unkept)
    except HEALS_BY_WAITING:
        return


def _hand_on_alone(task: Task, entry_id: int, exc: Exception) -> None:
    """An entry of a chunk failed: count it as run_mapped would and queue it on its own."""
    if isinstance(exc, PermanentError):
        metrics.TASK_FAILURES.labels(task.name, "permanent").inc()
        log.warning("%s gave up on entry %d: %s", task.name, entry_id, exc.reason)
        return
    transient = isinstance(exc, TransientError)
    metrics.TASK_FAILURES.labels(task.name, "transient" if transient else "bug").inc()
    if not transient:
        log.error("%s failed unexpectedly on entry %d", task.name, entry_id, exc_info=exc)
    retry_after = exc.retry_after if isinstance(exc, TransientError) else None
    process_entry.apply_async((entry_id,), countdown=backoff(0, retry_after))


def _deliver_now(task: Task) -> None:
    """Deliver at once rather than at the next tick: alert latency is seconds, not ticks.

    Never raises: what cannot be leased now is leased by the next tick's
    enqueue_due_deliveries, and a retry here would re-run the entries of the task."""
    from worker import pipeline

    try:
        due = pipeline.claim_due_deliveries(services())
    except Exception as exc:  # counted; the tick delivers
        metrics.TASK_FAILURES.labels(task.name, "transient").inc()
        log.warning("%s left its alerts to the next tick (%s)", task.name, type(exc).__name__)
        return
    for delivery_id in due:
        deliver_alert.delay(delivery_id)


@app.task(name="newswatch.enqueue_due_feeds", bind=True, **LIMITS)
def enqueue_due_feeds(self: Task) -> None:
    """Queue a poll for every feed whose next poll time has come (the scheduler's tick)."""
    from worker import pipeline

    feed_ids = run_mapped(self, pipeline.claim_due_feeds, services()) or []
    # Batches: one message per POLL_BATCH feeds keeps broker traffic low at 10,000 feeds.
    for start in range(0, len(feed_ids), POLL_BATCH):
        poll_feeds.delay(feed_ids[start : start + POLL_BATCH])


@app.task(name="newswatch.requeue_stranded", bind=True, **LIMITS)
def requeue_stranded(self: Task) -> None:
    """Hand on again the entries whose message or worker was lost."""
    from worker import pipeline

    for entry_id in run_mapped(self, pipeline.claim_stranded, services()) or []:
        process_entry.delay(entry_id)


@app.task(name="newswatch.deliver_alert", bind=True, soft_time_limit=60, time_limit=90)
def deliver_alert(self: Task, delivery_id: int) -> None:
    """Send one leased delivery; then keep its channel flowing with the next ones due, for
    up to DRAIN_S, before handing the next one on as a new message.

    The hard limit stays under the outbox lease (120 s), so a live send never loses it.
    """
    from worker import pipeline

    drain_until = time.monotonic() + DRAIN_S
    result = run_mapped(self, pipeline.deliver, services(), delivery_id)
    following = result[1] if result else []
    while following and time.monotonic() < drain_until:
        next_id = following[0]
        try:
            _, following = pipeline.deliver(services(), next_id)
        except Exception as exc:  # leased to us: retried as its own message, as run_mapped would
            metrics.TASK_FAILURES.labels(self.name, "transient").inc()
            log.warning("%s: delivery %d failed (%s)", self.name, next_id, type(exc).__name__)
            deliver_alert.apply_async((next_id,), countdown=backoff(0))
            return
    for next_id in following:
        deliver_alert.delay(next_id)


@app.task(name="newswatch.enqueue_due_deliveries", bind=True, **LIMITS)
def enqueue_due_deliveries(self: Task) -> None:
    """Lease the deliveries due now (retries, digests, rate-limited) and queue them."""
    from worker import pipeline

    for delivery_id in run_mapped(self, pipeline.claim_due_deliveries, services()) or []:
        deliver_alert.delay(delivery_id)


def _export_zero_failures() -> None:
    # Every task and kind is exported from the start, at 0: the dashboard and the alert rules
    # then read "no failures" instead of "no data" (the usual Prometheus advice for known
    # label values).
    for name in sorted(n for n in app.tasks if n.startswith("newswatch.")):
        for kind in ("transient", "permanent", "bug"):
            metrics.TASK_FAILURES.labels(name, kind)


_export_zero_failures()
