"""Plain-Python orchestration shared by the Celery tasks, `poll --once` and `ingest`.

    poll_feeds(svc, feed_ids)     -> ids of the new or revised entries (feeds polled in threads;
                                     poll_feeds_as_done gives them feed by feed)
    process_entry(svc, entry_id)  -> the entry's final outcome: its page fetched, extracted,
                                     matched, deduplicated, its claims judged, alerts written
    lease_entries, finish_unkept  -> a chunk's leases in one transaction, and its entries
                                     that no profile can match closed in one

One task per chunk of a feed's entries (tasks.ENTRY_BATCH): each page is fetched, extracted
and dropped in the same process, never stored or sent through the broker (messages carry
ids only). Each function runs short
transactions through `svc.db.session_scope()` and never holds one open across network I/O
or extraction: a slow site must not hold SQLite's write lock. Work is claimed with a lease in
the database, so a message delivered twice does the work once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import datetime

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from worker import metrics
from worker.claims.novelty import Prejudged
from worker.config import Settings
from worker.dedupe.decide import decide
from worker.dedupe.fingerprint import Fingerprint, fingerprint
from worker.detect import DetectOutcome, detect_and_store, stage
from worker.errors import NewswatchError, PermanentError, TransientError
from worker.extract import article_from_entry, article_from_page, decode_html
from worker.net import fetch, status_error
from worker.records import Article, FeedEntry, MatchResult, Page, PageResult
from worker.services import Services
from worker.sources import feeds
from worker.store import articles, repo
from worker.store.db import Database, after_commit
from worker.store.models import Entry, Feed

# A worker holds a leased entry this long; past it another worker may take it over. Longer
# than the task hard time limit, so a live task never loses its lease.
LEASE_S = 300.0
# Attempts at an entry's page before its feed summary stands in: tries that failed (a site
# that keeps failing, retried with backoff) or that killed the pool process working on them,
# as its worker's main process saw (extraction of some HTML is what can crash or hang:
# repo.count_crash). A worker killed whole from outside counts nothing. Then
# SUMMARY_ATTEMPTS more, on the summary, before the entry is dead-lettered as crashing.
MAX_PAGE_ATTEMPTS = 4
SUMMARY_ATTEMPTS = 3
# A crash still counts against a lease that ran out this recently: the hard time limit
# (tasks.LIMITS, as long as LEASE_S) kills a hung task just after its lease runs out.
CRASH_GRACE_S = 60.0
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")
# Failures of the infrastructure (database, Redis dedupe index) rather than of the entry:
# they heal by waiting (tasks.py retries them), and a processing attempt they interrupt is
# handed back without counting towards MAX_PROCESS_ATTEMPTS, so an outage longer than a few
# retries cannot dead-letter healthy entries as "crashed".
INFRASTRUCTURE_ERRORS = (OperationalError, RedisConnectionError, RedisTimeoutError)
_OUTAGES = (TransientError, *INFRASTRUCTURE_ERRORS)
# Pauses between tries to hand a lease back while the database is unreachable (~7 s in all:
# a PostgreSQL restart, measured at 2 to 4 s here, fits; see docs/reliability.md).
RELEASE_WAITS_S = (1.0, 2.0, 4.0)


def poll_feeds(
    svc: Services, feed_ids: Sequence[int]
) -> tuple[list[int], list[tuple[int, Exception]]]:
    """Poll feeds a few at a time in threads (a poll mostly waits on HTTP).

    Returns the ids of the entries to hand on, and the feeds whose poll raised (a database
    outage): those are due again when their claim runs out (POLL_CLAIM_S), as for a lost
    message, so one failure does not poll the whole batch again.
    """
    polled = {feed_id: (ids, exc) for feed_id, ids, exc in poll_feeds_as_done(svc, feed_ids)}
    entry_ids: list[int] = []
    failures: list[tuple[int, Exception]] = []
    for feed_id in feed_ids:  # in the order given, whichever poll ended first
        ids, exc = polled[feed_id]
        entry_ids += ids
        if exc is not None:
            failures.append((feed_id, exc))
    return entry_ids, failures


def poll_feeds_as_done(
    svc: Services, feed_ids: Sequence[int]
) -> Iterator[tuple[int, list[int], Exception | None]]:
    """(feed id, entry ids to hand on, what its poll raised) for each feed, as each poll
    ends: the caller hands a feed's entries on at once instead of after the whole batch,
    which left the other pool processes idle while 20 feeds were polled and recorded."""

    def one(feed_id: int) -> tuple[list[int], Exception | None]:
        try:
            return poll_feed(svc, feed_id), None
        except Exception as exc:  # reported to the caller with its feed
            return [], exc

    threads = max(1, min(len(feed_ids), svc.settings.fetch.concurrency))
    with ThreadPoolExecutor(threads) as pool:
        polls = {pool.submit(one, feed_id): feed_id for feed_id in feed_ids}
        for done in as_completed(polls):
            ids, exc = done.result()
            yield polls[done], ids, exc


def poll_feed(svc: Services, feed_id: int) -> list[int]:
    """Poll one feed and record the result; returns the ids of entries to fetch."""
    with svc.db.session_scope() as session:
        feed = session.get(Feed, feed_id)
        if feed is None or feed.retired_at is not None:
            return []
        url, etag, last_modified, name = feed.url, feed.etag, feed.last_modified, feed.name
        body_hash = feed.body_hash
    started = time.monotonic()
    result = feeds.poll(
        svc.http,
        url,
        etag=etag,
        last_modified=last_modified,
        max_bytes=svc.settings.fetch.max_bytes,
        deadline_s=svc.settings.fetch.timeout * 2,  # connect + read of a large feed
        max_entries=svc.settings.poll.max_entries,
        body_hash=body_hash,
    )
    metrics.FETCH_SECONDS.labels("feed").observe(time.monotonic() - started)
    with svc.db.session_scope() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return []
        configured = repo.configured_interval(svc.settings.feeds, feed, svc.settings.poll)
        entry_ids = repo.record_poll(
            session, feed, result, svc.clock(), svc.settings.poll, configured
        )
    metrics.POLLS.labels(name, result.status).inc()
    if entry_ids:
        metrics.POLL_NEW_ENTRIES.labels(name, "new").inc(len(entry_ids))
    return entry_ids


def page_or_summary(svc: Services, link: str, *, last_try: bool) -> PageResult:
    """The page of an entry, or why the feed's summary stands in for it.

    A permanent failure (404, not HTML, robots.txt says no, too large) is answered with the
    summary at once; a transient one is raised for a retry, except on the last try.
    """
    try:
        return PageResult(download_page(svc, link))
    except PermanentError as exc:
        return PageResult(None, exc.reason)
    except TransientError as exc:
        if not last_try:
            raise
        return PageResult(None, exc.reason)


def download_page(svc: Services, url: str) -> Page:
    """Fetch an article page under every rule: robots.txt, politeness, caps, content type."""
    if not url.startswith(("http://", "https://")):
        raise PermanentError("the entry has no http(s) link", reason="bad_url")
    if svc.robots is not None and not svc.robots.allowed(url):
        raise PermanentError("robots.txt disallows this page", reason="robots_disallowed")
    svc.throttle.wait(url)
    started = time.monotonic()
    got = fetch(
        svc.http, url, max_bytes=svc.settings.fetch.max_bytes, deadline_s=svc.settings.fetch.timeout
    )
    metrics.FETCH_SECONDS.labels("page").observe(time.monotonic() - started)
    if got.status >= 400:
        raise status_error(got.status, got.headers.get("retry-after"))
    if got.content_type and not got.content_type.startswith(_HTML_TYPES):
        raise PermanentError(f"content type {got.content_type}", reason="not_html")
    if b"\x00" in got.content[:1024]:  # NUL bytes never occur in HTML: this is binary
        raise PermanentError("binary content", reason="not_html")
    return Page(
        url=url,
        final_url=got.final_url,
        html=decode_html(got.content, got.charset),
        status=got.status,
        content_type=got.content_type,
        fetched_at=svc.clock(),
    )


def _release(svc: Services, entry_id: int, *, counted: bool = True) -> None:
    """Give up the lease of an entry, counting the attempt unless the failure was not the
    entry's (`counted=False`: an outage of the database or Redis).

    Best effort, a few times over RELEASE_WAITS_S: a database restart takes seconds, and a
    lease not handed back makes the task's retry skip the entry, leaving it to the stranded
    sweep (LEASE_S + STRANDED_GRACE_S later). A longer outage leaves it to the sweep.
    """
    for wait in (*RELEASE_WAITS_S, None):
        try:
            with svc.db.session_scope() as session:
                entry = session.get(Entry, entry_id)
                if entry is not None:
                    entry.lease_until = entry.lease_owner = None
                    if counted:
                        entry.attempts += 1
            return
        except SQLAlchemyError:
            if wait is None:
                return
            time.sleep(wait)


def process_entry(
    svc: Services,
    entry_id: int,
    fetched: PageResult | Future[PageResult] | None = None,
    *,
    leased: repo.LeasedEntry | None = None,
    unkept: list[int] | None = None,
    owner: str | None = None,
) -> str:
    """Fetch, extract, match, dedupe, judge claims and write alerts for one entry.

    `fetched` is the page when the caller downloaded it already (`poll --once` downloads in
    threads), or its download under way (`download_pages`). `leased` is the entry's lease
    when the caller took it (`lease_entries`). With `unkept`, an entry whose page no profile
    can match is not closed here but added to it, for the caller to close with others
    (`finish_unkept`). `owner` is the task's id, when a task takes the lease here
    (repo.lease_entries). Returns the outcome counted in `newswatch_articles_total` (exactly
    once per entry, when it is closed), or "skipped" when the entry is not ours to process
    (done already, or leased elsewhere).
    """
    if leased is None:
        with svc.db.session_scope() as session:
            leased = repo.lease_entry(session, entry_id, svc.clock(), LEASE_S, owner)
        if leased is None:
            return "skipped"
    record, feed_id, first_seen = leased.record, leased.feed_id, leased.first_seen
    if leased.attempts > MAX_PAGE_ATTEMPTS + SUMMARY_ATTEMPTS:
        # Even the feed's summary did not get through: dead-letter the entry rather than let
        # it kill workers forever.
        return _fail(svc, entry_id, PermanentError("processing kept crashing", reason="crashed"))
    fetched = _page_of(svc, entry_id, leased, fetched)
    if fetched.error is not None:
        metrics.ENTRY_ERRORS.labels(fetched.error).inc()  # recorded; the summary stands in
    try:
        if fetched.page is not None and not _could_match(svc, record, fetched.page):
            if unkept is not None:
                unkept.append(entry_id)
                return "off_topic"
            with svc.db.session_scope() as session:
                _finish_unkept(session, svc, (entry_id, None))
            return "off_topic"
        try:
            article = _extract(record, fetched.page)
        except PermanentError as exc:
            return _fail(svc, entry_id, exc)
        outcome = detect(svc, article, feed_id=feed_id, first_seen=first_seen,
                         entry=(entry_id, fetched.error))  # fmt: skip
    except BaseException as exc:
        # Hand the lease back at once, so the task's retry finds the entry free instead of
        # skipping it and leaving it to the stranded sweep (LEASE_S + STRANDED_GRACE_S later).
        _release(svc, entry_id, counted=not isinstance(exc, _OUTAGES))
        raise
    return outcome.label


def lease_entries(
    svc: Services, entry_ids: Sequence[int], owner: str | None = None
) -> repo.ChunkLeases:
    """Leases on those of `entry_ids` still pending and free (or held by `owner`, the task
    taking them), taken in one transaction, and those a dead worker held, to go on alone
    (repo.lease_chunk)."""
    with svc.db.session_scope() as session:
        return repo.lease_chunk(session, entry_ids, svc.clock(), LEASE_S, owner)


def download_pages(
    svc: Services, leases: Mapping[int, repo.LeasedEntry], pool: Executor
) -> dict[int, Future[PageResult]]:
    """Start downloading, in `pool`'s threads, the pages of leased entries, to hand to
    process_entry as they are processed one by one. A site's answer takes tens to hundreds
    of milliseconds, mostly waiting: a chunk's pages are awaited together, not in turn."""
    pages = {}
    for entry_id, lease in leases.items():
        if lease.attempts <= MAX_PAGE_ATTEMPTS:  # past it the summary stands in: no download
            last_try = lease.attempts == MAX_PAGE_ATTEMPTS
            pages[entry_id] = pool.submit(page_or_summary, svc, lease.record.link,
                                          last_try=last_try)  # fmt: skip
    return pages


