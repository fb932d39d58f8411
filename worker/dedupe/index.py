"""The persistent, shared dedupe index: find stored articles that may be copies of a text.

Three implementations of one `DedupeIndex` Protocol:

- `SqlIndex(session)`: tables `dedupe_sentences` (sampled sentence keys) and
  `dedupe_signatures` (compact fingerprints), inside the caller's transaction, on SQLite
  (the embedded default) and PostgreSQL. Build one per transaction.
- `RedisIndex(client, session, prefix)` (redis_index.py, also importable from here): the
  keys and locks in Redis, shared by workers on many hosts; the signatures in the same
  `dedupe_signatures` table (`SignatureTable`). Build one per transaction too.
- `MemoryIndex()`: dictionaries, for tests and evaluations.

Search is by sentence keys, never by scanning: each key's posting list is read newest
first and capped, and at most a few candidates are verified, so the cost of one lookup
does not grow with the store.

## The call protocol (pipeline)

Two workers may process two copies of one wire story at the same moment; without a lock
both would find nothing and both would store an "original". The lock covers the article's
keys and text hash, so near-copies serialise while unrelated articles do not wait::

    held = None
    try:
        with db.session_scope() as session:
            index = index_for(session)             # SqlIndex(session) or RedisIndex(...)
            held = index.lock(fp)                  # 1. lock BEFORE reading the index
            decision = decide(fp, index, previous=...)          # 2. decide
            # 3. store the article row; story: start_story() for an original,
            #    join_story() for a duplicate (decide.py)
            index.add(article_id, story_id, fp)   # 4. add (also after a revision)
        # 5. session_scope commits here
    finally:
        if held is not None:
            held.release()                         # 6. release AFTER the commit

On PostgreSQL the lock is a set of transaction-level advisory locks, released by the commit
or rollback itself (`release()` does nothing); a second worker's lock waits, and its reads,
taken after the wait, see the first worker's committed rows. On SQLite the lock takes the
database write lock at once (a deferred transaction that read first and wrote later could
decide on a stale view). On Redis, SET NX keys with a TTL are taken all at once by a Lua
script and released by `release()`; the TTL frees them if the worker dies.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from worker.dedupe.fingerprint import (
    Fingerprint,
    Sketches,
    pack_sentences,
    sketches_of,
    unpack_sentences,
)
from worker.errors import TransientError

# A key's postings are read newest first, 32 at most: a key shared by more articles is a
# common phrase, not evidence, and the cap keeps a lookup's cost flat as the store grows.
POSTING_LIMIT = 32
# Only the 8 stored articles sharing the most keys are verified: a copy shares many keys
# with its original, and each verification costs a sketch comparison.
MAX_CANDIDATES = 8
# A candidate is verified only when it scores at least a quarter of the best one: the
# original of a copy shares many more keys than articles that share a phrase or two.
RELATIVE_CUT = 0.25
# At most 64 keys of a text are looked up or locked (its smallest, a consistent sample):
# enough for any copy, and within PostgreSQL's default lock table per transaction.
MAX_QUERY_KEYS = 64
# Namespace of our PostgreSQL advisory locks (two-int form), so that no other user of
# advisory locks in the same database can collide with dedupe's.
PG_LOCK_NAMESPACE = 4_404_001
# A worker waits up to 30 s for near-copies being processed elsewhere, then retries later.
LOCK_WAIT_S = 30.0
# Map up to 2 GB of an SQLite file (the usual compile-time ceiling; an index of a million
# articles is under 1 GB). Pages are shared with the OS cache, not copied.
SQLITE_MMAP_BYTES = 2**31 - 2**16
_KEY_BITS = 0x7FFF_FFFF


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """A stored article that may be an original of the text being decided."""

    article_id: int
    story_id: int | None
    text_hash: str
    sentences: Sketches


class IndexLock(Protocol):
    """A held lock over a text's keys; `release()` after the caller's commit."""

    def release(self) -> None:
        """Give the lock back (a no-op where the commit released it)."""


class DedupeIndex(Protocol):
    """What decide() and the pipeline need of an index."""

    def lock(self, fp: Fingerprint) -> IndexLock:
        """Serialise with any worker deciding on a text that shares a key with `fp`."""

    def candidates(self, fp: Fingerprint) -> list[Candidate]:
        """Stored articles with the same text hash or sharing the most sentence keys."""

    def add(self, article_id: int, story_id: int | None, fp: Fingerprint) -> None:
        """Index an article (again after a revision: its signature is replaced)."""

    def size(self) -> int:
        """How many articles the index holds."""


def lock_keys(fp: Fingerprint) -> list[int]:
    """The sorted keys a lock covers: the text hash and the text's first sentence keys."""
    keys = {int(fp.text_hash[:8], 16) & _KEY_BITS, *fp.keys[:MAX_QUERY_KEYS]}
    return sorted(keys)  # one global order: two workers never wait on each other in a cycle


