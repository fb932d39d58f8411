"""Hostile and broken input through the real pipeline (HTTP over loopback, SQLite).

Each case serves a feed whose first entry links to a hostile page and whose second links to
a normal article: the hostile one ends with a fixed, recorded reason (on the entry, where
the feed summary stood in or the entry failed) and the normal one is still stored, so one
bad page never stops the worker. Feed-level cases poll a hostile feed and then a good one.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.corpus import article_html, rss, seed_texts, write_config
from tests.support.loopback import LoopbackServer, Response
from worker import pipeline
from worker.config import load_settings
from worker.errors import TransientError
from worker.services import Services, build_services
from worker.sources.feeds import parse_entries
from worker.store.db import Database
from worker.store.models import Entry

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
MB = 1_000_000


@pytest.fixture
def svc(tmp_path: Path, server: LoopbackServer, sqlite_db: Database) -> Iterator[Services]:
    # keep_off_topic: what is stored for a hostile page (its feed summary) is looked at.
    cfg = write_config(tmp_path, server, [("hostile", "/feed.xml")],
                       fetch={"timeout": 1, "max_bytes": 5 * MB}, keep_off_topic=True)  # fmt: skip
    services = build_services(load_settings(cfg, environ={}), db=sqlite_db)
    yield services
    services.http.close()


def _good_page(server: LoopbackServer) -> str:
    text = next(iter(seed_texts().values()))
    server.static("/good.html", article_html("A normal article", text), headers=HTML)
    return server.url("/good.html")


def _run(svc: Services, server: LoopbackServer, hostile_url: str) -> tuple[Entry, Entry]:
    """Feed [hostile, good] through poll, fetch and process; return both entries."""
    items = [("g-hostile", hostile_url, "Hostile page", WHEN),
             ("g-good", _good_page(server), "Good page", WHEN)]  # fmt: skip
    server.static("/feed.xml", rss("f", items), headers=RSS)
    for feed_id in pipeline.sync_configured_feeds(svc):
        for entry_id in pipeline.poll_feed(svc, feed_id):
            _process_with_retries(svc, entry_id)
    with svc.db.session_scope() as session:
        hostile, good = session.scalars(select(Entry).order_by(Entry.id)).all()
        session.expunge_all()
    assert good.state == "done" and good.article_id is not None and good.error_reason is None
    return hostile, good


def _process_with_retries(svc: Services, entry_id: int) -> None:
    """What the task's retries do, without their waits: transient errors are retried until
    the pipeline gives up on the page and lets the summary stand in."""
    for _attempt in range(pipeline.MAX_PAGE_ATTEMPTS):
        try:
            assert pipeline.process_entry(svc, entry_id) != "skipped"
            return
        except TransientError:
            continue
    raise AssertionError("the page was never given up")


def _drip(_request: object) -> Response:
    return Response(200, b"<html><body>" + b"x" * 60, HTML, drip_delay=1.0)


def _gzip_bomb(server: LoopbackServer) -> None:
    # Compressed once, before the clock starts: compressing 100 MB in the handler took more
    # than the 1 s fetch timeout on a loaded machine, and the page timed out before a byte
    # of it came (a CI run beside two benchmarks, eleventh session of 2026-12-06).
    body = gzip.compress(b"<html>" + b" " * (100 * MB))
    server.route("/h", lambda _r: Response(200, body, {**HTML, "Content-Encoding": "gzip"}))


PAGE_CASES = {
    # name: (route setup, expected reason)
    "100 MB page (declared)": (lambda s: s.static("/h", b"x" * (100 * MB), headers=HTML),
                               "too_large"),
    "gzip bomb page": (_gzip_bomb, "too_large"),
    "1 byte a second": (lambda s: s.route("/h", _drip), "timeout"),
    "redirect loop": (lambda s: (
        s.static("/h", "", status=302, headers={"Location": s.url("/h2")}),
        s.static("/h2", "", status=302, headers={"Location": s.url("/h")})), "redirect_loop"),
    "image content type": (lambda s: s.static("/h", b"\x89PNG\r\n\x1a\n" + bytes(500),
                                              headers={"Content-Type": "image/png"}), "not_html"),
    "pdf content type": (lambda s: s.static("/h", b"%PDF-1.7 ...",
                                            headers={"Content-Type": "application/pdf"}),
                         "not_html"),
    "binary labelled text/html": (lambda s: s.static("/h", bytes(range(256)) * 40, headers=HTML),
                                  "not_html"),
    "binary without content type": (lambda s: s.static(
        "/h", b"\x00\x01\x02" * 3000, headers={"Content-Type": ""}), "not_html"),
    "404": (lambda s: None, "http_404"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PAGE_CASES))
def test_hostile_page_is_recorded_and_the_next_entry_stored(
    case: str, svc: Services, server: LoopbackServer
) -> None:
    setup, reason = PAGE_CASES[case]
    setup(server)
    started = time.monotonic()
    hostile, _good = _run(svc, server, server.url("/h"))
    # The summary stands in for the page, and the entry keeps why.
    assert hostile.state == "done" and hostile.error_reason == reason
    assert time.monotonic() - started < 30, "a hostile page held the worker up"


def _article(body: str) -> str:
    text = " ".join(next(iter(seed_texts().values())).split()[:400])
    return body.replace("ARTICLE", f"<article><h1>Title</h1><p>{text}</p></article>")


def test_html_nested_ten_thousand_deep(svc: Services, server: LoopbackServer) -> None:
    deep = "<div>" * 10_000 + "ARTICLE" + "</div>" * 10_000
    server.static("/h", _article(f"<html><body>{deep}</body></html>"), headers=HTML)
    started = time.monotonic()
    hostile, _good = _run(svc, server, server.url("/h"))
    assert time.monotonic() - started < 30
    # Extraction finds no article in it (no crash, no recursion error): the feed summary
    # stands in, and the article says so.
    assert hostile.state == "done" and hostile.article_id is not None
    with svc.db.session_scope() as session:
        from worker.store.models import Article

        article = session.get(Article, hostile.article_id)
        assert article is not None and article.source == "feed_summary"


def test_invalid_utf8_page_is_still_read(svc: Services, server: LoopbackServer) -> None:
    body = _article("<html><body>ARTICLE</body></html>").encode() + b"\xff\xfe\xc3\x28 \xed\xa0\x80"
    server.static("/h", body, headers=HTML)
    hostile, _good = _run(svc, server, server.url("/h"))
    assert hostile.state == "done" and hostile.error_reason is None


def test_html_without_content_type_is_read(svc: Services, server: LoopbackServer) -> None:
    server.static("/h", _article("<html><body>ARTICLE</body></html>"),
                  headers={"Content-Type": ""})  # fmt: skip
    hostile, _good = _run(svc, server, server.url("/h"))
    assert hostile.state == "done" and hostile.error_reason is None


def test_non_http_link_is_refused(svc: Services, server: LoopbackServer) -> None:
    hostile, _good = _run(svc, server, "file:///etc/passwd")
    assert hostile.error_reason == "bad_url"


# --- feed documents ------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><guid>laugh</guid><title>&lol9;</title><link>http://example.com/a</link></item>
</channel></rss>"""


