"""`newswatch poll --once`, as cron users and a newcomer run it: the real console entry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from tests.support.corpus import serve_seed_feed, write_config
from tests.support.loopback import LoopbackServer
from worker.store.db import Database
from worker.store.models import Article, Entry

ROOT = Path(__file__).resolve().parents[2]


def poll_once(config: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "worker", "--config", str(config), "poll", "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def count(db: Database, model: type) -> int:
    with db.session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_poll_once_stores_every_article_then_a_304_stores_nothing(
    tmp_path: Path, server: LoopbackServer
) -> None:
    specs = serve_seed_feed(server)
    config = write_config(tmp_path, server, [("seeds", "/feed.xml")])
    first = poll_once(config)
    db = Database.from_url(f"sqlite:///{tmp_path / 'newswatch.db'}")
    try:
        assert count(db, Article) == len(specs)
        with db.session_scope() as session:
            assert all(len(t) > 500 for t in session.scalars(select(Article.text)))
        assert "entries: 5" in first
        second = poll_once(config)
        assert count(db, Article) == len(specs)
        assert count(db, Entry) == len(specs)
    finally:
        db.dispose()
    assert "entries: 0" in second
    feed_requests = server.hits("/feed.xml")
    assert len(feed_requests) == 2
    assert feed_requests[1].headers.get("if-none-match") == '"v1"'
