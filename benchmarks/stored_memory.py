"""The whole worker's memory with a million articles stored, its dedupe index included.

    python benchmarks/stored_memory.py --stored 1000000 [--claims-per-article 3]
    python benchmarks/stored_memory.py --stored 1000000 --backend embedded   # SQLite
    python benchmarks/stored_memory.py --smoke       # CI: 2,000 stored, about a minute

What a worker holds grows with the store in two places: the dedupe index (its keys in Redis on the
scale-out back end, its signatures in the database; on the embedded one it is SQL tables
on disk) and the known claims of
its profiles, which `newswatch run` loads into memory before its pool forks
(worker/service.py). Everything else a worker reads per article goes through indexed SQL.

How: a PostgreSQL schema and a Redis database (`redis_pg`, the back end that scales), or the
embedded back end's SQLite file (`--backend embedded`: its dedupe index is tables in that
file, so the whole is the service's processes alone), are filled in bulk before the service
starts:
- `--stored` article rows with texts of real length (resampled from the extraction
  benchmark corpus as benchmarks/dedupe_scale.py does, each made unique);
- their fingerprints in the dedupe index (dedupe_scale's synthetic fingerprints, with the key
  and sentence counts of real texts): keys in Redis and signatures in PostgreSQL, or both
  as tables in the SQLite file;
- `--claims-per-article` x stored known claims, a third for each shipped profile
  (benchmarks/claims_scale.py's synthetic claims: real claims' words recombined).
Then the real service (`newswatch run`, its default pool) starts on that store, loads the
known claims, and processes `--entries` entries of the end-to-end corpus served on loopback.
Every half second the PSS of each of its processes is read and summed (a page shared by N
processes counts 1/N in each, so the claims the pool inherits count once). The report gives
the peak of that sum, each process's peak RSS, Redis's memory, and the whole: the two added.
PostgreSQL's own processes are reported beside it, not in the whole (see measure()).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.claims_scale import fill_database, memory_of
from benchmarks.corpus import SAMPLE_CORPUS, SHARED_CORPUS, Served, build, load_pages
from benchmarks.dedupe_scale import (
    SqlTarget,
    corpus_sentences,
    random_fingerprints,
    synthetic_text,
)
from benchmarks.pipeline_run import REDIS_URL, finally_on_sigterm, run_mode
from tests.support.loopback import service_up
from worker.dedupe.fingerprint import fingerprint
from worker.store.db import Database
from worker.store.migrate import upgrade

PROFILES = ("xinjiang", "ohchr-assessment", "hrc-follow-up")
TEXTS = 400  # distinct synthetic bodies; each stored row adds its own line to one of them
CHUNK = 20_000  # rows a bulk transaction
LIMIT_MB = 2000  # issue 8: the whole worker, index included, within 2 GB at 1M stored
RESULTS = Path(__file__).resolve().parent / "results"


def fill(keys: dict[str, str], stored: int, claims: int) -> dict[str, float]:
    """Fill the back end named by `keys` (database_url, and broker_url on redis_pg);
    seconds per part."""
    url = keys["database_url"]
    upgrade(url)
    db = Database.from_url(url)
    seconds: dict[str, float] = {}
    try:
        started = time.perf_counter()
        _fill_articles(db, stored)
        seconds["articles_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        if db.is_sqlite:
            _fill_sql_index(url, stored)
        else:
            _fill_index(db, keys["broker_url"], stored)
        seconds["dedupe_index_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        for n, profile in enumerate(PROFILES):
            share = claims // len(PROFILES) + (1 if n < claims % len(PROFILES) else 0)
            fill_database(db, share, seed=11 + n, profile=profile)
        seconds["known_claims_s"] = round(time.perf_counter() - started, 1)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()
    print(f"filled: {stored:,} articles, {claims:,} known claims {seconds}", flush=True)
    return seconds


def _fill_articles(db: Database, stored: int) -> None:
    """`stored` article rows, ids 1..stored: through COPY on PostgreSQL, executemany on
    SQLite."""
    rng = random.Random(5)
    sentences = corpus_sentences()
    bodies = [synthetic_text(rng, sentences) for _ in range(TEXTS)]
    now = datetime.now(UTC)
    columns = ("url, canonical_url, title, text, text_hash, outlet, source, dedupe_kind,"
               " revisions, first_seen_at, stored_at")  # fmt: skip

    def rows(start: int) -> Iterator[tuple[object, ...]]:
        for i in range(start, min(stored, start + CHUNK)):
            outlet = f"news{i % 997}.example"
            link = f"https://{outlet}/{i}.html"
            text = f"{bodies[i % TEXTS]} Stored article number {i}."
            row = (link, link, f"Stored article {i}", text, f"{i:016x}", outlet)
            yield (*row, "page", "original", 0, now, now)

    for start in range(0, stored, CHUNK):
        with db.engine.begin() as conn:
            if db.is_sqlite:
                marks = ", ".join("?" * len(columns.split(",")))
                sql = f"INSERT INTO articles ({columns}) VALUES ({marks})"
                conn.exec_driver_sql(sql, list(rows(start)))
                continue
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY articles ({columns}) FROM STDIN") as copy:
                for row in rows(start):
                    copy.write_row(row)


def _fill_sql_index(url: str, stored: int) -> None:
    """Fingerprints of articles 1..stored in the SQL dedupe index (the embedded back end's:
    tables in the SQLite file), written in bulk as benchmarks/dedupe_scale.py does."""
    shapes = _fingerprint_shapes()
    target = SqlTarget(Path(url.removeprefix("sqlite:///")))
    nprng = np.random.default_rng(7)
    try:
        for start in range(0, stored, CHUNK):
            target.bulk(start + 1, random_fingerprints(nprng, min(CHUNK, stored - start), shapes))
    finally:
        target.db.dispose()


def _fingerprint_shapes() -> list[tuple[int, int]]:
    """(sentences, keys) of the fingerprints of real-length texts, for random_fingerprints."""
    rng = random.Random(7)
    sentences = corpus_sentences()
    return [
        (len(fp.sentences), len(fp.keys))
        for fp in (fingerprint(synthetic_text(rng, sentences)) for _ in range(200))
    ]


def _fill_index(db: Database, redis_url: str, stored: int) -> None:
    """Fingerprints of articles 1..stored in the dedupe index the service uses: keys in
    Redis, signatures in the database."""
    import redis

    from worker.dedupe.redis_index import RedisIndex

    shapes = _fingerprint_shapes()
    client = redis.Redis.from_url(redis_url)
    nprng = np.random.default_rng(7)
    for start in range(0, stored, CHUNK):
        fps = random_fingerprints(nprng, min(CHUNK, stored - start), shapes)
        with db.session_scope() as session:
            index = RedisIndex(client, session)
            for at in range(0, len(fps), 500):  # 500 articles a round trip
                index.add_many(
                    (start + at + i + 1, start + at + i + 1, fp)
                    for i, fp in enumerate(fps[at : at + 500])
                )


def redis_memory_mb() -> float:
    """Memory the Redis server uses (the index, and the broker's queues beside it)."""
    import redis

    return round(int(redis.Redis.from_url(REDIS_URL).info("memory")["used_memory"]) / 2**20, 1)


def postgres_pss_mb() -> float | None:
    """PSS of the PostgreSQL server's processes, summed (None where they cannot be read):
    its shared buffers hold the signatures and claims it served, up to their configured size."""
    total = 0.0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"postgres" not in cmdline.read_bytes().split(b"\0")[0]:
                continue
            total += memory_of(cmdline.parent.name)["pss_mb"]
        except (OSError, KeyError):  # gone, or another user's process
            continue
    return round(total, 1) if total else None


def measure(
    stored: int, claims: int, entries: int, workdir: Path, mode: str = "redis_pg"
) -> dict[str, Any]:
    """Fill, run the service over `entries` entries, and report its memory."""
    pages = load_pages(SHARED_CORPUS if SHARED_CORPUS.exists() else SAMPLE_CORPUS)
    served = Served(build(pages, entries, max(1, entries // 50)))
    filled: dict[str, float] = {}
    redis_mb: list[float] = []

    def prefill(keys: dict[str, str]) -> None:
        filled.update(fill(keys, stored, claims))
        if mode == "redis_pg":  # the embedded index is tables in the SQLite file
            redis_mb.append(redis_memory_mb())

    try:
        run = run_mode(mode, served, workdir, trickle=0, timeout=3600,
                       concurrency=None, prefill=prefill)  # fmt: skip
    finally:
        served.close()
    postgres_mb = postgres_pss_mb() if mode == "redis_pg" else None
    memory = run["memory"]
    worker_mb = memory["total_pss_peak_mb"]
    index_mb = redis_mb[0] if redis_mb else 0.0
    return {
        "backend": mode,
        "stored_articles": stored,
        "known_claims": claims,
        "fill": filled,
        "entries": entries,
        "finished": run["finished"],
        "startup_s": run["startup_s"],
        "articles_per_s": run["articles_per_s"],
        "worker_pss_peak_mb": worker_mb,
        "processes_at_peak": memory["processes_at_pss_peak"],
        "peak_rss_per_process_mb": memory["per_process_mb"],
        "redis_mb_after_fill": index_mb,
        "whole_mb": round(worker_mb + index_mb, 1),
        "limit_mb": LIMIT_MB,
        # Not in the whole: the database server, a cache bounded by its configuration (as
        # for the articles themselves); reported because it now serves the signatures.
        "postgres_pss_after_run_mb": postgres_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000, help="articles stored")
    parser.add_argument("--claims-per-article", type=float, default=3.0,
                        help="known claims (all profiles) per stored article")  # fmt: skip
    parser.add_argument("--entries", type=int, default=300, help="entries processed on top")
    parser.add_argument("--smoke", action="store_true", help="CI: 2,000 stored, 40 entries")
    parser.add_argument("--output", type=Path, help="results file (JSON)")
    backends = "redis_pg (the back end that scales out) or embedded (SQLite)"
    parser.add_argument("--backend", choices=("redis_pg", "embedded"), default="redis_pg",
                        help=backends)  # fmt: skip
    args = parser.parse_args()
    needs_services = args.backend == "redis_pg"
    if needs_services and not (service_up("127.0.0.1", 6379) and service_up("127.0.0.1", 5432)):
        print("needs Redis and PostgreSQL on 127.0.0.1 (the back end that keeps its dedupe"
              " index in Redis)", file=sys.stderr)  # fmt: skip
        return 1 if os.environ.get("CI") == "true" else 0  # CI has them: missing is a failure
    finally_on_sigterm()
    stored, entries = (2000, 40) if args.smoke else (args.stored, args.entries)
    claims = round(stored * args.claims_per_article)
    with tempfile.TemporaryDirectory(prefix="newswatch-memory-") as tmp:
        result = measure(stored, claims, entries, Path(tmp), args.backend)
    print(json.dumps(result, indent=2))
    index = (f"Redis {result['redis_mb_after_fill']} MB" if args.backend == "redis_pg"
             else "the index on disk")  # fmt: skip
    print(f"{args.backend}: {stored:,} stored, {claims:,} known claims: worker"
          f" {result['worker_pss_peak_mb']} MB PSS at peak + {index} = {result['whole_mb']} MB"
          f" (limit {LIMIT_MB})")  # fmt: skip
    named = "" if args.backend == "redis_pg" else f"{args.backend}-"
    output = args.output or RESULTS / f"stored-memory-{named}{stored}-{datetime.now():%Y%m%d}.json"
    if not args.smoke or args.output:
        output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if result["finished"] < entries:
        print(f"only {result['finished']} of {entries} entries finished", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
