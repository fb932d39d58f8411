"""Shared fixtures: real databases (SQLite file, PostgreSQL when present), a frozen clock.

Services: the tests that need Redis or PostgreSQL use the real servers on 127.0.0.1. Under
CI=true a missing service fails the test (never a skip); elsewhere it skips with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support.loopback import LoopbackServer, service_up
from worker.store.db import Database
from worker.store.migrate import upgrade

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get("NEWSWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("NEWSWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent


def require_service(name: str, host: str, port: int) -> None:
    """Fail under CI, skip elsewhere, when a real service the test needs is not running."""
    if service_up(host, port):
        return
    message = f"{name} is not running on {host}:{port}"
    if IN_CI:
        pytest.fail(f"{message} (CI must run every service test)")
    pytest.skip(message)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite file with the schema applied by the real migrations."""
    url = f"sqlite:///{tmp_path / 'newswatch.db'}"
    upgrade(url)
    database = Database.from_url(url)
    yield database
    database.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema on the local server, dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(PG_ADMIN_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A PostgreSQL database with the schema applied by the real migrations."""
    upgrade(pg_url)
    database = Database.from_url(pg_url)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Database:
    """Each test using it runs on both SQLite and PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    database: Database = request.getfixturevalue(name)
    return database


@pytest.fixture
def redis_url() -> str:
    """The real local Redis, on a database number the tests own and flush."""
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/9"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A loopback HTTP server for feeds, pages and webhooks."""
    srv = LoopbackServer()
    yield srv
    srv.close()
