"""`session_scope`: the one place that commits, and effects that wait for the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from worker.store.db import Database, after_commit


def test_an_effect_runs_once_after_the_commit(db: Database) -> None:
    ran: list[str] = []
    with db.session_scope() as session:
        session.execute(text("SELECT 1"))
        after_commit(session, lambda: ran.append("counted"))
        assert ran == []  # not before the commit
    assert ran == ["counted"]


def _failing_detection(db: Database, ran: list[str]) -> None:
    with db.session_scope() as session:
        after_commit(session, lambda: ran.append("counted"))
        raise RuntimeError("the detection failed")


def test_an_effect_of_a_rolled_back_transaction_never_runs(db: Database) -> None:
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        _failing_detection(db, ran)
    with db.session_scope():
        pass  # a later transaction does not inherit it
    assert ran == []
