"""The dedupe index's keys in Redis, shared by every worker on every host (see index.py).

What Redis holds is what every lookup reads many of, and what must be shared and locked
across hosts: the sentence keys' postings (up to 64 per lookup) and the lock keys. The
signatures candidates are verified against (about 480 bytes an article, at most nine read
per lookup, by id) stay in the `dedupe_signatures` table beside the articles, written in
the caller's transaction (`SignatureTable`): at a million articles they were 590 MB of
Redis's 1,031 MB, and in the database they are on disk and committed with their article.
So a `RedisIndex` is built per transaction, like `SqlIndex`, from a shared client.

Memory is what a Redis index costs, and a Redis key costs about 80 bytes before its value,
so the tens of millions of sentence keys are not Redis keys: they are packed into bucket
hashes that Redis stores compactly (listpack) while they stay under 128 small fields.

Layout under `prefix`:

- `k:<key >> 12>`: hash; field = the low 12 bits of a sentence key (2 bytes), value = the
  ids of the articles holding that key, 5 bytes each, newest first, POSTING_LIMIT at most;
- `l:<key>`: lock keys (SET NX PX, see `lock`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from worker.dedupe.fingerprint import Fingerprint
from worker.dedupe.index import (
    LOCK_WAIT_S,
    MAX_QUERY_KEYS,
    POSTING_LIMIT,
    Candidate,
    IndexLock,
    SignatureTable,
    lock_keys,
    rank,
)
from worker.errors import TransientError

# A Redis lock outlives a worker that died holding it by 60 s at most: longer than any
# one article's transaction, short enough that a crash does not stall the story.
REDIS_LOCK_TTL_MS = 60_000
# 2^19 buckets for 2^31 keys: at a million articles (30M keys) about 58 fields a bucket,
# under the 128 that keep a hash in Redis's compact encoding.
BUCKET_SHIFT = 12
_FIELD_MASK = (1 << BUCKET_SHIFT) - 1
ID_BYTES = 5  # article ids up to 2^40 (10^12): no news store's sequence gets there
# Waiting for a lock: start at 5 ms (an article's transaction takes tens of ms) and double
# up to 200 ms, so waiters neither spin nor sleep long past the release.
_FIRST_WAIT_S, _MAX_WAIT_S = 0.005, 0.2

_ACQUIRE = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return 1
"""
_RELEASE = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
"""
# Prepend an id to each posting unless present, keep the newest `cap` bytes of ids.
_POST = """
local id, cap, width = ARGV[1], tonumber(ARGV[2]), string.len(ARGV[1])
for i, bucket in ipairs(KEYS) do
  local field = ARGV[i + 2]
  local old = redis.call('HGET', bucket, field)
  if not old then
    redis.call('HSET', bucket, field, id)
  else
    local present = false
    for j = 1, string.len(old), width do
      if string.sub(old, j, j + width - 1) == id then present = true; break end
    end
    if not present then
      redis.call('HSET', bucket, field, string.sub(id .. old, 1, cap))
    end
  end
end
return 1
"""


class _RedisLock:
    def __init__(self, release: Any, keys: list[str], token: str) -> None:
        self._release, self._keys, self._token = release, keys, token

    def release(self) -> None:
        """Delete the lock keys this holder still owns (compare-and-delete in Lua)."""
        self._release(keys=self._keys, args=[self._token])


class RedisIndex:
    """Keys and locks in Redis through a redis-py client, signatures in `session`'s database;
    `prefix` namespaces every Redis key. Build one per transaction, as `SqlIndex`."""

    def __init__(self, client: Any, session: Session, prefix: str = "newswatch:dedupe:") -> None:
        self.client = client
        self.prefix = prefix
        self.signatures = SignatureTable(session)
        # Registered scripts run by SHA (EVALSHA): the source crosses the wire once.
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._post = client.register_script(_POST)

    def lock(self, fp: Fingerprint) -> IndexLock:
        """Take every lock key of `fp` at once, waiting up to LOCK_WAIT_S (then, on SQLite,
        the database's write lock: always in that order, so two workers never wait on each
        other in a cycle)."""
        keys = [f"{self.prefix}l:{k}" for k in lock_keys(fp)]
        token = secrets.token_hex(8)
        deadline, wait = time.monotonic() + LOCK_WAIT_S, _FIRST_WAIT_S
        while not self._acquire(keys=keys, args=[token, REDIS_LOCK_TTL_MS]):
            if time.monotonic() > deadline:
                raise TransientError("dedupe lock held elsewhere", reason="dedupe_lock_timeout")
            time.sleep(wait)
            wait = min(wait * 2, _MAX_WAIT_S)
        held = _RedisLock(self._release, keys, token)
        try:
            self.signatures.take_sqlite_write_lock()
        except BaseException:
            held.release()
            raise
        return held

    def candidates(self, fp: Fingerprint) -> list[Candidate]:
        """Exact text-hash match, then the articles sharing the most keys."""
        postings: list[bytes] = []
        if fp.keys:
            pipe = self.client.pipeline(transaction=False)
            for key in fp.keys[:MAX_QUERY_KEYS]:
                pipe.hget(*self._posting_slot(key))
            postings = pipe.execute()
        exact = self.signatures.exact(fp.text_hash)
        # A posting may name an article whose transaction rolled back (keys are written
        # before the commit): it has no signature, and load() leaves it out.
        return self.signatures.load(rank(exact, [_ids(p) for p in postings if p]))

    def add(self, article_id: int, story_id: int | None, fp: Fingerprint) -> None:
        """Store the signature (in the transaction) and the postings (in Redis, at once)."""
        self.signatures.upsert([(article_id, story_id, fp)])
        if fp.keys:
            self._post_keys(article_id, fp, self.client)

    def add_many(self, rows: Iterable[tuple[int, int | None, Fingerprint]]) -> None:
        """Index many *new* articles in one round trip (backfills, benchmarks)."""
        listed = list(rows)
        self.signatures.upsert(listed)
        pipe = self.client.pipeline(transaction=False)
        for article_id, _, fp in listed:
            if fp.keys:
                self._post_keys(article_id, fp, pipe)
        pipe.execute()

    def size(self) -> int:
        """Articles indexed."""
        return self.signatures.count()

    def _post_keys(self, article_id: int, fp: Fingerprint, client: Any) -> None:
        slots = [self._posting_slot(k) for k in fp.keys]
        packed = article_id.to_bytes(ID_BYTES, "big")
        args = [packed, POSTING_LIMIT * ID_BYTES, *[field for _, field in slots]]
        self._post(keys=[bucket for bucket, _ in slots], args=args, client=client)

    def _posting_slot(self, key: int) -> tuple[str, bytes]:
        field = (key & _FIELD_MASK).to_bytes(2, "big")
        return f"{self.prefix}k:{key >> BUCKET_SHIFT}", field


def _ids(posting: bytes) -> list[int]:
    return [
        int.from_bytes(posting[i : i + ID_BYTES], "big") for i in range(0, len(posting), ID_BYTES)
    ]