def count_crash(
    db: Database, entry_ids: Sequence[int], now: datetime, owner: str | None = None
) -> list[int]:
    """Count a crash against the entries that task `owner` held when its pool process died
    (the worker's main process calls this: tasks.EntryRequest); the entries counted. See
    repo.count_crash."""
    with db.session_scope() as session:
        return repo.count_crash(session, entry_ids, now, CRASH_GRACE_S, owner)


def finish_unkept(svc: Services, entry_ids: Sequence[int]) -> None:
    """Close, in one transaction, entries whose pages no profile could match."""
    if not entry_ids:
        return
    with svc.db.session_scope() as session:
        repo.finish_unkept(session, entry_ids, svc.clock())
        after_commit(session, lambda: metrics.ARTICLES.labels("off_topic").inc(len(entry_ids)))


def release_entries(svc: Services, entry_ids: Sequence[int]) -> None:
    """Hand back leases taken but not worked on (no attempt counted); one try, as the
    database may be what failed: the stranded sweep finds what this leaves behind."""
    if not entry_ids:
        return
    try:
        with svc.db.session_scope() as session:
            repo.release_entries(session, entry_ids)
    except SQLAlchemyError:
        return


def _page_of(
    svc: Services,
    entry_id: int,
    leased: repo.LeasedEntry,
    fetched: PageResult | Future[PageResult] | None,
) -> PageResult:
    """The entry's page (downloaded now, or by the caller), or why its summary stands in."""
    attempts = leased.attempts
    if attempts > MAX_PAGE_ATTEMPTS:
        # The earlier attempts failed, or crashed the pool process working on the page (as
        # its main process saw; a worker killed whole from outside counts nothing). Go on
        # with the feed's summary, as for a page that cannot be fetched: a crashing page
        # stops crashing, and the entry is stored.
        return PageResult(None, "crashed")
    if isinstance(fetched, PageResult):
        return fetched
    try:
        if fetched is None:
            last_try = attempts == MAX_PAGE_ATTEMPTS
            return page_or_summary(svc, leased.record.link, last_try=last_try)
        return fetched.result()
    except BaseException:
        _release(svc, entry_id)  # counted: a site down for good ends on the summary
        raise


