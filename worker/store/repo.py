"""Query and upsert functions over a Session. None of them commits: the caller's scope does.

Feeds and entries live here; articles are written by store/articles.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from worker.config import FeedConfig, PollConfig
from worker.records import FeedEntry, PollResult
from worker.sources import schedule
from worker.store.models import Entry, Feed

# Entry keys are looked up in chunks this size: well under SQLite's 32,766 bound parameters.
_IN_CHUNK = 500
# A feed stays "stale" for metrics this long after creation before it ever succeeded.
OK_STATUSES = frozenset({"ok", "not_modified"})


def sync_feeds(session: Session, feeds: Sequence[FeedConfig], policy: PollConfig) -> list[int]:
    """Make the feeds table hold every configured feed; returns their ids in config order.

    A feed already known keeps its polling state; its name and wished interval follow config.
    """
    ids = []
    known = {f.config_url: f for f in session.scalars(select(Feed))}
    for item in feeds:
        interval = item.interval or policy.default_interval
        feed = known.get(item.url)
        if feed is None:
            feed = Feed(config_url=item.url, url=item.url, name=item.display_name,
                        interval_s=interval)  # fmt: skip
            session.add(feed)
            session.flush()
        else:
            feed.name = item.display_name
        ids.append(feed.id)
    return ids


def configured_interval(feeds: Sequence[FeedConfig], feed: Feed, policy: PollConfig) -> float:
    """The interval the user asked for this feed (the default when none)."""
    for item in feeds:
        if item.url == feed.config_url:
            return item.interval or policy.default_interval
    return policy.default_interval


def due_feed_ids(session: Session, now: datetime, limit: int = 1000) -> list[int]:
    """Active feeds whose next poll time has come, most overdue first."""
    query = (
        select(Feed.id)
        .where(Feed.retired_at.is_(None), Feed.next_check_at <= now)
        .order_by(Feed.next_check_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def active_feed_ids(session: Session) -> list[int]:
    """Every feed not retired."""
    return list(session.scalars(select(Feed.id).where(Feed.retired_at.is_(None))))


def record_poll(
    session: Session,
    feed: Feed,
    result: PollResult,
    now: datetime,
    policy: PollConfig,
    configured_s: float,
) -> list[int]:
    """Apply one poll's result to the feed and its entries; return entry ids to hand on."""
    feed.last_polled_at = now
    feed.last_status = result.status
    if result.new_url:
        feed.url = result.new_url
    if result.status == "gone":
        feed.retired_at = now
        feed.last_error = "the feed answered 410 Gone; it is retired"
        return []
    if result.status not in OK_STATUSES:
        feed.consecutive_failures += 1
        feed.last_error = result.status
        nxt = schedule.after_failure(
            now, feed.interval_s, feed.consecutive_failures, policy, result.retry_after
        )
        feed.next_check_at = nxt.at
        return []
    entry_ids = upsert_entries(session, feed.id, result.entries, now)
    feed.consecutive_failures = 0
    feed.last_error = None
    feed.last_success_at = now
    if result.body_hash is not None:  # a 200 (a 304 keeps the validators it was sent)
        feed.etag, feed.last_modified = result.etag, result.last_modified
        feed.body_hash = result.body_hash
    nxt = schedule.after_success(now, feed.interval_s, configured_s, len(entry_ids), policy)
    feed.next_check_at, feed.interval_s = nxt.at, nxt.interval_s
    return entry_ids


def upsert_entries(
    session: Session, feed_id: int | None, entries: Iterable[FeedEntry], now: datetime
) -> list[int]:
    """Insert new entries and re-open revised ones (their `updated` time changed).

    Returns the ids of entries to fetch: new first-time entries and revisions. Keys repeated
    within one feed document count once.
    """
    unique = {e.key: e for e in entries}
    existing = _existing_entries(session, feed_id, list(unique))
    handed_on: list[Entry] = []
    for key, item in unique.items():
        row = existing.get(key)
        if row is None:
            row = _new_entry(feed_id, item, now)
            session.add(row)
            handed_on.append(row)
        elif _is_revised(row, item):
            _reopen(row, item)
            handed_on.append(row)
    session.flush()
    return [row.id for row in handed_on]


def _existing_entries(session: Session, feed_id: int | None, keys: list[str]) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        feed_match = Entry.feed_id.is_(None) if feed_id is None else Entry.feed_id == feed_id
        query = select(Entry).where(feed_match, Entry.key.in_(chunk))
        found.update((row.key, row) for row in session.scalars(query))
    return found


def _new_entry(feed_id: int | None, item: FeedEntry, now: datetime) -> Entry:
    return Entry(
        feed_id=feed_id,
        key=item.key,
        link=item.link,
        title=item.title,
        summary=item.summary,
        published_at=item.published,
        updated_at=item.updated,
        state="pending",
        first_seen_at=now,
    )


