"""The engine, the session factory, and `session_scope()`: the only place that commits.

Nothing connects at import time. `Database` is built once per process from Settings (see
services.py) and handed to whatever needs a session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# SQLite writers wait this long for the lock before failing: a worker and the scheduler
# share one file on the embedded default, and a busy write takes milliseconds, not seconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """An engine for `database_url`; SQLite gets WAL, foreign keys and a busy timeout."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_pre_ping", True)  # survive a PostgreSQL restart between tasks
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable across app crashes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


_AFTER_COMMIT = "newswatch.after_commit"


def after_commit(session: Session, effect: Callable[[], None]) -> None:
    """Run `effect` (a metric to count) only once `session` commits: a rolled-back
    detection must not count the alerts it would have routed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(effect)


class Database:
    """An engine and its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, database_url: str, **kwargs: Any) -> Database:
        """Build from a URL such as `sqlite:///data/newswatch.db` or `postgresql://...`."""
        return cls(make_engine(database_url, **kwargs))

    @property
    def is_sqlite(self) -> bool:
        """True on the embedded default."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any exception, always close.

        What was handed to `after_commit` runs once the commit succeeded, never otherwise.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        else:
            for effect in session.info.pop(_AFTER_COMMIT, ()):
                effect()
        finally:
            session.close()

    def dispose(self) -> None:
        """Close pooled connections (after fork, and at shutdown)."""
        self.engine.dispose()
