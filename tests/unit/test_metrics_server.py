"""The database gauges of /metrics: the dedupe index size counts where the index lives."""

from __future__ import annotations

from prometheus_client import generate_latest

from worker.config import Settings
from worker.dedupe.fingerprint import fingerprint
from worker.metrics_server import build_registry
from worker.services import build_services
from worker.store.db import Database

TEXT = (
    "The council rejected the motion by 19 votes to 17. China welcomed the vote. "
    "Rights groups said the council had failed the victims of abuses in Xinjiang."
)


def index_gauge(db: Database, svc_size: object = None) -> float:
    registry = build_registry(db, svc_size)  # type: ignore[arg-type]
    for line in generate_latest(registry).decode().splitlines():
        if line.startswith("newswatch_dedupe_index_articles "):
            return float(line.split()[1])
    raise AssertionError("newswatch_dedupe_index_articles is not exported")


def test_sql_index_is_counted_in_the_database(sqlite_db: Database) -> None:
    svc = build_services(Settings(dedupe={"backend": "sql"}), db=sqlite_db)  # type: ignore[arg-type]
    try:
        with sqlite_db.session_scope() as session:
            svc.index_for(session).add(1, None, fingerprint(TEXT))
        assert index_gauge(sqlite_db, svc.dedupe_index_size) == 1
        assert index_gauge(sqlite_db) == 1  # the default counts the same table
    finally:
        svc.close()


def test_redis_index_is_counted_by_its_signatures(sqlite_db: Database, redis_url: str) -> None:
    """The Redis index keeps its keys in Redis and its signatures beside the articles."""
    settings = Settings(dedupe={"backend": "redis", "redis_url": redis_url})  # type: ignore[arg-type]
    svc = build_services(settings, db=sqlite_db)
    try:
        with sqlite_db.session_scope() as session:
            index = svc.index_for(session)
            index.add(1, None, fingerprint(TEXT))
            index.add(2, None, fingerprint(TEXT + " And one more sentence about it."))
        assert index_gauge(sqlite_db, svc.dedupe_index_size) == 2
        assert index_gauge(sqlite_db) == 2  # the default counts the same table
    finally:
        svc.close()