def _is_revised(row: Entry, item: FeedEntry) -> bool:
    return item.updated is not None and row.updated_at is not None and item.updated > row.updated_at


def _reopen(row: Entry, item: FeedEntry) -> None:
    row.updated_at = item.updated
    row.title, row.summary, row.link = item.title, item.summary, item.link or row.link
    row.version += 1
    row.state = "pending"
    row.attempts = 0
    row.lease_until = row.lease_owner = None
    row.error_reason = row.error_detail = None


@dataclass(frozen=True, slots=True)
class LeasedEntry:
    """What processing needs of an entry it holds the lease of."""

    record: FeedEntry
    feed_id: int | None
    first_seen: datetime
    attempts: int  # tries, this one included: the failed and crashed ones before it, plus 1


@dataclass(frozen=True, slots=True)
class ChunkLeases:
    """The leases a chunk's task took, and the entries of the chunk it left to go on alone."""

    leases: dict[int, LeasedEntry]
    interrupted: list[int]


def lease_entry(
    session: Session, entry_id: int, now: datetime, lease_s: float, owner: str | None = None
) -> LeasedEntry | None:
    """Take the entry for `lease_s` seconds if it is still pending and nobody holds it (or
    `owner` does)."""
    return lease_entries(session, [entry_id], now, lease_s, owner=owner).get(entry_id)


