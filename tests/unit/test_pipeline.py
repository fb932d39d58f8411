"""The pipeline stages over real HTTP and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.corpus import article_html, rss, seed_texts, write_config
from tests.support.loopback import LoopbackServer
from worker import pipeline
from worker.config import load_settings
from worker.services import Services, build_services
from worker.store.db import Database
from worker.store.models import Article

WHEN = datetime(2024, 5, 1, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def svc(tmp_path: Path, server: LoopbackServer, db: Database) -> Iterator[Services]:
    # These tests look at what is stored for every kind of page, on topic or not.
    cfg = write_config(tmp_path, server, [("fixture", "/feed.xml")], fetch={"timeout": 1},
                       keep_off_topic=True)  # fmt: skip
    services = build_services(load_settings(cfg, environ={}), db=db)
    pipeline.sync_configured_feeds(services)
    yield services
    services.http.close()


def _serve_feed(server: LoopbackServer, items: list[tuple[str, str]]) -> None:
    """items: (path, title); the summary of each is its title."""
    doc = rss("f", [(f"g{path}", server.url(path), title, WHEN) for path, title in items])
    server.static("/feed.xml", doc, headers=RSS)


def _run_all(svc: Services) -> list[str]:
    entry_ids, failures = pipeline.poll_feeds(svc, pipeline.sync_configured_feeds(svc))
    assert failures == []
    return [pipeline.process_entry(svc, entry_id) for entry_id in entry_ids]


def _articles(svc: Services) -> list[Article]:
    with svc.db.session_scope() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def test_seed_pages_are_stored_with_their_text(svc: Services, server: LoopbackServer) -> None:
    seeds = seed_texts()
    for number, text in seeds.items():
        server.static(f"/a/{number}", article_html(f"Seed {number}", text), headers=HTML)
    _serve_feed(server, [(f"/a/{n}", f"Seed {n}") for n in seeds])
    outcomes = _run_all(svc)
    assert len(outcomes) == len(seeds)
    stored = _articles(svc)
    assert len(stored) == len(seeds)
    assert all(a.source == "page" and len(a.text) > 1000 for a in stored)
    assert "Bachelet" in stored[0].text + stored[1].text


def test_broken_pages_fall_back_to_the_feed_summary(svc: Services, server: LoopbackServer) -> None:
    server.static("/missing", "gone", status=404)
    server.static("/binary", b"\x00\x01\x02" * 100, headers={"Content-Type": "image/png"})
    server.static("/huge", "<html>" + "x" * 11_000_000 + "</html>", headers=HTML)
    server.static("/loop", "", status=302, headers={"Location": server.url("/loop")})
    _serve_feed(server, [("/missing", "Missing page"), ("/binary", "A picture"),
                         ("/huge", "Huge page"), ("/loop", "Loop page")])  # fmt: skip
    _run_all(svc)
    stored = _articles(svc)
    assert sorted(a.title for a in stored) == [
        "A picture",
        "Huge page",
        "Loop page",
        "Missing page",
    ]
    assert {a.source for a in stored} == {"feed_summary"}


def test_wrong_charset_page_is_still_read(svc: Services, server: LoopbackServer) -> None:
    text = seed_texts()["003"].replace("Uyghurs", "Uyghurs café")
    body = article_html("Charset", text).encode("latin-1", errors="replace")
    server.static("/latin", body, headers={"Content-Type": "text/html; charset=utf-8"})
    _serve_feed(server, [("/latin", "Charset")])
    _run_all(svc)
    (article,) = _articles(svc)
    assert article.source == "page"
    assert "café" in article.text


def test_a_task_run_twice_stores_nothing_twice(svc: Services, server: LoopbackServer) -> None:
    server.static("/a", article_html("One", seed_texts()["001"]), headers=HTML)
    _serve_feed(server, [("/a", "One")])
    (feed_id,) = pipeline.sync_configured_feeds(svc)
    (entry_id,) = pipeline.poll_feed(svc, feed_id)
    first = pipeline.process_entry(svc, entry_id)
    assert pipeline.process_entry(svc, entry_id) == "skipped"  # done already: a no-op
    assert first in {"stored", "off_topic"}
    assert len(_articles(svc)) == 1
    assert pipeline.poll_feed(svc, feed_id) == []  # the same entry is not handed on again


def test_a_feed_answering_the_same_bytes_is_not_parsed_again(
    svc: Services, server: LoopbackServer
) -> None:
    from worker.store.models import Feed

    server.static("/a", article_html("One", seed_texts()["001"]), headers=HTML)
    _serve_feed(server, [("/a", "One")])  # a plain 200: no ETag, no Last-Modified
    assert len(_run_all(svc)) == 1
    assert _run_all(svc) == []
    with svc.db.session_scope() as session:
        feed = session.scalars(select(Feed)).one()
        assert (feed.last_status, feed.consecutive_failures) == ("not_modified", 0)
    _serve_feed(server, [("/a", "One"), ("/b", "Two")])  # changed bytes: parsed again
    server.static("/b", article_html("Two", seed_texts()["003"]), headers=HTML)
    assert len(_run_all(svc)) == 1


ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>'
    '<entry><id>g1</id><link href="{0}"/><title>One</title><updated>{1}</updated></entry></feed>'
)


def test_updated_entry_is_handed_on_as_a_revision(svc: Services, server: LoopbackServer) -> None:
    text = seed_texts()["003"]
    server.static("/a", article_html("One", text), headers=HTML)
    server.static("/feed.xml", ATOM.format(server.url("/a"), "2024-05-01T00:00:00Z"), headers=RSS)
    assert len(_run_all(svc)) == 1
    assert _run_all(svc) == []  # same updated time: nothing handed on
    server.static("/a", article_html("One", text + "\nThe council voted 19 to 17 on Thursday."),
                  headers=HTML)  # fmt: skip
    server.static("/feed.xml", ATOM.format(server.url("/a"), "2024-05-02T10:00:00Z"), headers=RSS)
    assert _run_all(svc) == ["revision"]
    (article,) = _articles(svc)
    assert article.revisions == 1 and "council voted" in article.text


def test_robots_txt_disallow_is_honoured(svc: Services, server: LoopbackServer) -> None:
    server.static("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    server.static("/private/a", article_html("Secret", seed_texts()["001"]), headers=HTML)
    _serve_feed(server, [("/private/a", "Secret")])
    _run_all(svc)
    (article,) = _articles(svc)
    assert article.source == "feed_summary"
    assert not server.hits("/private/a")


def _crashed_attempts(svc: Services, entry_id: int, count: int) -> None:
    """`count` pool processes took the entry and died on it, and each time the worker's
    main process counted the crash (tasks.EntryRequest)."""
    from datetime import timedelta

    from worker.store import repo

    for i in range(count):
        taken_at = WHEN - timedelta(hours=count - i)
        with svc.db.session_scope() as session:
            assert repo.lease_entry(session, entry_id, taken_at, 60) is not None
        assert pipeline.count_crash(svc.db, [entry_id], taken_at) == [entry_id]


def _killed_whole(svc: Services, entry_id: int, count: int) -> None:
    """`count` workers took the entry and were killed whole from outside: nothing survived
    to count a crash, and each lease ran out."""
    from datetime import timedelta

    from worker.store import repo

    for i in range(count):
        taken_at = WHEN - timedelta(hours=count - i)  # each lease long expired
        with svc.db.session_scope() as session:
            assert repo.lease_entry(session, entry_id, taken_at, 60) is not None


def _one_entry(svc: Services, server: LoopbackServer) -> int:
    seeds = seed_texts()
    number = sorted(seeds)[0]
    server.static("/a/crash", article_html("Seed", seeds[number]), headers=HTML)
    _serve_feed(server, [("/a/crash", "UN rights office Xinjiang assessment summary")])
    (feed_id,) = pipeline.sync_configured_feeds(svc)
    (entry_id,) = pipeline.poll_feed(svc, feed_id)
    return entry_id


def test_an_entry_whose_processing_keeps_dying_goes_on_with_its_summary(
    svc: Services, server: LoopbackServer
) -> None:
    entry_id = _one_entry(svc, server)
    _crashed_attempts(svc, entry_id, pipeline.MAX_PAGE_ATTEMPTS)
    assert pipeline.process_entry(svc, entry_id) != "error"
    (article,) = _articles(svc)
    assert article.source == "feed_summary"  # the page is the likely crash: not tried again
    assert not server.hits("/a/crash")
    assert article.text.startswith("UN rights office")


def test_a_worker_killed_whole_again_and_again_counts_nothing_against_its_entries(
    svc: Services, server: LoopbackServer
) -> None:
    # Leases that ran out with nobody left to say why (a deploy, a lost host, the fault
    # test's SIGKILLs) are no crashes: counted, they took innocent entries for pages that
    # kill workers, and their text was lost to their feed summaries.
    entry_id = _one_entry(svc, server)
    _killed_whole(svc, entry_id, 3 * pipeline.MAX_PAGE_ATTEMPTS)
    assert pipeline.process_entry(svc, entry_id) == "stored"
    (article,) = _articles(svc)
    assert article.source == "page" and len(server.hits("/a/crash")) == 1


def test_an_entry_that_dies_even_on_its_summary_is_dead_lettered(
    svc: Services, server: LoopbackServer
) -> None:
    from worker.store.models import Entry

    entry_id = _one_entry(svc, server)
    limit = pipeline.MAX_PAGE_ATTEMPTS + pipeline.SUMMARY_ATTEMPTS
    _crashed_attempts(svc, entry_id, limit)
    assert pipeline.process_entry(svc, entry_id) == "error"
    assert _articles(svc) == []
    with svc.db.session_scope() as session:
        entry = session.get(Entry, entry_id)
        assert entry is not None
        assert (entry.state, entry.error_reason) == ("failed", "crashed")


def test_off_topic_pages_are_neither_extracted_nor_stored_by_default(
    tmp_path: Path, server: LoopbackServer, db: Database
) -> None:
    from prometheus_client import REGISTRY

    cfg = write_config(tmp_path, server, [("fixture", "/feed.xml")])
    svc = build_services(load_settings(cfg, environ={}), db=db)
    seeds = seed_texts()
    number = sorted(seeds)[0]
    server.static("/a/seed", article_html("UN rights report on Xinjiang", seeds[number]),
                  headers=HTML)  # fmt: skip
    server.static("/a/car-park", article_html("Car park approved", FILLER_TEXT), headers=HTML)
    _serve_feed(server, [("/a/seed", "UN rights report"), ("/a/car-park", "Car park approved")])

    def extractions() -> float:
        return REGISTRY.get_sample_value("newswatch_extract_seconds_count") or 0.0

    before = extractions()
    try:
        assert sorted(_run_all(svc)) == ["off_topic", "stored"]
    finally:
        svc.http.close()
    assert extractions() - before == 1  # only the page a profile could match
    (stored,) = _articles(svc)
    assert "Xinjiang" in stored.text


FILLER_TEXT = "\n".join(
    ["The local council approved a new car park next to the railway station on Tuesday."] * 3
    + ["Residents said the 120 spaces would ease parking in the town centre on market days."] * 3
)


def test_each_feeds_entries_are_handed_on_as_soon_as_it_is_polled(
    tmp_path: Path, server: LoopbackServer, db: Database
) -> None:
    from tests.support.loopback import Response

    def feed(name: str) -> bytes:
        items = [(f"g-{name}-{i}", server.url(f"/{name}/{i}"), f"{name} {i}", WHEN)
                 for i in range(3)]  # fmt: skip
        return rss(name, items).encode()

    slow_feed = feed("slow")
    server.route("/slow.xml", lambda _request: Response(200, slow_feed, RSS, hang=1.5))
    server.static("/fast.xml", feed("fast"), headers=RSS)
    cfg = write_config(tmp_path, server, [("slow", "/slow.xml"), ("fast", "/fast.xml")])
    svc = build_services(load_settings(cfg, environ={}), db=db)
    try:
        slow_id, fast_id = pipeline.sync_configured_feeds(svc)
        started = time.monotonic()
        polls = pipeline.poll_feeds_as_done(svc, [slow_id, fast_id])
        handed_on = [(feed_id, len(ids), time.monotonic() - started)
                     for feed_id, ids, _exc in polls]  # fmt: skip
        # The fast feed's entries come out while the slow one still waits on its server.
        assert [(f, n) for f, n, _ in handed_on] == [(fast_id, 3), (slow_id, 3)]
        assert handed_on[0][2] < 1.0 <= handed_on[1][2]
    finally:
        svc.http.close()


def test_a_chunk_is_leased_at_once_and_its_off_topic_entries_closed_together(
    tmp_path: Path, server: LoopbackServer, db: Database
) -> None:
    from worker.store.models import Entry

    cfg = write_config(tmp_path, server, [("fixture", "/feed.xml")])
    svc = build_services(load_settings(cfg, environ={}), db=db)
    seeds = seed_texts()
    server.static("/a/seed", article_html("UN rights report on Xinjiang", seeds[sorted(seeds)[0]]),
                  headers=HTML)  # fmt: skip
    for name in ("car-park", "bus-lane", "market"):
        server.static(f"/a/{name}", article_html(name, FILLER_TEXT), headers=HTML)
    _serve_feed(server, [(f"/a/{n}", n) for n in ("seed", "car-park", "bus-lane", "market")])

    def states() -> dict[int, tuple[str, bool, int]]:
        with svc.db.session_scope() as session:
            rows = session.execute(select(Entry.id, Entry.state, Entry.lease_until, Entry.attempts))
            return {i: (state, lease is not None, tries) for i, state, lease, tries in rows}

    try:
        entry_ids, _ = pipeline.poll_feeds(svc, pipeline.sync_configured_feeds(svc))
        chunk = pipeline.lease_entries(svc, entry_ids)
        leases = chunk.leases
        assert sorted(leases) == sorted(entry_ids) and chunk.interrupted == []
        again = pipeline.lease_entries(svc, entry_ids)
        assert (again.leases, again.interrupted) == ({}, [])  # held: nobody else takes them
        *worked, spare = entry_ids
        pipeline.release_entries(svc, [spare])  # taken, not worked on: handed back, uncounted
        assert states()[spare] == ("pending", False, 0)
        unkept: list[int] = []
        outcomes = [pipeline.process_entry(svc, i, leased=leases[i], unkept=unkept)
                    for i in worked]  # fmt: skip
        assert sorted(outcomes) == ["off_topic", "off_topic", "stored"]
        assert len(unkept) == 2 and all(states()[i] == ("pending", True, 0) for i in unkept)
        pipeline.finish_unkept(svc, unkept)
        assert all(states()[i] == ("done", False, 0) for i in unkept)  # a lease counts nothing
    finally:
        svc.http.close()


def test_a_chunk_whose_pool_process_crashed_goes_on_entry_by_entry(
    tmp_path: Path, server: LoopbackServer, db: Database
) -> None:
    """A pool process that crashes on one page of a chunk dies holding the whole chunk, and
    its main process counts the crash against each entry still open: it cannot tell which
    page it was. Taken again as a chunk, the entries the crash never reached would be
    counted again at each crash, until they went on with their feed summaries for a page not
    theirs. Alone, each is counted only for the crashes of its own processing."""
    from dataclasses import replace
    from datetime import timedelta

    from worker.store.models import Entry

    cfg = write_config(tmp_path, server, [("fixture", "/feed.xml")])
    crashed_at = datetime.now(UTC)
    svc = build_services(load_settings(cfg, environ={}), db=db, clock=lambda: crashed_at)
    seeds = seed_texts()
    for number in sorted(seeds)[:3]:
        server.static(f"/a/{number}", article_html("Xinjiang", seeds[number]), headers=HTML)
    _serve_feed(server, [(f"/a/{number}", "Xinjiang") for number in sorted(seeds)[:3]])

    def attempts() -> list[int]:
        with svc.db.session_scope() as session:
            return list(session.scalars(select(Entry.attempts).order_by(Entry.id)))

    try:
        entry_ids, _ = pipeline.poll_feeds(svc, pipeline.sync_configured_feeds(svc))
        assert len(pipeline.lease_entries(svc, entry_ids).leases) == 3
        assert attempts() == [0, 0, 0]  # a lease counts nothing
        # the pool process dies; its main process counts the crash before the requeue
        assert pipeline.count_crash(svc.db, entry_ids, crashed_at) == sorted(entry_ids)
        assert attempts() == [1, 1, 1]
        later = replace(svc, clock=lambda: crashed_at + timedelta(seconds=1))
        redelivered = pipeline.lease_entries(later, entry_ids)
        assert (redelivered.leases, redelivered.interrupted) == ({}, sorted(entry_ids))
        first, *others = entry_ids
        assert pipeline.process_entry(later, first) == "stored"  # alone
        assert attempts() == [1, 1, 1]  # and it went through: nothing more counted
        fresh = pipeline.lease_entries(later, [first, *others])
        assert (fresh.leases, fresh.interrupted) == ({}, sorted(others))  # done: neither
        assert pipeline.count_crash(svc.db, [first], crashed_at) == []  # done: not counted
    finally:
        svc.http.close()


def test_a_crash_counts_against_a_lease_that_just_ran_out_not_an_old_one(
    svc: Services, server: LoopbackServer
) -> None:
    # The hard time limit is as long as the lease: a hung task is killed just after its
    # lease ran out, and that crash must still count (else a page that hangs forever would
    # be retried forever). A lease that ran out long ago is another worker's past.
    from datetime import timedelta

    from worker.store import repo

    entry_id = _one_entry(svc, server)
    with svc.db.session_scope() as session:
        assert repo.lease_entry(session, entry_id, WHEN, pipeline.LEASE_S) is not None
    hard_limit = WHEN + timedelta(seconds=pipeline.LEASE_S + 2)
    assert pipeline.count_crash(svc.db, [entry_id], hard_limit) == [entry_id]
    long_after = hard_limit + timedelta(seconds=pipeline.CRASH_GRACE_S + 1)
    assert pipeline.count_crash(svc.db, [entry_id], long_after) == []


def _three_entries(svc: Services, server: LoopbackServer) -> list[int]:
    seeds = seed_texts()
    for number in sorted(seeds)[:3]:
        server.static(f"/a/{number}", article_html("Xinjiang", seeds[number]), headers=HTML)
    _serve_feed(server, [(f"/a/{number}", "Xinjiang") for number in sorted(seeds)[:3]])
    entry_ids, _ = pipeline.poll_feeds(svc, pipeline.sync_configured_feeds(svc))
    return sorted(entry_ids)


def test_a_task_takes_back_its_own_leases_at_once_and_no_other_task_does(
    svc: Services, server: LoopbackServer
) -> None:
    # A chunk stopped by a database outage longer than its hand-back tries keeps its leases;
    # Celery's retry of it has the same task id, and takes them back at once instead of
    # waiting LEASE_S and the stranded sweep. Any other task still finds them held.
    entry_ids = _three_entries(svc, server)
    assert sorted(pipeline.lease_entries(svc, entry_ids, owner="task-1").leases) == entry_ids
    held_elsewhere = pipeline.lease_entries(svc, entry_ids, owner="task-2")
    assert (held_elsewhere.leases, held_elsewhere.interrupted) == ({}, [])
    assert (pipeline.lease_entries(svc, entry_ids).leases, pipeline.process_entry(
        svc, entry_ids[0])) == ({}, "skipped")  # fmt: skip
    retried = pipeline.lease_entries(svc, entry_ids, owner="task-1")
    assert (sorted(retried.leases), retried.interrupted) == (entry_ids, [])
    assert pipeline.process_entry(svc, entry_ids[0], owner="task-1") == "stored"


def test_a_crash_counts_only_against_the_entries_its_task_held(
    tmp_path: Path, server: LoopbackServer, db: Database
) -> None:
    # One of the chunk's entries was handed back and is now held by a task of its own when
    # the chunk's pool process dies: the crash is not counted against it, nor is its lease
    # ended. The redelivered chunk message (the same task id) does not take back what the
    # crash counted: those entries go on alone (repo.lease_chunk).
    from dataclasses import replace
    from datetime import timedelta

    from worker.store import repo
    from worker.store.models import Entry

    cfg = write_config(tmp_path, server, [("fixture", "/feed.xml")])
    crashed_at = datetime.now(UTC)
    svc = build_services(load_settings(cfg, environ={}), db=db, clock=lambda: crashed_at)
    try:
        entry_ids = _three_entries(svc, server)
        alone, *chunk_held = entry_ids
        assert len(pipeline.lease_entries(svc, entry_ids, owner="chunk").leases) == 3
        pipeline.release_entries(svc, [alone])
        with svc.db.session_scope() as session:
            assert repo.lease_entry(session, alone, crashed_at, 60, owner="alone") is not None
        assert pipeline.count_crash(svc.db, entry_ids, crashed_at, owner="chunk") == chunk_held
        with svc.db.session_scope() as session:
            rows = session.execute(select(Entry.id, Entry.attempts, Entry.lease_owner))
            assert sorted(rows) == [(alone, 0, "alone"), *((i, 1, None) for i in chunk_held)]
        later = replace(svc, clock=lambda: crashed_at + timedelta(seconds=1))
        redelivered = pipeline.lease_entries(later, entry_ids, owner="chunk")
        assert (redelivered.leases, redelivered.interrupted) == ({}, chunk_held)
    finally:
        svc.http.close()
