"""Decisions on the seeds, revisions, stories, and the race between two workers."""

from __future__ import annotations

import functools
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from worker.config import Settings
from worker.dedupe.decide import (
    DedupeDecision,
    PreviousVersion,
    added_sentences,
    decide,
    join_story,
    start_story,
)
from worker.dedupe.fingerprint import fingerprint
from worker.dedupe.index import DedupeIndex, IndexLock, MemoryIndex, SqlIndex
from worker.dedupe.redis_index import RedisIndex
from worker.evaluate.dedupe import run
from worker.store.db import Database
from worker.store.models import Story

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
NOW = datetime(2022, 9, 1, 12, tzinfo=UTC)


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text()


def other_story(n: int) -> str:
    rng = random.Random(n)
    words = ["council", "budget", "river", "school", "harbour", "festival", "railway", "museum"]
    return " ".join(
        f"The {rng.choice(words)} plan of district {n} was debated by {rng.randint(3, 90)}"
        f" members on day {i} of session {n * 7 + i}."
        for i in range(15)
    )


def stored(*texts: str) -> MemoryIndex:
    index = MemoryIndex()
    for article_id, text in enumerate(texts, start=1):
        index.add(article_id, 100 + article_id, fingerprint(text))
    return index


def test_reworded_copy_joins_the_wire_story() -> None:
    decision = decide(fingerprint(seed("002")), stored(seed("000")))
    assert decision.kind == "duplicate"
    assert (decision.original_article_id, decision.story_id) == (1, 101)
    assert decision.method == "sentences"
    assert decision.similarity > 0.35


def test_wire_story_is_found_among_many_stored_articles() -> None:
    index = stored(*(other_story(n) for n in range(40)), seed("000"), seed("001"), seed("003"))
    decision = decide(fingerprint(seed("002")), index)
    assert (decision.kind, decision.original_article_id) == ("duplicate", 41)


@pytest.mark.parametrize("other", ["001", "003", "004"])
def test_distinct_coverage_of_the_event_is_original(other: str) -> None:
    assert decide(fingerprint(seed(other)), stored(seed("000"))).kind == "original"
    assert decide(fingerprint(seed("000")), stored(seed(other))).kind == "original"


def test_page_repeating_an_article_is_a_copy_of_it() -> None:
    once = "\n".join(seed("002").split("\n")[:2])
    decision = decide(fingerprint(seed("002")), stored(once))
    assert decision.kind == "duplicate"
    assert decision.similarity > 0.9


def test_same_text_under_another_url_is_an_exact_copy() -> None:
    decision = decide(fingerprint(seed("003") + "\n" + seed("003")), stored(seed("003")))
    assert (decision.kind, decision.method, decision.similarity) == ("duplicate", "text_hash", 1.0)


def test_truncated_copy_with_other_boilerplate() -> None:
    lines = [line for line in seed("000").split("\n") if line.strip()]
    excerpt = "Sign up to our newsletter\n" + "\n".join(lines[8:24]) + "\nRead the full story"
    assert decide(fingerprint(excerpt), stored(seed("000"))).kind == "duplicate"
    # and the other way round: the excerpt came first, the full story later
    assert decide(fingerprint(seed("000")), stored(excerpt)).kind == "duplicate"


def test_empty_index_gives_an_original() -> None:
    assert decide(fingerprint(seed("000")), MemoryIndex()) == DedupeDecision("original")


def test_same_url_same_text_is_unchanged() -> None:
    previous = PreviousVersion(article_id=7, story_id=70, text=seed("000"))
    decision = decide(fingerprint(seed("000") + "\n"), MemoryIndex(), previous=previous)
    assert (decision.kind, decision.original_article_id, decision.story_id) == (
        "unchanged",
        7,
        70,
    )


def test_same_url_new_text_is_a_revision() -> None:
    new = seed("000") + "\nChina's foreign ministry said on Friday it would file a formal protest."
    previous = PreviousVersion(article_id=7, story_id=70, text=seed("000"))
    decision = decide(fingerprint(new), MemoryIndex(), previous=previous)
    assert (decision.kind, decision.method, decision.original_article_id) == (
        "revision",
        "canonical_url",
        7,
    )
    assert decision.similarity > 0.9


