"""The dedupe index in Redis: shared by every worker on every host (see index.py).

Memory is what a Redis index costs, and a Redis key costs about 80 bytes before its value,
so the tens of millions of sentence keys are not Redis keys: they are packed into bucket
hashes that Redis stores compactly (listpack) while they stay under 128 small fields.

Layout under `prefix`:

- `k:<key >> 12>`: hash; field = the low 12 bits of a sentence key (2 bytes), value = the
  ids of the articles holding that key, 5 bytes each, newest first, POSTING_LIMIT at most;
- `h:<first 4 hex of the text hash>`: hash; field = the rest of the hash, value = the
  first article id with that text;
- `s:<article id>`: the packed signature (text hash, story id, sentence sketches);
- `n`: the article count; `l:<key>`: lock keys (SET NX PX, see `lock`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from worker.dedupe.fingerprint import Fingerprint, pack_sentences, sketches_of, unpack_sentences
from worker.dedupe.index import (
    LOCK_WAIT_S,
    MAX_QUERY_KEYS,
    POSTING_LIMIT,
    Candidate,
    IndexLock,
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
_HASH_BYTES, _STORY_BYTES = 8, 8  # a 64-bit text hash (fingerprint.py), a signed story id
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
    """The index in Redis through a redis-py client; `prefix` namespaces every key."""

    def __init__(self, client: Any, prefix: str = "newswatch:dedupe:") -> None:
        self.client = client
        self.prefix = prefix
        # Registered scripts run by SHA (EVALSHA): the source crosses the wire once.
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._post = client.register_script(_POST)

    def lock(self, fp: Fingerprint) -> IndexLock:
        """Take every lock key of `fp` at once, waiting up to LOCK_WAIT_S."""
        keys = [f"{self.prefix}l:{k}" for k in lock_keys(fp)]
        token = secrets.token_hex(8)
        deadline, wait = time.monotonic() + LOCK_WAIT_S, _FIRST_WAIT_S
        while not self._acquire(keys=keys, args=[token, REDIS_LOCK_TTL_MS]):
            if time.monotonic() > deadline:
                raise TransientError("dedupe lock held elsewhere", reason="dedupe_lock_timeout")
            time.sleep(wait)
            wait = min(wait * 2, _MAX_WAIT_S)
        return _RedisLock(self._release, keys, token)

    def candidates(self, fp: Fingerprint) -> list[Candidate]:
        """Exact text-hash match, then the articles sharing the most keys."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(*self._hash_slot(fp.text_hash))
        for key in fp.keys[:MAX_QUERY_KEYS]:
            pipe.hget(*self._posting_slot(key))
        first, *postings = pipe.execute()
        exact = [int(first)] if first is not None else []
        ids = rank(exact, [_ids(p) for p in postings if p])
        if not ids:
            return []
        blobs = self.client.mget([f"{self.prefix}s:{a}" for a in ids])
        return [_unpack(a, b) for a, b in zip(ids, blobs, strict=True) if b is not None]

    def add(self, article_id: int, story_id: int | None, fp: Fingerprint) -> None:
        """Store the signature, the text hash and the postings."""
        name = f"{self.prefix}s:{article_id}"
        if self.client.set(name, _pack(story_id, fp), get=True) is None:
            self.client.incr(f"{self.prefix}n")
        self.client.hsetnx(*self._hash_slot(fp.text_hash), article_id)
        if fp.keys:
            slots = [self._posting_slot(k) for k in fp.keys]
            packed = article_id.to_bytes(ID_BYTES, "big")
            args = [packed, POSTING_LIMIT * ID_BYTES, *[field for _, field in slots]]
            self._post(keys=[bucket for bucket, _ in slots], args=args)

    def add_many(self, rows: Iterable[tuple[int, int | None, Fingerprint]]) -> None:
        """Index many *new* articles in one round trip (backfills, benchmarks)."""
        pipe = self.client.pipeline(transaction=False)
        count = 0
        for article_id, story_id, fp in rows:
            pipe.set(f"{self.prefix}s:{article_id}", _pack(story_id, fp))
            pipe.hsetnx(*self._hash_slot(fp.text_hash), article_id)
            slots = [self._posting_slot(k) for k in fp.keys]
            packed = article_id.to_bytes(ID_BYTES, "big")
            args = [packed, POSTING_LIMIT * ID_BYTES, *[field for _, field in slots]]
            self._post(keys=[bucket for bucket, _ in slots], args=args, client=pipe)
            count += 1
        pipe.incrby(f"{self.prefix}n", count)
        pipe.execute()

    def size(self) -> int:
        """Articles indexed."""
        return int(self.client.get(f"{self.prefix}n") or 0)

    def _posting_slot(self, key: int) -> tuple[str, bytes]:
        field = (key & _FIELD_MASK).to_bytes(2, "big")
        return f"{self.prefix}k:{key >> BUCKET_SHIFT}", field

    def _hash_slot(self, text_hash: str) -> tuple[str, str]:
        return f"{self.prefix}h:{text_hash[:4]}", text_hash[4:]


def _ids(posting: bytes) -> list[int]:
    return [
        int.from_bytes(posting[i : i + ID_BYTES], "big") for i in range(0, len(posting), ID_BYTES)
    ]


def _pack(story_id: int | None, fp: Fingerprint) -> bytes:
    story = (story_id if story_id is not None else -1).to_bytes(_STORY_BYTES, "big", signed=True)
    return bytes.fromhex(fp.text_hash) + story + pack_sentences(sketches_of(fp))


def _unpack(article_id: int, blob: bytes) -> Candidate:
    text_hash = blob[:_HASH_BYTES].hex()
    story = int.from_bytes(blob[_HASH_BYTES : _HASH_BYTES + _STORY_BYTES], "big", signed=True)
    sentences = unpack_sentences(blob[_HASH_BYTES + _STORY_BYTES :])
    return Candidate(article_id, story if story >= 0 else None, text_hash, sentences)
