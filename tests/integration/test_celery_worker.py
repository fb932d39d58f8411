"""End to end on a real Celery worker process: Redis broker + PostgreSQL, and the embedded
default (SQLite transport + SQLite database). Not eager mode: a real `newswatch run`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import require_service
from tests.support.corpus import article_html, serve_seed_feed, write_config
from tests.support.loopback import LoopbackServer, Response
from tests.support.processes import start_newswatch, stop, wait_for
from worker.store.db import Database
from worker.store.models import Article, Entry, Feed

pytestmark = pytest.mark.slow


def _count(db: Database, model: type) -> int:
    with db.session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _feed_status(db: Database) -> str | None:
    with db.session_scope() as session:
        return session.scalar(select(Feed.last_status))


def _run_service_until_stored(tmp_path: Path, server: LoopbackServer, db: Database,
                              **config: object) -> None:  # fmt: skip
    specs = serve_seed_feed(server)
    cfg = write_config(
        tmp_path,
        server,
        [("seeds", "/feed.xml")],
        poll={"tick": 1, "min_interval": 1, "default_interval": 2},
        **config,
    )
    log = tmp_path / "worker.log"
    process = start_newswatch(cfg, "run", "--concurrency", "2", log=log)
    try:
        wait_for(lambda: _count(db, Article) == len(specs), 120, "every seed article stored", log)
        # The next poll sends the ETag back, gets 304, and stores nothing new.
        wait_for(lambda: _feed_status(db) == "not_modified", 60, "a 304 on the next poll", log)
        assert _count(db, Article) == len(specs)
        assert _count(db, Entry) == len(specs)
        assert process.poll() is None, "the worker died"
    finally:
        stop(process)
    # The seeds' claims were loaded once, before the pool forked, for the pool to share.
    assert re.search(r"\d{3,} known claims of 3 profiles in memory", log.read_text()), "not loaded"
    conditional = [r for r in server.hits("/feed.xml") if "if-none-match" in r.headers]
    assert conditional, "no conditional GET was sent"
    with db.session_scope() as session:
        texts = session.scalars(select(Article.text)).all()
    assert all(len(t) > 500 for t in texts)


def test_redis_broker_and_postgres(tmp_path: Path, server: LoopbackServer, pg_url: str,
                                   redis_url: str) -> None:  # fmt: skip
    require_service("Redis", "127.0.0.1", 6379)
    from worker.store.migrate import upgrade

    upgrade(pg_url)
    db = Database.from_url(pg_url)
    try:
        _run_service_until_stored(tmp_path, server, db, database_url=pg_url, broker_url=redis_url)
    finally:
        db.dispose()


def test_embedded_default(tmp_path: Path, server: LoopbackServer) -> None:
    from worker.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'newswatch.db'}"
    upgrade(url)
    db = Database.from_url(url)
    try:
        _run_service_until_stored(tmp_path, server, db)
    finally:
        db.dispose()


def test_a_chunk_entry_that_fails_is_retried_alone(tmp_path: Path, server: LoopbackServer) -> None:
    """Polls hand entries on in chunks (process_entries). A page answering 503 once must
    neither hold up the rest of its chunk nor be lost: it goes on alone after a backoff."""
    from worker.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'newswatch.db'}"
    upgrade(url)
    db = Database.from_url(url)
    specs = serve_seed_feed(server)
    flaky = specs[1]
    answers = [Response(503, b"busy", {"Retry-After": "1"})]
    page = Response(200, article_html(flaky.title, flaky.text).encode(),
                    {"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    server.route(flaky.path, lambda _request: answers.pop() if answers else page)
    cfg = write_config(tmp_path, server, [("seeds", "/feed.xml")],
                       poll={"tick": 1, "min_interval": 1, "default_interval": 2})  # fmt: skip
    log = tmp_path / "worker.log"
    process = start_newswatch(cfg, "run", "--concurrency", "2", log=log)
    try:
        wait_for(lambda: _count(db, Article) == len(specs), 120, "every seed article stored", log)
        assert process.poll() is None, "the worker died"
    finally:
        stop(process)
    with db.session_scope() as session:
        rows = session.execute(select(Entry.link, Entry.attempts, Entry.processed_at)).all()
    done = {link: (attempts, processed) for link, attempts, processed in rows}
    retried = done.pop(server.url(flaky.path))
    assert retried[0] == 1  # the 503 counted; the retry went through (a lease counts nothing)
    assert all(attempts == 0 for attempts, _ in done.values())
    assert all(processed < retried[1] for _, processed in done.values())  # nobody waited
    assert len(server.hits(flaky.path)) == 2
    assert "failed unexpectedly" not in log.read_text(errors="replace")
    db.dispose()


def test_a_chunks_pages_download_together(tmp_path: Path, server: LoopbackServer) -> None:
    """Eight slow pages (half a second each) in one chunk, one pool process: downloaded in
    turn they would take four seconds; together, about half of one."""
    from datetime import UTC, datetime

    from tests.support.corpus import rss
    from worker.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'newswatch.db'}"
    upgrade(url)
    db = Database.from_url(url)
    page = article_html("Car park approved", "The council approved a car park. " * 20).encode()
    paths = [f"/slow/{i}" for i in range(8)]
    for path in paths:
        server.route(path, lambda _request: Response(200, page, {"Content-Type": "text/html"},
                                                     hang=0.5))  # fmt: skip
    when = datetime(2024, 5, 1, tzinfo=UTC)
    items = [(f"g{path}", server.url(path), "Car park", when) for path in paths]
    server.static("/feed.xml", rss("slow", items), headers={"Content-Type": "application/rss+xml"})
    cfg = write_config(tmp_path, server, [("slow", "/feed.xml")],
                       poll={"tick": 1, "min_interval": 1, "default_interval": 60})  # fmt: skip
    log = tmp_path / "worker.log"
    process = start_newswatch(cfg, "run", "--concurrency", "1", log=log)
    try:

        def finished() -> list[datetime]:
            with db.session_scope() as session:
                return [t for t in session.scalars(select(Entry.processed_at)) if t is not None]

        wait_for(lambda: len(finished()) == len(paths), 60, "every entry finished", log)
        with db.session_scope() as session:
            first_seen = min(session.scalars(select(Entry.first_seen_at)))
        spent = (max(finished()) - first_seen).total_seconds()
    finally:
        stop(process)
        db.dispose()
    assert spent < 2.5, f"{spent:.1f} s for eight half-second pages"