def test_added_sentences_are_only_the_new_ones() -> None:
    old = "The report was published. Beijing rejected it."
    new = (
        "The report was published. Beijing rejected it. Japan voiced concern. Japan voiced concern."
    )
    assert added_sentences(old, new) == "Japan voiced concern."


def test_added_sentences_include_edited_ones() -> None:
    old = "The toll rose to 12. Rescuers are searching."
    new = "The toll rose to 15. Rescuers are searching."
    assert added_sentences(old, new) == "The toll rose to 15."


def test_story_keeps_outlets_size_and_first_seen(db: Database) -> None:
    with db.session_scope() as session:
        story_id = start_story(session, 1, "thejournal.ie", NOW)
    with db.session_scope() as session:
        join_story(session, story_id, "example-farm.com", NOW + timedelta(hours=2))
        join_story(session, story_id, "thejournal.ie", NOW - timedelta(hours=1))
    with db.session_scope() as session:
        story = session.get(Story, story_id)
        assert story is not None
        assert (story.size, story.outlets) == (3, ["thejournal.ie", "example-farm.com"])
        assert story.first_seen_at == NOW - timedelta(hours=1)
        assert story.original_article_id == 1


# --- the pipeline protocol, and two workers racing -------------------------------------


def process(database: Database, index_for: object, article_id: int, text: str) -> DedupeDecision:
    """What the pipeline does for one article: lock, decide, story, add, commit, release."""
    fp = fingerprint(text)
    held: IndexLock | None = None
    try:
        with database.session_scope() as session:
            index: DedupeIndex = index_for(session)  # type: ignore[operator]
            held = index.lock(fp)
            decision = decide(fp, index)
            if decision.kind == "duplicate" and decision.story_id is not None:
                join_story(session, decision.story_id, f"outlet{article_id}", NOW)
                story_id = decision.story_id
            else:
                story_id = start_story(session, article_id, f"outlet{article_id}", NOW)
            index.add(article_id, story_id, fp)
    finally:
        if held is not None:
            held.release()
    return decision


def race(database: Database, index_for: object, texts: list[str]) -> list[str]:
    """Process the texts in threads released at the same instant; their decision kinds."""
    barrier = threading.Barrier(len(texts))
    kinds: dict[int, str] = {}

    def worker(article_id: int, text: str) -> None:
        barrier.wait()
        kinds[article_id] = process(database, index_for, article_id, text).kind

    threads = [threading.Thread(target=worker, args=(i + 1, t)) for i, t in enumerate(texts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(kinds.values())


def assert_one_story_of_two(database: Database) -> None:
    with database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1
        assert session.scalar(select(Story.size)) == 2


@pytest.mark.parametrize("texts", [("000", "002"), ("003", "003")])
def test_two_workers_racing_on_copies_postgres(pg_db: Database, texts: tuple[str, str]) -> None:
    assert race(pg_db, SqlIndex, [seed(t) for t in texts]) == ["duplicate", "original"]
    assert_one_story_of_two(pg_db)


def test_two_workers_racing_on_copies_sqlite(sqlite_db: Database) -> None:
    assert race(sqlite_db, SqlIndex, [seed("000"), seed("002")]) == ["duplicate", "original"]
    assert_one_story_of_two(sqlite_db)


def test_two_workers_racing_on_copies_redis(pg_db: Database, redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    index_for = functools.partial(RedisIndex, client, prefix="race:")
    assert race(pg_db, index_for, [seed("002"), seed("000")]) == [
        "duplicate",
        "original",
    ]
    assert_one_story_of_two(pg_db)


def test_unrelated_articles_race_to_two_originals(pg_db: Database) -> None:
    assert race(pg_db, SqlIndex, [seed("001"), seed("003")]) == ["original", "original"]


# --- the labelled set --------------------------------------------------------------------


def test_eval_set_meets_the_targets() -> None:
    report = run(Settings())
    score = next(s for s in report.scores if s.name == "duplicate")
    assert report.items >= 150
    assert score.precision >= 0.99, report.format()
    assert score.recall >= 0.95, report.format()
    assert not [e for e in report.errors if e.startswith("seed-")], report.format()


def test_eval_on_the_sql_index_agrees_with_memory() -> None:
    settings = Settings.model_validate({"dedupe": {"backend": "sql"}})
    score = next(s for s in run(settings).scores if s.name == "duplicate")
    assert score.precision >= 0.99
    assert score.recall >= 0.95