def detect(
    svc: Services,
    article: Article,
    *,
    feed_id: int | None,
    first_seen: datetime,
    entry: tuple[int, str | None] | None = None,
) -> DetectOutcome:
    """One detection transaction under the dedupe lock (released only after the commit).

    `entry` is (entry id, why its page is missing) for a polled entry, finished in the same
    transaction.
    """
    with stage("match"):
        matches = tuple(svc.matcher.match(article))  # pure CPU work, as the fingerprint
    if svc.settings.follow_stories and not any(m.matched for m in matches):
        matches = _as_follow_up(svc, article, matches, first_seen)
    if not svc.settings.keep_off_topic and not any(m.matched for m in matches):
        unkept = _off_topic(svc, entry, article.canonical_url)
        if unkept is not None:
            return unkept
    with stage("dedupe"):
        fp = fingerprint(article.text)  # pure CPU work: outside the transaction and the lock
    prejudged = _prejudge(svc, article, matches, fp)
    held = None
    try:
        with svc.db.session_scope() as session:
            index = svc.index_for(session)
            held = index.lock(fp)
            outcome = detect_and_store(session, svc, article, fp, matches, index,
                                       feed_id=feed_id, first_seen=first_seen,
                                       prejudged=prejudged)  # fmt: skip
            if entry is not None:
                repo.finish_entry(session, entry[0], svc.clock(), article_id=outcome.article_id,
                                  page_error=entry[1])  # fmt: skip
    finally:
        if held is not None:
            held.release()
    return outcome