def rank(exact: Iterable[int], postings: Iterable[Sequence[int]]) -> list[int]:
    """Article ids to verify: exact text-hash matches first, then by weighted shared keys.

    A key shared with few articles is strong evidence, one shared with many (an outlet's
    boilerplate sentence, a stock phrase) is weak: each key adds 1/len(posting), like IDF.
    Candidates scoring under RELATIVE_CUT of the best are not worth verifying.
    """
    scores: dict[int, float] = {}
    for posting in postings:
        for article_id in posting:
            scores[article_id] = scores.get(article_id, 0.0) + 1.0 / len(posting)
    exact_ids = list(exact)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]
    floor = ranked[0][1] * RELATIVE_CUT if ranked else 0.0
    return exact_ids + [a for a, score in ranked if score >= floor and a not in exact_ids]


class _NoLock:
    """The lock of a transaction: the commit or rollback releases it."""

    def release(self) -> None:
        """Nothing to do: the database released it with the transaction."""


# --- SQL ----------------------------------------------------------------------------------


class SignatureTable:
    """Signatures in `dedupe_signatures`, inside the caller's transaction.

    What candidates are verified against, and the exact text-hash lookup, for both indexes
    that live beside the articles' database: `SqlIndex` (keys in SQL too) and `RedisIndex`
    (keys in Redis). A signature is about 480 bytes an article, most of an index's bytes:
    kept in the database, they are on disk and committed with their article.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        dialect = session.get_bind().dialect.name
        self.flavour = "postgresql" if dialect == "postgresql" else "sqlite"

    def exact(self, text_hash: str) -> list[int]:
        """The first stored article with this text hash, if any."""
        return list(self.session.execute(_EXACT, {"h": text_hash}).scalars().all())

    def load(self, ids: list[int]) -> list[Candidate]:
        """The candidates of `ids`, in that order; ids without a signature are left out."""
        if not ids:
            return []
        params = {f"a{i}": a for i, a in enumerate(ids)}
        rows = self.session.execute(_load_sql(len(ids)), params).all()
        found = {r[0]: r for r in rows}
        return [_candidate(*found[a]) for a in ids if a in found]

    def upsert(self, rows: Iterable[tuple[int, int | None, Fingerprint]]) -> None:
        """Store or replace the signatures of (article id, story id, fingerprint) rows."""
        params = [_signature_row(a, s, fp) for a, s, fp in rows]
        if params:
            self.session.execute(_SIGNATURE_UPSERT[self.flavour], params)

    def take_sqlite_write_lock(self) -> None:
        """On SQLite, take the database's one write lock now, to the end of the transaction.

        A deferred transaction that read first and wrote later could decide on a stale view,
        and could not write at all once another writer committed in between. A write that
        changes nothing takes the lock; later writers wait (busy_timeout).
        """
        if self.flavour == "sqlite":
            self.session.execute(text("DELETE FROM dedupe_signatures WHERE article_id = -1"))

    def count(self) -> int:
        """Articles with a signature."""
        count = self.session.execute(text("SELECT count(*) FROM dedupe_signatures")).scalar()
        return int(count or 0)


class SqlIndex:
    """The index in the application database, inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.signatures = SignatureTable(session)
        if self.signatures.flavour == "sqlite":
            _map_sqlite_file(session)

    def lock(self, fp: Fingerprint) -> IndexLock:
        """PostgreSQL: advisory xact locks over sorted keys; SQLite: the write lock."""
        if self.signatures.flavour == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:ns, k) FROM unnest(CAST(:keys AS int[])) k"),
                {"ns": PG_LOCK_NAMESPACE, "keys": lock_keys(fp)},
            ).all()
        else:
            self.signatures.take_sqlite_write_lock()
        return _NoLock()

    def candidates(self, fp: Fingerprint) -> list[Candidate]:
        """Exact text-hash matches, then the articles sharing the most sentence keys."""
        exact = self.signatures.exact(fp.text_hash)
        keys = fp.keys[:MAX_QUERY_KEYS]
        postings: dict[int, list[int]] = {}
        if keys:
            params = {f"k{i}": k for i, k in enumerate(keys)}
            for key, article_id in self.session.execute(_postings_sql(len(keys)), params):
                postings.setdefault(key, []).append(article_id)
        return self.signatures.load(rank(exact, postings.values()))

    def add(self, article_id: int, story_id: int | None, fp: Fingerprint) -> None:
        """Upsert the signature and insert the keys (stale keys of a revision stay: they
        only bring the same article up as a candidate, verified on its new signature)."""
        self.signatures.upsert([(article_id, story_id, fp)])
        if fp.keys:
            params: dict[str, int] = {f"h{i}": k for i, k in enumerate(fp.keys)}
            params["a"] = article_id
            self.session.execute(_keys_insert(self.signatures.flavour, len(fp.keys)), params)

    def size(self) -> int:
        """Articles indexed."""
        return self.signatures.count()