def _external_entity(target: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{target}">]>
<rss version="2.0"><channel><title>t</title>
<item><guid>xxe</guid><title>leak &xxe;</title><description>&xxe;</description>
<link>http://example.com/a</link></item></channel></rss>""".encode()


def test_billion_laughs_is_not_expanded() -> None:
    started = time.monotonic()
    entries, _bozo = parse_entries(BILLION_LAUGHS, RSS, "http://example.com/", 1000)
    assert time.monotonic() - started < 5
    for entry in entries:
        assert len(entry.title) + len(entry.summary) < 10_000  # 10^9 "lol"s were never built


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    entries, _bozo = parse_entries(_external_entity(secret), RSS, "http://example.com/", 1000)
    for entry in entries:
        assert "TOP-SECRET" not in entry.title + entry.summary


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<rss><channel><item><title>unclosed", "application/rss+xml"),  # invalid XML
        (b"\x00\x01\x02\xff\xfe" * 1000, "application/rss+xml"),  # binary
        (b"<rss version='2.0'><channel><title>\xff\xfe\xc3\x28</title></channel></rss>", ""),
        (b"just text, no markup at all", "text/plain"),
        (b"<html><body><p>a web page</p></body></html>", "text/html"),
    ],
    ids=["invalid-xml", "binary", "invalid-utf8-no-content-type", "plain-text", "html"],
)
def test_broken_feed_is_a_fixed_status_and_the_next_feed_is_polled(
    body: bytes, content_type: str, tmp_path: Path, server: LoopbackServer, sqlite_db: Database
) -> None:
    server.static("/bad.xml", body, headers={"Content-Type": content_type})
    good = rss("g", [("g1", "http://example.com/1", "one", WHEN)])
    server.static("/good.xml", good, headers=RSS)
    cfg = write_config(tmp_path, server, [("bad", "/bad.xml"), ("good", "/good.xml")])
    svc = build_services(load_settings(cfg, environ={}), db=sqlite_db)
    try:
        bad_id, good_id = pipeline.sync_configured_feeds(svc)
        pipeline.poll_feed(svc, bad_id)
        assert len(pipeline.poll_feed(svc, good_id)) == 1
        with svc.db.session_scope() as session:
            from worker.store.models import Feed

            bad = session.get(Feed, bad_id)
            assert bad is not None and bad.last_status in {"ok", "not_a_feed"}
    finally:
        svc.http.close()