def lease_entries(
    session: Session,
    entry_ids: Sequence[int],
    now: datetime,
    lease_s: float,
    *,
    interrupted: bool = True,
    owner: str | None = None,
) -> dict[int, LeasedEntry]:
    """Take each of the entries that is still pending and held by nobody, for `lease_s`
    seconds; what processing needs of each one taken, by id. With `interrupted=False`,
    only those whose last lease was handed back (or never taken): not those a worker held
    until it died (see interrupted_entries).

    `owner` is the task taking them (its Celery id): it takes back at once the leases it
    holds already, however long they have left. Celery keeps a task's id on its retry and
    on a redelivered message, and the earlier run of that message is over by then (a
    retry is raised by it; a message goes back to the queue when its worker is lost, or
    after the broker's visibility timeout, which is longer than any task runs): the leases
    of a task interrupted by an outage need not wait to run out and for the stranded sweep.

    One conditional UPDATE, RETURNING what processing needs: atomic on SQLite and
    PostgreSQL alike, so two workers handed the same id (a redelivered message) cannot both
    work on it, and no second statement reads the rows back.
    """
    free: ColumnElement[bool] = Entry.lease_until.is_(None)
    if interrupted:
        free = or_(free, Entry.lease_until < now)
    if owner is not None:
        free = or_(free, Entry.lease_owner == owner)
    taken = session.execute(
        update(Entry)
        .where(Entry.id.in_(list(entry_ids)), Entry.state == "pending", free)
        .values(lease_until=now + timedelta(seconds=lease_s), lease_owner=owner)
        .returning(Entry.id, Entry.key, Entry.link, Entry.title, Entry.summary,
                   Entry.published_at, Entry.updated_at, Entry.feed_id, Entry.first_seen_at,
                   Entry.attempts)
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    return {row.id: _leased(row) for row in taken}


def lease_chunk(
    session: Session,
    entry_ids: Sequence[int],
    now: datetime,
    lease_s: float,
    owner: str | None = None,
) -> ChunkLeases:
    """Lease a chunk's entries, but not those a worker died holding: they go on alone.

    A pool process that crashes on one page dies holding its whole chunk, and its main
    process counts the crash against every entry of the chunk still open (count_crash): it
    cannot tell which page it was. Taken again as a chunk, the entries the crash never
    reached would be counted again at each crash, until they went on with their feed
    summaries (MAX_PAGE_ATTEMPTS) for a page not theirs. Alone, each entry's attempts count
    only the crashes of its own processing. (A crash counted ends the lease and its owner,
    so the redelivered message, which has the same task id, does not take them back.)
    """
    leases = lease_entries(session, entry_ids, now, lease_s, interrupted=False, owner=owner)
    if len(leases) == len(entry_ids):
        return ChunkLeases(leases, [])  # the usual case: no second statement
    left = [i for i in entry_ids if i not in leases]
    return ChunkLeases(leases, interrupted_entries(session, left, now))


def interrupted_entries(session: Session, entry_ids: Sequence[int], now: datetime) -> list[int]:
    """Those of `entry_ids` still pending whose lease ran out: the worker that held them
    died (or lost the database) before it finished or handed them back."""
    return list(session.scalars(
        select(Entry.id)
        .where(Entry.id.in_(list(entry_ids)), Entry.state == "pending", Entry.lease_until < now)
        .order_by(Entry.id)
    ))  # fmt: skip


def _leased(row: Any) -> LeasedEntry:
    record = FeedEntry(key=row.key, link=row.link, title=row.title, summary=row.summary,
                       published=row.published_at, updated=row.updated_at)  # fmt: skip
    return LeasedEntry(record, row.feed_id, row.first_seen_at, row.attempts + 1)


def mark_queued(session: Session, entry_ids: Sequence[int], now: datetime) -> None:
    """Remember when entries were handed to the broker (to find lost messages later)."""
    for start in range(0, len(entry_ids), _IN_CHUNK):
        chunk = list(entry_ids[start : start + _IN_CHUNK])
        session.execute(
            update(Entry)
            .where(Entry.id.in_(chunk))
            .values(queued_at=now)
            .execution_options(synchronize_session=False)
        )


def stranded_entries(
    session: Session, now: datetime, grace_s: float, limit: int = 1000
) -> list[int]:
    """Unfinished entries whose message or worker was lost: the ids to hand on again.

    An entry is stranded when nobody holds its lease and it was queued (or first seen) more
    than `grace_s` ago: a broker that lost the message, or a worker killed mid-task.
    """
    cutoff = now - timedelta(seconds=grace_s)
    query = (
        select(Entry.id)
        .where(
            Entry.state == "pending",
            or_(Entry.lease_until.is_(None), Entry.lease_until < now),
            or_(
                Entry.queued_at < cutoff,
                and_(Entry.queued_at.is_(None), Entry.first_seen_at < cutoff),
            ),
        )
        .order_by(Entry.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def finish_entry(
    session: Session,
    entry_id: int,
    now: datetime,
    *,
    article_id: int | None,
    error: tuple[str, str] | None = None,
    page_error: str | None = None,
) -> None:
    """Close an entry: done (with its article, if one was kept) or failed (reason, detail).

    `page_error` says why the feed's summary stood in for the page; it is kept as the
    entry's error reason although the entry is done.
    """
    reason, detail = error if error else (page_error, None)
    session.execute(
        update(Entry)
        .where(Entry.id == entry_id)
        .values(state="failed" if error else "done", processed_at=now, lease_until=None,
                article_id=article_id, error_reason=reason, error_detail=detail)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


_ENTRIES = cast(Table, Entry.__table__)
# Entries no profile could match, closed together at the end of a chunk: an executemany
# UPDATE by id, one transaction for the chunk where each took one (and, on SQLite, a turn at
# the one write lock).
_FINISH_UNKEPT = (
    _ENTRIES.update()
    .where(_ENTRIES.c.id == bindparam("entry_id"))
    .values(state="done", processed_at=bindparam("now"), lease_until=None, article_id=None,
            error_reason=None, error_detail=None)
)  # fmt: skip


def finish_unkept(session: Session, entry_ids: Sequence[int], now: datetime) -> None:
    """Close entries done without keeping an article (`finish_entry` with no article)."""
    if entry_ids:
        session.execute(_FINISH_UNKEPT, [{"entry_id": i, "now": now} for i in entry_ids])


def release_entries(session: Session, entry_ids: Sequence[int]) -> None:
    """Hand back the leases of entries not worked on (no attempt counted)."""
    session.execute(
        update(Entry)
        .where(Entry.id.in_(list(entry_ids)), Entry.state == "pending")
        .values(lease_until=None, lease_owner=None)
        .execution_options(synchronize_session=False)
    )


def count_crash(
    session: Session,
    entry_ids: Sequence[int],
    now: datetime,
    grace_s: float,
    owner: str | None = None,
) -> list[int]:
    """Count an attempt on each of `entry_ids` still pending and held (or held until less
    than `grace_s` ago), and end its lease: the pool process working on them died, and the
    worker's main process saw it. Returns the entries counted.

    Only a crash seen by a surviving process counts. A lease counts nothing: a worker killed
    whole from outside (a deploy, a lost host) would be counted against the pages it held,
    until innocent entries went on with their feed summaries (docs/reliability.md). The
    lease ends now, so the message redelivered after the crash finds the entry at once
    (alone: lease_chunk), not after LEASE_S and the stranded sweep.

    With `owner` (the crashed task's id), only the entries that task held count: not one of
    its ids that another task holds now (an entry of the chunk sent on alone, a revision)."""
    held = [
        Entry.id.in_(list(entry_ids)),
        Entry.state == "pending",
        Entry.lease_until > now - timedelta(seconds=grace_s),
    ]
    if owner is not None:
        held.append(Entry.lease_owner == owner)
    counted = session.scalars(
        update(Entry)
        .where(*held)
        .values(attempts=Entry.attempts + 1, lease_until=now, lease_owner=None)
        .returning(Entry.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(counted)