# Statements are built once and cached: text() parses its SQL for parameters on every
# call, which for a 64-branch union costs more than running it.
def _map_sqlite_file(session: Session) -> None:
    """Memory-map the database file, once per pooled connection.

    A lookup reads a few random B-tree pages per key; past SQLite's 2 MB page cache each
    read is a system call, and at a million articles they made up half of a lookup's cost.
    Mapped pages are read like memory, from the OS cache that holds them anyway.
    """
    info = session.connection().connection.info
    if not info.get("dedupe_mmap"):
        session.execute(text(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}"))
        info["dedupe_mmap"] = True


@lru_cache(maxsize=MAX_QUERY_KEYS)
def _postings_sql(n: int) -> TextClause:
    """One statement reading the newest POSTING_LIMIT postings of each of n keys."""
    part = (
        "SELECT sentence_hash, article_id FROM (SELECT sentence_hash, article_id"
        " FROM dedupe_sentences WHERE sentence_hash = :k{i}"
        " ORDER BY article_id DESC LIMIT {limit}) AS p{i}"
    )
    return text(" UNION ALL ".join(part.format(i=i, limit=POSTING_LIMIT) for i in range(n)))


_SIGNATURE_COLUMNS = "(article_id, story_id, text_hash, sentences, sentence_count)"
_SIGNATURE_VALUES = "VALUES (:a, :s, :h, :ss, :n)"
_SIGNATURE_UPSERT = {
    "sqlite": text(
        f"INSERT OR REPLACE INTO dedupe_signatures {_SIGNATURE_COLUMNS} {_SIGNATURE_VALUES}"
    ),
    "postgresql": text(
        f"INSERT INTO dedupe_signatures {_SIGNATURE_COLUMNS} {_SIGNATURE_VALUES}"
        " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,"
        " text_hash = excluded.text_hash,"
        " sentences = excluded.sentences, sentence_count = excluded.sentence_count"
    ),
}
_EXACT = text(
    "SELECT article_id FROM dedupe_signatures WHERE text_hash = :h ORDER BY article_id LIMIT 1"
)


@lru_cache(maxsize=256)
def _keys_insert(flavour: str, n: int) -> TextClause:
    """One multi-row INSERT of n keys (one statement: many times cheaper than n)."""
    # Only generated placeholder names are formatted in, never values: no injection.
    values = ", ".join(f"(:h{i}, :a)" for i in range(n))
    verb = "INSERT OR IGNORE" if flavour == "sqlite" else "INSERT"
    tail = "" if flavour == "sqlite" else " ON CONFLICT DO NOTHING"
    sql = f"{verb} INTO dedupe_sentences (sentence_hash, article_id) VALUES {values}{tail}"
    return text(sql)


@lru_cache(maxsize=MAX_CANDIDATES + 1)
def _load_sql(n: int) -> TextClause:
    """Signatures of n articles by id (placeholder names only are formatted in)."""
    names = ", ".join(f":a{i}" for i in range(n))
    columns = "article_id, story_id, text_hash, sentences"
    return text(f"SELECT {columns} FROM dedupe_signatures WHERE article_id IN ({names})")  # noqa: S608


def _signature_row(article_id: int, story_id: int | None, fp: Fingerprint) -> dict[str, Any]:
    return {
        "a": article_id,
        "s": story_id,
        "h": fp.text_hash,
        "ss": pack_sentences(sketches_of(fp)),
        "n": len(fp.sentences),
    }


def _candidate(
    article_id: int, story_id: int | None, text_hash: str, sentences: bytes
) -> Candidate:
    return Candidate(article_id, story_id, text_hash, unpack_sentences(bytes(sentences)))


# --- memory -------------------------------------------------------------------------------


class _ThreadLock:
    """The MemoryIndex's lock, released by the caller."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def release(self) -> None:
        self._lock.release()


class MemoryIndex:
    """An index in dictionaries: one process, for tests and evaluations."""

    def __init__(self) -> None:
        self._postings: dict[int, list[int]] = {}
        self._signatures: dict[int, Candidate] = {}
        self._by_hash: dict[str, int] = {}
        self._lock = threading.Lock()  # one lock for all: tests need correctness, not speed

    def lock(self, fp: Fingerprint) -> IndexLock:
        """Hold the one process-wide lock until release()."""
        if not self._lock.acquire(timeout=LOCK_WAIT_S):
            raise TransientError("dedupe index busy", reason="dedupe_lock_timeout")
        return _ThreadLock(self._lock)

    def candidates(self, fp: Fingerprint) -> list[Candidate]:
        """As SqlIndex.candidates, from memory."""
        exact = [self._by_hash[fp.text_hash]] if fp.text_hash in self._by_hash else []
        postings = [
            sorted(self._postings[k], reverse=True)[:POSTING_LIMIT]
            for k in fp.keys[:MAX_QUERY_KEYS]
            if k in self._postings
        ]
        return [self._signatures[a] for a in rank(exact, postings)]

    def add(self, article_id: int, story_id: int | None, fp: Fingerprint) -> None:
        """Index an article, replacing an earlier signature of the same id."""
        self._signatures[article_id] = Candidate(
            article_id, story_id, fp.text_hash, sketches_of(fp)
        )
        self._by_hash.setdefault(fp.text_hash, article_id)
        for key in fp.keys:
            postings = self._postings.setdefault(key, [])
            if article_id not in postings:
                postings.append(article_id)

    def size(self) -> int:
        """Articles indexed."""
        return len(self._signatures)


def __getattr__(name: str) -> Any:
    """`RedisIndex` lives in redis_index.py (it imports this module); import it lazily."""
    if name == "RedisIndex":
        from worker.dedupe.redis_index import RedisIndex

        return RedisIndex
    raise AttributeError(name)