def _as_follow_up(
    svc: Services, article: Article, matches: tuple[MatchResult, ...], first_seen: datetime
) -> tuple[MatchResult, ...]:
    """The matches, with a profile the article is on but says too little of matched after
    all where the article continues a story of that profile (ClaimJudge.follows): a local
    follow-up that names the region once still alerts the profile that followed the story."""
    with stage("match"):
        short = svc.matcher.short_of_floors(article)
    if not short:
        return matches
    dated = min(article.published, first_seen) if article.published else first_seen
    with stage("claims"), svc.db.session_scope() as session:  # reads only
        followed = svc.claims.follows(session, article.text, short, outlet=article.outlet,
                                      dated=dated)  # fmt: skip
    return tuple(
        replace(m, matched=True, follows=source)
        if isinstance(source := followed.get(m.profile), int)
        else m
        for m in matches
    )


def _prejudge(
    svc: Services, article: Article, matches: tuple[MatchResult, ...], fp: Fingerprint
) -> Prejudged | None:
    """The first pass of the claims judgement, before the detection transaction: for an
    article that matched a profile and will likely be stored as an original. Not for a
    likely copy (no claims judged) nor a revision (only its added sentences are): the
    dedupe decision is taken here once without the lock, and again, binding, inside it.

    On SQLite only, where the transaction holds the one write lock that every worker's
    lease and finish wait for. PostgreSQL's dedupe lock covers the article's own keys, so
    judging inside the transaction holds up nobody, and the first pass cost 15% more CPU
    an article there (a second session, a second dedupe decision) for no gain."""
    profiles = [m.profile for m in matches if m.matched]
    if not svc.db.is_sqlite or not profiles or not article.text.strip():
        return None
    with svc.db.session_scope() as session:  # reads only: no write lock
        if articles.find_by_canonical(session, article.canonical_url) is not None:
            return None
        with stage("dedupe"):
            if decide(fp, svc.index_for(session)).is_copy:
                return None
        with stage("claims"):
            return svc.claims.prejudge(session, article.text, profiles, outlet=article.outlet)


