"""Dedupe cost as the store grows: ms per article and index size at 10k, 100k, 1M articles.

    python benchmarks/dedupe_scale.py --sizes 10000,100000,1000000 [--backend sql|redis]
    python benchmarks/dedupe_scale.py --smoke        # CI: 2,000 articles, seconds

How: the store is filled in bulk up to each size, then `--probe` new articles go through
the real protocol one transaction each (lock, decide, add, commit), a tenth of them
reworded or truncated copies of stored articles so that verification runs too.

Texts are synthetic but realistic: 12 to 40 sentences resampled from the article-extraction
benchmark corpus, with random names and numbers spliced in so that no two are alike. The
bulk fill stores synthetic *fingerprints* (random keys and sketches, with the key counts of
real texts): keys and sketches are hashes, uniform whatever the text, so the index has the
shape a real one would, and 1M articles load in minutes instead of an hour of tokenising.
The probes, and the originals they copy, are fingerprinted from text. Fingerprinting cost is
reported apart: it does not depend on the store size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worker.dedupe.decide import decide  # noqa: E402
from worker.dedupe.fingerprint import Fingerprint, fingerprint, pack_sentences, sketches_of  # noqa: E402
from worker.dedupe.index import SqlIndex  # noqa: E402
from worker.dedupe.redis_index import RedisIndex  # noqa: E402
from worker.store.db import Database  # noqa: E402
from worker.store.migrate import upgrade  # noqa: E402

CORPUS = Path(
    os.environ.get("NEWSWATCH_BENCH_CORPUS", "/work/shared/data/article-extraction-benchmark")
)
FALLBACK = ROOT / "tests" / "eval" / "dedupe" / "pairs.jsonl.gz"
BULK_CHUNK = 20_000  # articles per bulk transaction: big enough to amortise, small in RAM
NAMES = ["Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalski", "Brennan", "Ruiz"]


def corpus_sentences() -> list[str]:
    """Sentences of the benchmark corpus (or of the stored eval pairs when it is absent)."""
    if (CORPUS / "ground-truth.json").exists():
        bodies = [
            v["articleBody"]
            for v in json.loads((CORPUS / "ground-truth.json").read_text()).values()
        ]
    else:
        with gzip.open(FALLBACK, "rt") as f:
            bodies = [json.loads(line)["first"] for line in f]
    return [
        s.strip() for b in bodies for s in b.replace("\n", " ").split(". ") if len(s.split()) > 6
    ]


def synthetic_text(rng: random.Random, sentences: list[str]) -> str:
    """An article: resampled sentences, each with a name and a number spliced in."""
    out = []
    for s in rng.sample(sentences, rng.randint(12, 40)):
        words = s.split()
        words.insert(rng.randrange(len(words)), f"{rng.choice(NAMES)}{rng.randrange(10**6)}")
        words.insert(rng.randrange(len(words)), str(rng.randrange(10**5)))
        out.append(" ".join(words) + ".")
    return " ".join(out)


def copy_of(rng: random.Random, original: str) -> str:
    """A truncated or lightly reworded copy, with other boilerplate."""
    sentences = original.split(". ")
    if rng.random() < 0.5:
        sentences = sentences[: max(4, len(sentences) // 2)]
    else:
        sentences = [" ".join(s.split()[1:]) if i % 3 == 0 else s for i, s in enumerate(sentences)]
    return "Subscribe to our newsletter.\n" + ". ".join(sentences) + "\nShare this article"


def random_fingerprints(
    rng: np.random.Generator, n: int, shapes: list[tuple[int, int]]
) -> list[Fingerprint]:
    """Fingerprints with uniform random keys and sketches, shaped like real ones
    (shapes: (sentences, keys) of real fingerprints)."""
    out = []
    for pick in rng.integers(0, len(shapes), n):
        n_sentences, n_keys = shapes[int(pick)]
        keys = tuple(sorted(set((rng.integers(0, 2**30, n_keys) * 2).tolist())))
        sentences = tuple(
            tuple(sorted(set(rng.integers(0, 2**16 - 1, 8).tolist()))) for _ in range(n_sentences)
        )
        weights = tuple(rng.integers(6, 13, n_sentences).tolist())
        out.append(Fingerprint(rng.bytes(8).hex(), sentences, weights, keys))
    return out


class SqlTarget:
    """The SqlIndex on a SQLite file."""

    name = "sql (SQLite)"

    def __init__(self, path: Path) -> None:
        self.path = path
        upgrade(f"sqlite:///{path}")
        self.db = Database.from_url(f"sqlite:///{path}")

    def bulk(self, first_id: int, fps: list[Fingerprint]) -> None:
        sigs = [
            {
                "a": first_id + i,
                "s": first_id + i,
                "h": fp.text_hash,
                "ss": pack_sentences(sketches_of(fp)),
                "n": len(fp.sentences),
            }
            for i, fp in enumerate(fps)
        ]
        keys = sorted((k, first_id + i) for i, fp in enumerate(fps) for k in fp.keys)
        with self.db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA cache_size=-500000")  # 500 MB cache while loading
            conn.execute(
                text(
                    "INSERT INTO dedupe_signatures (article_id, story_id, text_hash,"
                    " sentences, sentence_count) VALUES (:a, :s, :h, :ss, :n)"
                ),
                sigs,
            )
            conn.exec_driver_sql("INSERT OR IGNORE INTO dedupe_sentences VALUES (?, ?)", keys)

    def one(self, article_id: int, fp: Fingerprint) -> str:
        with self.db.session_scope() as session:
            index = SqlIndex(session)
            index.lock(fp)
            decision = decide(fp, index)
            index.add(article_id, decision.story_id or article_id, fp)
        return decision.kind

    def index_bytes(self) -> int:
        with self.db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                rows = conn.exec_driver_sql(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%dedupe%'"
                ).scalar()
                return int(rows or 0)
            except Exception:  # dbstat is a compile-time option of SQLite
                return self.path.stat().st_size


class RedisTarget:
    """The RedisIndex: keys in the local Redis (a database the benchmark flushes), signatures
    in a SQLite file, as a Redis-broker worker with the embedded database keeps them."""

    name = "redis"

    def __init__(self, url: str, path: Path) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.client.flushdb()
        self.signatures = SqlTarget(path)

    def bulk(self, first_id: int, fps: list[Fingerprint]) -> None:
        with self.signatures.db.session_scope() as session:
            index = RedisIndex(self.client, session, prefix="bench:")
            for start in range(0, len(fps), 500):  # 500 articles a round trip
                chunk = fps[start : start + 500]
                index.add_many(
                    (first_id + start + i, first_id + start + i, fp) for i, fp in enumerate(chunk)
                )

    def one(self, article_id: int, fp: Fingerprint) -> str:
        held = None
        try:
            with self.signatures.db.session_scope() as session:
                index = RedisIndex(self.client, session, prefix="bench:")
                held = index.lock(fp)
                decision = decide(fp, index)
                index.add(article_id, decision.story_id or article_id, fp)
        finally:
            if held is not None:
                held.release()
        return decision.kind

    def index_bytes(self) -> int:
        """Redis's memory only: the signatures are on disk (`SqlTarget.index_bytes`)."""
        return int(self.client.info("memory")["used_memory"])


