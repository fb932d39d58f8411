"""What the CLI's long commands run: the service, one polling pass, ad-hoc ingestion.

`poll_once` is plain Python over the same pipeline functions the tasks call: feeds and pages
are fetched by a thread pool (I/O-bound), extraction and detection run in this thread.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import click

from worker.config import Settings
from worker.errors import NewswatchError, TransientError
from worker.records import PageResult

log = logging.getLogger(__name__)


@dataclass
class PollSummary:
    """Counts of one `poll --once` pass, printed at the end."""

    polls: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    deliveries: Counter[str] = field(default_factory=Counter)
    entries: int = 0

    def format(self) -> str:
        """One line per count family."""
        polls = ", ".join(f"{k} {v}" for k, v in sorted(self.polls.items())) or "none"
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())) or "none"
        sent = ", ".join(f"{k} {v}" for k, v in sorted(self.deliveries.items())) or "none"
        return (
            f"feeds: {polls}\nentries: {self.entries}\narticles: {outcomes}\n"
            f"alert deliveries: {sent}"
        )


def prepare(settings: Settings) -> None:
    """Migrate the database; every command that runs the pipeline starts here."""
    from worker.store.migrate import upgrade

    upgrade(settings.database_url.get_secret_value())


def poll_once(settings: Settings, *, progress: bool = False) -> PollSummary:
    """Poll every configured feed once and process all that came in, to completion."""
    from worker import pipeline
    from worker.services import build_services

    prepare(settings)
    svc = build_services(settings)
    summary = PollSummary()
    try:
        pipeline.ensure_seed_claims(svc)
        feed_ids = pipeline.sync_configured_feeds(svc)
        entry_ids = _poll_all(svc, feed_ids, summary)
        entry_ids += sorted(set(pipeline.claim_stranded_now(svc)) - set(entry_ids))
        summary.entries = len(entry_ids)
        _fetch_and_process(svc, entry_ids, summary, progress)
        summary.deliveries.update(pipeline.deliver_all_due(svc))
    finally:
        svc.close()
    return summary


def _poll_all(svc: object, feed_ids: Sequence[int], summary: PollSummary) -> list[int]:
    from worker import pipeline
    from worker.services import Services
    from worker.store.models import Feed

    assert isinstance(svc, Services)
    entry_ids, failures = pipeline.poll_feeds(svc, feed_ids)
    if failures:
        raise failures[0][1]  # a one-shot pass reports the first, rather than half a result
    with svc.db.session_scope() as session:
        for feed_id in feed_ids:
            feed = session.get(Feed, feed_id)
            if feed is not None and feed.last_status:
                summary.polls[feed.last_status] += 1
    return entry_ids


def _fetch_and_process(
    svc: object, entry_ids: Sequence[int], summary: PollSummary, progress: bool
) -> None:
    from worker import pipeline
    from worker.services import Services

    assert isinstance(svc, Services)
    links = _links(svc, entry_ids)
    # Pages download in threads; extraction and detection run here, one entry at a time
    # (the claims index and the dedupe lock are per process, not per thread).
    with (
        ThreadPoolExecutor(svc.settings.fetch.concurrency) as pool,
        click.progressbar(
            length=len(entry_ids), label="articles", file=None if progress else io.StringIO()
        ) as bar,
    ):
        futures: dict[Future[PageResult], int] = {
            pool.submit(_fetch_until_done, svc, links[entry_id]): entry_id for entry_id in entry_ids
        }
        for future in as_completed(futures):
            outcome = pipeline.process_entry(svc, futures[future], future.result())
            summary.outcomes[outcome] += 1
            bar.update(1)


def _links(svc: object, entry_ids: Sequence[int]) -> dict[int, str]:
    from worker.services import Services
    from worker.store.models import Entry

    assert isinstance(svc, Services)
    with svc.db.session_scope() as session:
        return {e.id: e.link for e in session.query(Entry).filter(Entry.id.in_(entry_ids))}


def _fetch_until_done(svc: object, link: str) -> PageResult:
    """Download with the pipeline's own retry budget, waiting briefly between tries."""
    import time

    from worker import pipeline
    from worker.services import Services

    assert isinstance(svc, Services)
    for attempt in range(1, pipeline.MAX_PAGE_ATTEMPTS + 1):
        try:
            return pipeline.page_or_summary(
                svc, link, last_try=attempt == pipeline.MAX_PAGE_ATTEMPTS
            )
        except TransientError as exc:
            # A one-shot pass cannot wait minutes; a short pause still rides out a blip.
            time.sleep(min(exc.retry_after or 0.5 * attempt, 5.0))
    raise AssertionError("the last try returns")


def ingest_locations(settings: Settings, locations: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each location (URL or file) through extraction and detection: (location, outcome)."""
    from worker import pipeline
    from worker.services import build_services

    prepare(settings)
    svc = build_services(settings)
    try:
        pipeline.ensure_seed_claims(svc)
        for location in locations:
            try:
                article = pipeline.load_article(svc, location)
                yield location, pipeline.ingest_article(svc, article)
            except NewswatchError as exc:
                yield location, f"error ({exc.reason}: {exc.detail})"
        pipeline.deliver_all_due(svc)
    finally:
        svc.close()


def feed_table(settings: Settings) -> list[str]:
    """Lines describing each feed's state."""
    from sqlalchemy import select

    from worker.store.db import Database
    from worker.store.models import Feed

    prepare(settings)
    db = Database.from_url(settings.database_url.get_secret_value())
    lines = [f"{'id':>4} {'name':<28} {'status':<14} {'fails':>5} {'next poll (UTC)':<20} url"]
    with db.session_scope() as session:
        for f in session.scalars(select(Feed).order_by(Feed.id)):
            status = "retired" if f.retired_at else (f.last_status or "never")
            when = f.next_check_at.strftime("%Y-%m-%d %H:%M:%S")
            lines.append(
                f"{f.id:>4} {f.name[:28]:<28} {status:<14} {f.consecutive_failures:>5} {when:<20} "
                f"{f.url}"
            )
    db.dispose()
    return lines


def run_service(
    settings: Settings, *, role: str, queues: Sequence[str], concurrency: int | None
) -> None:
    """The long-running service (see celery_app.py for the transports)."""
    from worker.metrics_server import prepare_multiprocess

    prepare(settings)
    metrics_dir = Path(settings.metrics.multiproc_dir or Path(settings.data_dir) / "metrics")
    prepare_multiprocess(metrics_dir / role)
    from worker.service import start

    start(settings, role=role, queues=queues, concurrency=concurrency)