def _extract(record: FeedEntry, page: Page | None) -> Article:
    started = time.monotonic()
    try:
        return article_from_page(page, record) if page else article_from_entry(record)
    finally:
        metrics.EXTRACT_SECONDS.observe(time.monotonic() - started)


def _could_match(svc: Services, record: FeedEntry, page: Page) -> bool:
    """False when no profile can match the page's article: it is then not extracted."""
    if svc.page_filter is None:
        return True
    with stage("match"):
        return svc.page_filter.could_match(page.html, record.title, record.summary)


def _off_topic(
    svc: Services, entry: tuple[int, str | None] | None, canonical_url: str
) -> DetectOutcome | None:
    """Finish an article no profile matches without storing it (`keep_off_topic: false`):
    no fingerprint, no dedupe lock. None when `canonical_url` names an article kept
    already, which this one may revise: that goes through detection."""
    with svc.db.session_scope() as session:
        if articles.find_by_canonical(session, canonical_url) is not None:
            return None
        _finish_unkept(session, svc, entry)
    return DetectOutcome(None, "off_topic")


def _finish_unkept(session: Session, svc: Services, entry: tuple[int, str | None] | None) -> None:
    """Close the entry of an off-topic article (if any), storing nothing; count it."""
    if entry is not None:
        repo.finish_entry(session, entry[0], svc.clock(), article_id=None,
                          page_error=entry[1])  # fmt: skip
    after_commit(session, metrics.ARTICLES.labels("off_topic").inc)


def _fail(svc: Services, entry_id: int, exc: NewswatchError) -> str:
    with svc.db.session_scope() as session:
        error = (exc.reason, exc.detail[:500])
        repo.finish_entry(session, entry_id, svc.clock(), article_id=None, error=error)
    metrics.ENTRY_ERRORS.labels(exc.reason).inc()
    metrics.ARTICLES.labels("error").inc()
    return "error"


def ingest_article(svc: Services, article: Article, first_seen: datetime | None = None) -> str:
    """Put one article straight through detection (`newswatch ingest`); returns the outcome."""
    return detect(svc, article, feed_id=None, first_seen=first_seen or svc.clock()).label


def article_from_location(location: str, settings: Settings) -> Article:
    """An Article from a URL, an HTML file or a text file (for the CLI's one-off commands)."""
    from worker.services import build_services

    svc = build_services(settings)
    try:
        return load_article(svc, location)
    finally:
        svc.close()


