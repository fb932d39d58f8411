"""The migrations build the schema the models describe, on SQLite and PostgreSQL, and carry
a database made by an earlier release forward with its rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from worker.store import repo
from worker.store.db import Database
from worker.store.migrate import alembic_config, current, upgrade
from worker.store.models import Base, UTCDateTime

# The tables of the first schema (0001) as the test writes them, typed as that release did.
_FEEDS_0001 = sa.table(
    "feeds", sa.column("id"), sa.column("config_url"), sa.column("url"), sa.column("name"),
    sa.column("interval_s"), sa.column("next_check_at", UTCDateTime()),
    sa.column("consecutive_failures"), sa.column("created_at", UTCDateTime()),
)  # fmt: skip
_ENTRIES_0001 = sa.table(
    "entries", sa.column("id"), sa.column("feed_id"), sa.column("key"), sa.column("link"),
    sa.column("title"), sa.column("summary"), sa.column("state"), sa.column("version"),
    sa.column("attempts"), sa.column("lease_until", UTCDateTime()),
    sa.column("first_seen_at", UTCDateTime()),
)  # fmt: skip


def test_migrations_create_every_model_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    upgrade(url)
    db = Database.from_url(url)
    try:
        assert "feeds" in inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def test_the_migrations_build_exactly_what_the_models_describe(db: Database) -> None:
    # Autogenerate's comparison of the migrated database with the models: a column added to
    # a model without its migration (or the reverse) shows here.
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind, never migrated."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def test_a_populated_first_schema_upgrades_keeping_its_rows(empty_url: str) -> None:
    # A database of the first release, with an entry a worker of that release holds,
    # upgraded in place (0002 adds entries.lease_owner): the rows stay, the lease stays
    # held, and no task owns it, so none takes it back early. Then down again.
    upgrade(empty_url, "0001")
    held_until = datetime(2026, 12, 7, 15, tzinfo=UTC)
    old = Database.from_url(empty_url)
    try:
        with old.engine.begin() as conn:
            conn.execute(_FEEDS_0001.insert().values(
                id=1, config_url="http://127.0.0.1/f", url="http://127.0.0.1/f", name="f",
                interval_s=900.0, next_check_at=held_until, consecutive_failures=0,
                created_at=held_until))  # fmt: skip
            conn.execute(_ENTRIES_0001.insert().values(
                id=7, feed_id=1, key="k", link="http://127.0.0.1/a", title="t", summary="s",
                state="pending", version=1, attempts=2, lease_until=held_until,
                first_seen_at=held_until))  # fmt: skip
    finally:
        old.dispose()
    upgrade(empty_url)
    assert current(empty_url) == "0002"
    db = Database.from_url(empty_url)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, attempts, lease_owner FROM entries")).all()
        assert [tuple(row) for row in rows] == [(7, 2, None)]
        with db.session_scope() as session:
            assert repo.lease_entries(session, [7], held_until, 60, owner="task") == {}
    finally:
        db.dispose()
    command.downgrade(alembic_config(empty_url), "0001")
    assert current(empty_url) == "0001"
    engine = sa.create_engine(empty_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("entries")}
    finally:
        engine.dispose()
    assert "lease_owner" not in columns and "lease_until" in columns
