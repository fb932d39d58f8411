"""The index on every backend: SQL (SQLite and PostgreSQL), Redis, memory."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from worker.dedupe.fingerprint import fingerprint
from worker.dedupe.index import (
    MAX_CANDIDATES,
    DedupeIndex,
    MemoryIndex,
    SqlIndex,
    lock_keys,
)
from worker.dedupe.redis_index import RedisIndex
from worker.store.db import Database

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
Opener = Callable[[], Any]


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text()


def story(n: int) -> str:
    """A distinct article of made-up words: no sentence key in common with another."""
    rng = random.Random(n)

    def word() -> str:
        return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4))

    return " ".join(" ".join(word() for _ in range(9)).capitalize() + "." for _ in range(12))


@contextmanager
def sql_index(database: Database) -> Iterator[DedupeIndex]:
    with database.session_scope() as session:
        yield SqlIndex(session)


@contextmanager
def redis_index(client: Any, database: Database, prefix: str) -> Iterator[RedisIndex]:
    with database.session_scope() as session:
        yield RedisIndex(client, session, prefix=prefix)


@pytest.fixture(params=["sqlite", "postgres", "redis", "memory"])
def open_index(request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """A function opening the index in one transaction (SQL, Redis) or as is (memory)."""
    if request.param in {"sqlite", "postgres"}:
        name = "sqlite_db" if request.param == "sqlite" else "pg_db"
        database: Database = request.getfixturevalue(name)
        yield lambda: sql_index(database)
        return
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        database = request.getfixturevalue("sqlite_db")
        yield lambda: redis_index(client, database, "test:dedupe:")
        return
    index: DedupeIndex = MemoryIndex()

    @contextmanager
    def same() -> Iterator[DedupeIndex]:
        yield index

    yield same


def test_exact_text_is_found_by_hash(open_index: Opener) -> None:
    fp = fingerprint(seed("000"))
    with open_index() as index:
        index.add(1, 10, fp)
    with open_index() as index:
        found = index.candidates(fp)
    assert found[0].article_id == 1
    assert found[0].story_id == 10
    assert found[0].text_hash == fp.text_hash
    assert [tuple(int(v) for v in r if v != 0xFFFF) for r in found[0].sentences.matrix] == [
        tuple(s) for s in fp.sentences
    ]


def test_reworded_copy_is_found_by_sentence_keys(open_index: Opener) -> None:
    with open_index() as index:
        index.add(1, 1, fingerprint(seed("000")))
        index.add(2, 2, fingerprint(seed("004")))
    with open_index() as index:
        found = index.candidates(fingerprint(seed("002")))
    assert [c.article_id for c in found][:1] == [1]


def test_unrelated_text_finds_nothing(open_index: Opener) -> None:
    with open_index() as index:
        index.add(1, 1, fingerprint(story(1)))
    with open_index() as index:
        assert index.candidates(fingerprint(story(2))) == []


def test_size_counts_articles_once(open_index: Opener) -> None:
    with open_index() as index:
        index.add(1, 1, fingerprint(story(1)))
        index.add(2, 2, fingerprint(story(2)))
        index.add(2, 2, fingerprint(story(2) + " A later paragraph was added to the story."))
    with open_index() as index:
        assert index.size() == 2


def test_revision_replaces_the_signature(open_index: Opener) -> None:
    revised = fingerprint(story(1) + " Officials later confirmed the bridge would reopen soon.")
    with open_index() as index:
        index.add(1, 1, fingerprint(story(1)))
        index.add(1, 1, revised)
    with open_index() as index:
        assert index.candidates(revised)[0].text_hash == revised.text_hash


def test_candidates_are_capped_however_many_share_keys(open_index: Opener) -> None:
    fp = fingerprint(story(1))
    with open_index() as index:
        for article_id in range(1, 3 * MAX_CANDIDATES):
            index.add(article_id, article_id, fp)
    with open_index() as index:
        assert len(index.candidates(fp)) <= MAX_CANDIDATES + 1  # + the exact match


def test_lock_keys_are_sorted_and_shared_by_copies() -> None:
    a, b = fingerprint(seed("000")), fingerprint(seed("002"))
    assert lock_keys(a) == sorted(lock_keys(a))
    assert set(lock_keys(a)) & set(lock_keys(b))  # near-copies wait for each other


def test_sql_index_survives_a_restart(sqlite_db: Database) -> None:
    fp = fingerprint(story(3))
    with sqlite_db.session_scope() as session:
        SqlIndex(session).add(7, 7, fp)
    sqlite_db.dispose()  # a new process would open a new engine on the same file
    again = Database.from_url(str(sqlite_db.engine.url))
    with again.session_scope() as session:
        assert [c.article_id for c in SqlIndex(session).candidates(fp)] == [7]
    again.dispose()


def test_redis_index_is_shared_between_clients(redis_url: str, pg_db: Database) -> None:
    import redis

    # Stored under another text hash, so that only its keys in Redis can find it.
    fp = dataclasses.replace(fingerprint(story(4)), text_hash="0" * 16)
    with redis_index(redis.Redis.from_url(redis_url), pg_db, "p:") as index:
        index.add(5, 9, fp)
    probe = fingerprint(story(4))
    with redis_index(redis.Redis.from_url(redis_url), pg_db, "p:") as other_host:
        assert [(c.article_id, c.story_id) for c in other_host.candidates(probe)] == [(5, 9)]
    with redis_index(redis.Redis.from_url(redis_url), pg_db, "q:") as other_prefix:
        assert other_prefix.candidates(probe) == []


def test_redis_postings_of_a_rolled_back_article_find_nothing(
    redis_url: str, sqlite_db: Database
) -> None:
    import redis

    client, fp = redis.Redis.from_url(redis_url), fingerprint(story(5))

    def add_then_fail() -> None:
        with redis_index(client, sqlite_db, "rb:") as index:
            index.add(3, 3, fp)
            raise RuntimeError("the article's transaction fails after its keys were posted")

    with pytest.raises(RuntimeError):
        add_then_fail()
    with redis_index(client, sqlite_db, "rb:") as index:
        assert client.keys("rb:k:*")  # the keys stayed posted
        assert index.candidates(fp) == []
        assert index.size() == 0


def _second_waits(
    take_first: Callable[[], Callable[[], None]], take_second: Callable[[], Any]
) -> float:
    """Seconds the second lock waited while the first was held for 0.3 s."""
    release_first = take_first()
    waited: list[float] = []

    def second() -> None:
        started = time.monotonic()
        take_second()
        waited.append(time.monotonic() - started)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    release_first()
    thread.join(timeout=10)
    return waited[0]


def test_redis_lock_serialises_near_copies(redis_url: str, pg_db: Database) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    a, b = fingerprint(seed("000")), fingerprint(seed("002"))
    held: list[Any] = []

    def lock(fp: Any) -> Any:  # each worker in its own transaction; the lock outlives it
        with redis_index(client, pg_db, "l:") as index:
            return index.lock(fp)

    assert _second_waits(lambda: lock(a).release, lambda: held.append(lock(b))) >= 0.25
    held[0].release()
    lock(fingerprint(story(8))).release()  # unrelated text never waited


def test_redis_lock_on_sqlite_also_takes_the_write_lock(
    redis_url: str, sqlite_db: Database
) -> None:
    """Unrelated texts share no Redis lock key, but on SQLite the second still waits for the
    first's write lock: its reads come after the first's commit, never from a stale view."""
    import redis

    client = redis.Redis.from_url(redis_url)

    def first() -> Callable[[], None]:
        session = sqlite_db._sessions()  # a transaction held open until "commit"
        held = RedisIndex(client, session, prefix="w:").lock(fingerprint(story(6)))

        def commit() -> None:
            session.commit()
            session.close()
            held.release()

        return commit

    def second() -> None:
        with redis_index(client, sqlite_db, "w:") as index:
            index.lock(fingerprint(story(7))).release()

    assert _second_waits(first, second) >= 0.25


def test_sql_lock_serialises_near_copies(db: Database) -> None:
    a, b = fingerprint(seed("000")), fingerprint(seed("002"))

    def first() -> Callable[[], None]:
        session = db._sessions()  # a transaction held open until "commit"
        SqlIndex(session).lock(a)

        def commit() -> None:
            session.commit()
            session.close()

        return commit

    def second() -> None:
        with db.session_scope() as session:
            SqlIndex(session).lock(b)

    assert _second_waits(first, second) >= 0.25


def test_redis_bulk_add_matches_add(redis_url: str, pg_db: Database) -> None:
    import redis

    fps = [fingerprint(story(n)) for n in range(5)]
    with redis_index(redis.Redis.from_url(redis_url), pg_db, "bulk:") as index:
        index.add_many((n + 1, 100 + n, fp) for n, fp in enumerate(fps))
    with redis_index(redis.Redis.from_url(redis_url), pg_db, "bulk:") as index:
        assert index.size() == 5
        assert [(c.article_id, c.story_id) for c in index.candidates(fps[3])][:1] == [(4, 103)]


def test_redis_postings_keep_the_newest(redis_url: str, sqlite_db: Database) -> None:
    import redis

    from worker.dedupe.index import POSTING_LIMIT

    fp = fingerprint(story(9))
    with redis_index(redis.Redis.from_url(redis_url), sqlite_db, "cap:") as index:
        for article_id in range(1, POSTING_LIMIT + 10):
            index.add(article_id, article_id, fp)
        ids = {c.article_id for c in index.candidates(fp)} - {1}  # 1: the exact text match
    newest = POSTING_LIMIT + 9
    assert min(ids) > newest - POSTING_LIMIT  # older ids fell off the capped postings
