"""CPU cost of the claims stage per article, lexical and embedding modes side by side.

Each article of the profiles evaluation set (87 real-length articles on and off topic) goes
through `ClaimJudge.judge_and_record` for the three shipped profiles, against a SQLite
database holding the seeds' claims, as the detection transaction calls it. CPU time
(process_time, all threads: the embedding model uses both cores) is measured per article
after a warm-up; known claims grow as the run goes, as they do in service.

`--corpus N` measures instead N of the end-to-end benchmark's `on_topic` entries
(benchmarks/corpus.py: paragraphs of two on-topic articles of that set or the seeds, and a
new figure), extracted from their HTML as the pipeline does. Until 2026-12-03 those entries
were seeds with 90 % of their lowercase words replaced by random vocabulary: nearly every
sentence new, with words no known claim had, 310-740 ms an article against 24 on real ones.

    python benchmarks/claims_cost.py [--modes lexical,embedding] [--limit N] [--corpus N]
                                     [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from worker.claims import embedding
from worker.claims.novelty import ClaimJudge, load_seed_claims
from worker.evaluate.profiles import load_set
from worker.store import migrate
from worker.store.db import Database

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ["xinjiang", "ohchr-assessment", "hrc-follow-up"]
WARM_UP = 3


def measure(mode: str, texts: list[str]) -> dict[str, float]:
    """Per-article CPU milliseconds of claims extraction + judging + recording in `mode`."""
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        db = Database.from_url(url)
        started = time.process_time()
        judge = ClaimJudge(mode)
        with db.session_scope() as session:
            load_seed_claims(session, ROOT / "seeds", PROFILES, judge=judge)
        setup_ms = (time.process_time() - started) * 1000
        costs: list[float] = []
        counts: list[int] = []  # claims per measured article
        now = datetime.now(UTC)
        for i, text in enumerate(texts):
            before = time.process_time()
            with db.session_scope() as session:
                verdicts = judge.judge_and_record(session, text, PROFILES, article_id=None,
                                                  outlet="bench", seen_at=now)  # fmt: skip
            if i >= WARM_UP:
                costs.append((time.process_time() - before) * 1000)
                counts.append(len(verdicts) // len(PROFILES))
        db.dispose()
    quarter = max(1, len(costs) // 4)
    per_claim = {  # does a claim cost more as known claims pile up? (the run's first/last quarter)
        "cpu_ms_per_claim_first_quarter": round(sum(costs[:quarter]) / sum(counts[:quarter]), 2),
        "cpu_ms_per_claim_last_quarter": round(sum(costs[-quarter:]) / sum(counts[-quarter:]), 2),
    }
    costs.sort()
    return {
        "articles": len(costs),
        "claims_per_article": round(sum(counts) / len(costs), 1),
        "cpu_ms_mean": round(statistics.fmean(costs), 2),
        "cpu_ms_p50": round(costs[len(costs) // 2], 2),
        "cpu_ms_p95": round(costs[int(len(costs) * 0.95) - 1], 2),
        **per_claim,
        "setup_ms_incl_model_load_and_seeds": round(setup_ms, 1),
    }


def corpus_texts(n: int, seed: int = 7) -> list[str]:
    """`n` (+ the warm-up) on-topic texts as the end-to-end benchmark's corpus makes them."""
    import random

    from benchmarks import corpus
    from worker.extract import extract_html

    rng = random.Random(seed)
    texts = []
    for i in range(n + WARM_UP):
        _, html = corpus._on_topic(i, rng)
        doc = extract_html(html)
        texts.append(str(doc.text) if doc is not None and doc.text else "")
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="lexical,embedding")
    parser.add_argument("--limit", type=int, default=0, help="articles to use (0: all)")
    parser.add_argument("--corpus", type=int, default=0, help="end-to-end on-topic entries")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    texts = corpus_texts(args.corpus) if args.corpus else [i.article.text for i in load_set()]
    if args.limit:
        texts = texts[: args.limit + WARM_UP]
    results: dict[str, object] = {}
    for mode in args.modes.split(","):
        if mode == "embedding" and not embedding.available():
            results[mode] = f"skipped: {embedding.INSTALL_HINT}"
        else:
            results[mode] = measure(mode, texts)
        print(f"{mode:<10} {results[mode]}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