def load_article(svc: Services, location: str) -> Article:
    """An Article from a URL (fetched under the usual rules), an HTML file or a text file."""
    from pathlib import Path

    from worker.extract import article_from_text

    if location.startswith(("http://", "https://")):
        return article_from_page(download_page(svc, location))
    path = Path(location)
    if not path.is_file():
        raise PermanentError(f"{location} is neither a URL nor a readable file", reason="bad_input")
    raw = path.read_bytes()
    if path.suffix.lower() in {".html", ".htm"} or raw.lstrip()[:1] == b"<":
        page = Page(url=path.as_uri(), final_url=path.as_uri(), html=decode_html(raw, None),
                    status=200, content_type="text/html", fetched_at=svc.clock())  # fmt: skip
        return article_from_page(page)
    return article_from_text(raw.decode("utf-8", errors="replace"), path.name)


# A feed handed to the broker is not due again for this long, unless its poll records a
# real next time first: one tick must not queue the same feed twice.
POLL_CLAIM_S = 300.0
# Entries unclaimed this long after they were queued are taken for lost messages.
STRANDED_GRACE_S = 600.0


def claim_due_feeds(svc: Services, limit: int = 1000) -> list[int]:
    """Ids of feeds due now, each pushed POLL_CLAIM_S ahead so it is queued once."""
    from datetime import timedelta

    now = svc.clock()
    with svc.db.session_scope() as session:
        ids = repo.due_feed_ids(session, now, limit)
        for feed in session.query(Feed).filter(Feed.id.in_(ids)):
            feed.next_check_at = now + timedelta(seconds=POLL_CLAIM_S)
    return ids


def claim_stranded(svc: Services, grace_s: float = STRANDED_GRACE_S) -> list[int]:
    """Entries to hand on again (lost message or killed worker), marked as queued now."""
    now = svc.clock()
    with svc.db.session_scope() as session:
        stranded = repo.stranded_entries(session, now, grace_s)
        repo.mark_queued(session, stranded, now)
    return stranded


def sync_configured_feeds(svc: Services) -> list[int]:
    """Make the database hold the configured feeds (at start); returns their ids."""
    with svc.db.session_scope() as session:
        return repo.sync_feeds(session, svc.settings.feeds, svc.settings.poll)


def claim_stranded_now(svc: Services) -> list[int]:
    """Every unfinished entry nobody holds (a one-shot pass finishes earlier leftovers)."""
    return claim_stranded(svc, grace_s=-1.0)


def claim_due_deliveries(svc: Services, limit: int = 100) -> list[int]:
    """Lease the deliveries due now (to enqueue after this commit)."""
    from worker.alerts import outbox

    with svc.db.session_scope() as session:
        return outbox.claim_due(session, svc.clock(), config=svc.settings.alerts, limit=limit)


def deliver(svc: Services, delivery_id: int) -> tuple[str, list[int]]:
    """Send one leased delivery; returns its outcome and the channel's next due delivery."""
    from worker.alerts import outbox
    from worker.alerts.deliver import deliver as deliver_one

    with svc.db.session_scope() as session:
        outcome = deliver_one(session, delivery_id, channels=svc.channels,
                              settings=svc.settings.alerts, now=svc.clock())  # fmt: skip
    with svc.db.session_scope() as session:
        following = outbox.claim_next(session, delivery_id, svc.clock(), config=svc.settings.alerts)
    return outcome, following


def deliver_all_due(svc: Services) -> dict[str, int]:
    """Deliver everything due now, in this process (for `poll --once`)."""
    from collections import Counter

    from worker.alerts.deliver import deliver_due

    total: Counter[str] = Counter()
    # claim_due hands out one delivery per channel at a time (that keeps each channel in
    # order), so drain in rounds until nothing is due; retries wait for their backoff.
    while True:
        counts = deliver_due(svc.db, channels=svc.channels, settings=svc.settings.alerts,
                             clock=svc.clock)  # fmt: skip
        if not counts:
            return dict(total)
        total.update(counts)


def ensure_seed_claims(svc: Services) -> int:
    """Load the seeds' claims as known, once (first start); returns how many were added."""
    from pathlib import Path

    from worker.claims.novelty import load_seed_claims

    profiles = [p.name for p in svc.matcher.profiles]
    with svc.db.session_scope() as session:
        return load_seed_claims(session, Path(svc.settings.seeds_dir), profiles)
