"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from worker.store.db import Database
from worker.store.migrate import upgrade
from worker.store.models import Base


def test_migrations_create_every_model_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_is_a_no_op(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    upgrade(url)
    assert "feeds" in inspect(Database.from_url(url).engine).get_table_names()