def rss_mb() -> float:
    """Peak resident memory of this process, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(sizes: list[int], probe: int, backend: str, workdir: Path) -> list[dict[str, float]]:
    rng, nprng = random.Random(7), np.random.default_rng(7)
    sentences = corpus_sentences()
    originals = [synthetic_text(rng, sentences) for _ in range(200)]
    original_fps = [fingerprint(t) for t in originals]
    shapes = [(len(fp.sentences), len(fp.keys)) for fp in original_fps]
    target = (
        SqlTarget(workdir / "bench.db")
        if backend == "sql"
        else RedisTarget(
            os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"), workdir / "bench.db"
        )
    )
    target.bulk(1, original_fps)
    stored, results = len(originals), []
    for size in sizes:
        while stored < size:
            n = min(BULK_CHUNK, size - stored)
            target.bulk(stored + 1, random_fingerprints(nprng, n, shapes))
            stored += n
        results.append(
            measure(
                target, size=size, probe=probe, rng=rng, sentences=sentences, originals=originals
            )
        )
        stored += probe
        print(json.dumps(results[-1]), flush=True)
    return results


def measure(
    target: SqlTarget | RedisTarget,
    *,
    size: int,
    probe: int,
    rng: random.Random,
    sentences: list[str],
    originals: list[str],
) -> dict[str, float]:
    texts = [
        copy_of(rng, rng.choice(originals)) if i % 10 == 0 else synthetic_text(rng, sentences)
        for i in range(probe)
    ]
    started = time.perf_counter()
    fps = [fingerprint(t) for t in texts]
    fp_ms = (time.perf_counter() - started) * 1000 / probe
    kinds: list[str] = []
    started = time.perf_counter()
    for i, fp in enumerate(fps):
        kinds.append(target.one(10**9 + size + i, fp))
    ms = (time.perf_counter() - started) * 1000 / probe
    copies = sum(1 for i, k in enumerate(kinds) if i % 10 == 0 and k == "duplicate")
    false = sum(1 for i, k in enumerate(kinds) if i % 10 and k == "duplicate")
    return {
        "size": size,
        "ms_per_article": round(ms, 3),
        "fingerprint_ms": round(fp_ms, 3),
        "rss_mb": round(rss_mb(), 1),
        "index_mb": round(target.index_bytes() / 2**20, 1),
        "copies_found": copies,
        "copies": len(range(0, probe, 10)),
        "fresh_judged_duplicate": false,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--probe", type=int, default=1000, help="articles timed at each size")
    parser.add_argument("--backend", choices=["sql", "redis"], default="sql")
    parser.add_argument("--smoke", action="store_true", help="2,000 articles: a CI check")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    sizes = [2000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    probe = 100 if args.smoke else args.probe
    with tempfile.TemporaryDirectory() as tmp:
        results = run(sizes, probe, args.backend, args.workdir or Path(tmp))
    base = results[0]["ms_per_article"]
    for r in results:
        print(
            f"{r['size']:>9,} articles  {r['ms_per_article']:6.3f} ms/article"
            f" ({r['ms_per_article'] / base:4.2f}x)  fingerprint {r['fingerprint_ms']:.2f} ms"
            f"  index {r['index_mb']:8.1f} MB  RSS {r['rss_mb']:7.1f} MB"
            f"  copies {r['copies_found']}/{r['copies']}"
            f"  fresh-as-dup {r['fresh_judged_duplicate']}"
        )


if __name__ == "__main__":
    main()