def _poll_one(server: LoopbackServer, tmp_path: Path, db: Database) -> tuple[list[int], float]:
    cfg = write_config(tmp_path, server, [("huge", "/huge.xml")], fetch={"timeout": 30})
    svc = build_services(load_settings(cfg, environ={}), db=db)
    try:
        (feed_id,) = pipeline.sync_configured_feeds(svc)
        started = time.monotonic()
        entry_ids = pipeline.poll_feed(svc, feed_id)
        return entry_ids, time.monotonic() - started
    finally:
        svc.http.close()


def _feed_status(db: Database) -> str | None:
    from worker.store.models import Feed

    with db.session_scope() as session:
        return session.scalar(select(Feed.last_status))


def test_feed_with_100000_full_entries_is_over_the_size_cap(
    server: LoopbackServer, tmp_path: Path, sqlite_db: Database
) -> None:
    items = [(f"g{i}", f"http://example.com/{i}", f"title {i}", WHEN) for i in range(100_000)]
    server.static("/huge.xml", rss("huge", items), headers=RSS)  # ~23 MB, the cap is 10 MB
    entry_ids, elapsed = _poll_one(server, tmp_path, sqlite_db)
    assert entry_ids == [] and _feed_status(sqlite_db) == "too_large"
    assert elapsed < 10


@pytest.mark.slow
def test_feed_with_100000_small_entries_is_capped(
    server: LoopbackServer, tmp_path: Path, sqlite_db: Database
) -> None:
    items = "".join(f"<item><guid>g{i}</guid><title>t{i}</title></item>" for i in range(100_000))
    doc = f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>"
    server.static("/huge.xml", doc, headers=RSS)  # ~5 MB: under the cap, so it is parsed
    entry_ids, elapsed = _poll_one(server, tmp_path, sqlite_db)
    assert _feed_status(sqlite_db) == "ok"
    assert len(entry_ids) == 1000  # poll.max_entries: the rest wait for a later poll
    # feedparser reads the whole document (~14 s here); the task's soft limit is 240 s.
    assert elapsed < 120, f"one poll of 100,000 entries took {elapsed:.0f} s"
