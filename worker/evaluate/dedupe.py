"""`newswatch eval dedupe`: precision and recall of duplicate decisions on labelled pairs.

The set is tests/eval/dedupe/pairs.jsonl.gz (built by build_pairs.py there): the first
text of each pair is indexed alone, then the second is decided against it with the real
`decide()`. Besides the decision itself, two single-signal baselines are scored, so that
the report shows what each signal is worth: whole-text shingle MinHash alone, and sentence
sketches alone. Each kind of pair gets its own line, and every mistake is listed.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from worker.config import Settings
from worker.dedupe.decide import DUPLICATE_OVERLAP, DedupeDecision, decide
from worker.dedupe.fingerprint import (
    Fingerprint,
    fingerprint,
    minhash_jaccard,
    minhash_of,
    sentence_overlap,
)
from worker.dedupe.index import DedupeIndex, MemoryIndex, SqlIndex
from worker.evaluate.report import EvalReport, Score

# The baseline calls a pair a copy from an estimated 5-gram Jaccard of 0.5: only near-exact
# text shares half its 5-grams (distinct texts, even on one event, stay under 0.05).
MINHASH_BASELINE = 0.5
PAIRS = Path(__file__).resolve().parents[2] / "tests" / "eval" / "dedupe" / "pairs.jsonl.gz"
_FIRST_ID, _STORY_ID = 1, 1


@dataclass(frozen=True, slots=True)
class Pair:
    """A labelled pair: is `second` a duplicate of `first`?"""

    id: str
    kind: str
    duplicate: bool
    first: str
    second: str


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    """The labelled pairs of a JSON-lines file (gzip when its name ends in .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [
        Pair(r["id"], r["kind"], r["label"] == "duplicate", r["first"], r["second"]) for r in rows
    ]


def run(settings: Settings, *, pairs_path: Path = PAIRS) -> EvalReport:
    """Score duplicate decisions on every pair; SQL index when settings ask for it."""
    pairs = load_pairs(pairs_path)
    use_sql = settings.dedupe.backend == "sql"
    with _index_factory(use_sql) as open_index:
        outcomes = [_judge(pair, open_index) for pair in pairs]
    scores = [_score("duplicate", pairs, [o.predicted for o in outcomes])]
    scores.append(_score("baseline: minhash only", pairs, [o.minhash for o in outcomes]))
    scores.append(_score("baseline: sentences only", pairs, [o.sentences for o in outcomes]))
    for kind in sorted({p.kind for p in pairs}):
        chosen = [(p, o.predicted) for p, o in zip(pairs, outcomes, strict=True) if p.kind == kind]
        scores.append(_score(f"  {kind}", [p for p, _ in chosen], [x for _, x in chosen]))
    errors = [
        _describe(p, o.decision)
        for p, o in zip(pairs, outcomes, strict=True)
        if o.predicted != p.duplicate
    ]
    title = f"dedupe ({'sql' if use_sql else 'memory'} index)"
    return EvalReport(title, len(pairs), tuple(scores), tuple(errors))


@dataclass(frozen=True, slots=True)
class _Outcome:
    decision: DedupeDecision
    minhash: bool
    sentences: bool

    @property
    def predicted(self) -> bool:
        return self.decision.is_copy


IndexOpener = Callable[[], AbstractContextManager[DedupeIndex]]


def _judge(pair: Pair, open_index: IndexOpener) -> _Outcome:
    first, second = fingerprint(pair.first), fingerprint(pair.second)
    with open_index() as index:
        index.add(_FIRST_ID, _STORY_ID, first)
        decision = decide(second, index)
    minhash = _minhash_only(pair, exact=first.text_hash == second.text_hash)
    return _Outcome(decision, minhash, _sentences_only(first, second))


def _minhash_only(pair: Pair, *, exact: bool) -> bool:
    jaccard = minhash_jaccard(minhash_of(pair.first), minhash_of(pair.second))
    return exact or jaccard >= MINHASH_BASELINE


def _sentences_only(first: Fingerprint, second: Fingerprint) -> bool:
    exact = first.text_hash == second.text_hash
    return exact or sentence_overlap(first, second) >= DUPLICATE_OVERLAP


@contextmanager
def _index_factory(use_sql: bool) -> Iterator[IndexOpener]:
    """A function opening one fresh, empty index per pair."""
    if not use_sql:
        yield _memory_scope
        return
    from worker.store.db import Database
    from worker.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'eval.db'}"
        upgrade(url)
        database = Database.from_url(url)

        @contextmanager
        def sql_scope() -> Iterator[DedupeIndex]:
            # Each pair in a transaction rolled back: the index is empty again for the next.
            with database.engine.connect() as conn, conn.begin() as trans:
                yield SqlIndex(Session(bind=conn))
                trans.rollback()

        try:
            yield sql_scope
        finally:
            database.dispose()


@contextmanager
def _memory_scope() -> Iterator[DedupeIndex]:
    yield MemoryIndex()


def _score(name: str, pairs: list[Pair], predicted: list[bool]) -> Score:
    score = Score(name)
    for pair, guess in zip(pairs, predicted, strict=True):
        score = score.add(guess, pair.duplicate)
    return score


def _describe(pair: Pair, decision: DedupeDecision) -> str:
    label = "duplicate" if pair.duplicate else "distinct"
    return (
        f"{pair.id} ({pair.kind}): labelled {label}, decided {decision.kind}"
        f" by {decision.method} at {decision.similarity:.2f}"
    )
