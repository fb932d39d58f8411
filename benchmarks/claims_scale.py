"""The claims stage as known claims grow: ms per judged claim and memory at 10k, 100k, 1M.

    python benchmarks/claims_scale.py --sizes 10000,100000,1000000 [--json FILE]
    python benchmarks/claims_scale.py --smoke        # CI: 2,000 known claims, seconds
    python benchmarks/claims_scale.py --sizes 10000 --shared-size 1000000   # a worker's memory
    python benchmarks/claims_scale.py --sizes 10000 --verdict-sizes 0,100000,1000000  # quality

Every claim judged new becomes a known claim of its profile, and each worker process holds
its profiles' known claims in memory (worker/claims/novelty.py): a monitor that stores a
million articles holds millions of them. This measures what one profile's index costs.

How: real claims (the sentences of the article-extraction benchmark's texts, through the
real `features_of`) are the pattern; the index is filled up to each size with synthetic
claims recombined from them (each a real claim's words with a third swapped for words
drawn from the real vocabulary by frequency, plus a name and a figure of its own), so that
common words ("china", "said") are as common as in real claims and the vocabulary keeps
growing as names do. Then the claims of the profiles evaluation set's on-topic articles
are judged against it by the real `ClaimJudge` (lexical mode), nothing recorded, each
PASSES times, its fastest time kept.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import math
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.dedupe_scale import corpus_sentences, rss_mb
from worker.claims.extract import claims_of
from worker.claims.figures import Figures, figures_of, spelled_out
from worker.claims.lexical import COMMON_DF, Features, LexicalIndex, features_of
from worker.claims.novelty import ClaimJudge, _ProfileIndex
from worker.config import load_settings
from worker.evaluate import claims as evaluate_claims
from worker.evaluate.profiles import load_set
from worker.records import Claim
from worker.store import migrate
from worker.store.db import Database
from worker.store.models import KnownClaim

PROFILE = "xinjiang"
PATTERNS = 20_000  # real claims whose words the synthetic ones recombine
SWAP = 0.33
# Each claim is judged this many times and its fastest time kept: on a shared VM one pass's
# mean moved by 10-30% from run to run (more than the growth from 10k to 1M it measures),
# while a claim's best time is what the code costs (timeit's rule).
PASSES = 3
FILLER_IDS = 10**9  # synthetic known claims beside a database's own: ids it never reaches
EVERY_WORD_SELECTS = 10**12  # a common_df no word reaches: the exact search


def current_rss_mb() -> float:
    """Resident memory of this process now, MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


def patterns(limit: int) -> list[Features]:
    """Features of real claim sentences."""
    found = []
    for sentence in corpus_sentences()[:limit]:
        features = features_of(sentence)
        if len(features.tokens) >= 4:
            found.append(features)
    return found


def vocabulary_of(real: list[Features]) -> tuple[list[str], list[int]]:
    """The words of the real claims and how many claims hold each: what synthetic() draws."""
    counts = Counter(t for f in real for t in f.tokens)
    words = sorted(counts)  # in a fixed order: rng.choices draws by position
    return words, [counts[w] for w in words]


def synthetic(rng: random.Random, real: list[Features], vocabulary: list[str],
              weights: list[int], n: int, start: int) -> list[Features]:  # fmt: skip
    """`n` claims recombined from `real` (see the module docstring)."""
    out = []
    drawn = rng.choices(vocabulary, weights=weights, k=n * 8)
    for i in range(n):
        base = real[rng.randrange(len(real))]
        # sorted: a set's order changes with the hash seed, and with it which words the
        # draws drop (the filler differed from run to run)
        tokens = {t for t in sorted(base.tokens) if rng.random() > SWAP}
        tokens.update(drawn[i * 8 : i * 8 + max(1, round(len(base.tokens) * SWAP))])
        figure = float(rng.randrange(10**6))
        tokens.update({f"nm{start + i}", f"#{figure:.3g}"})
        figures = Figures((figure,), (), (), ())
        out.append(Features(frozenset(tokens), figures, frozenset(), frozenset()))
    return out


def probe_texts() -> list[str]:
    """The texts of the on-topic articles of the profiles evaluation set."""
    return [item.article.text for item in load_set() if item.labels]


def probe_claims() -> list[Claim]:
    """The claims of the on-topic articles of the profiles evaluation set."""
    return [claim for text in probe_texts() for claim in claims_of(text)]


def measure(sizes: list[int], workdir: Path, n_patterns: int = PATTERNS) -> list[dict[str, float]]:
    """One row of figures per size: an index filled up to each size, all held at once, and
    the probes judged against each in turn, PASSES times over (a VM that slows down for a
    while then slows every size alike, not the last one measured)."""
    real = patterns(n_patterns)
    vocabulary, weights = vocabulary_of(real)
    probes = probe_claims()
    url = f"sqlite:///{workdir / 'claims.db'}"
    migrate.upgrade(url)
    db = Database.from_url(url)
    judges, rows = [], []
    for size in sizes:
        before_mb, started = current_rss_mb(), time.perf_counter()
        judges.append(_filled_judge(size, real, vocabulary, weights))
        rows.append({"known_claims": size, "probes": len(probes),
                     "index_mb": round(current_rss_mb() - before_mb, 1),
                     "fill_s": round(time.perf_counter() - started, 1)})  # fmt: skip
    texts = probe_texts()
    times = [[math.inf] * len(probes) for _ in sizes]
    stage_times = [[math.inf] * len(texts) for _ in sizes]
    with db.session_scope() as session:
        for judge in judges:
            judge.judge(session, probes[:20], [PROFILE])  # warm the weight memo
        for _ in range(PASSES):
            for judge, best, best_stage in zip(judges, times, stage_times, strict=True):
                for at, claim in enumerate(probes):
                    cpu = time.process_time()
                    judge.judge(session, [claim], [PROFILE])
                    best[at] = min(best[at], (time.process_time() - cpu) * 1000)
                for at, text in enumerate(texts):
                    best_stage[at] = min(best_stage[at], _stage_ms(judge, session, text))
    db.dispose()
    for row, best, best_stage in zip(rows, times, stage_times, strict=True):
        best.sort()
        row["ms_per_claim_p50"] = round(statistics.median(best), 3)
        row["ms_per_claim_p95"] = round(best[int(0.95 * (len(best) - 1))], 3)
        row["ms_per_claim_mean"] = round(statistics.fmean(best), 3)
        row["articles"] = len(texts)
        row["stage_ms_per_article_mean"] = round(statistics.fmean(best_stage), 3)
        row["process_peak_mb"] = round(rss_mb(), 1)  # every size's index held
        print(json.dumps(row), flush=True)
    return rows


def verdicts_at_scale(sizes: list[int], n_patterns: int = PATTERNS) -> list[dict[str, Any]]:
    """Whether the judge's verdicts hold as known claims grow: precision and recall of "new"
    on the labelled claims sets that are tuned on (worker/evaluate/claims.py), each judged
    as `newswatch eval claims` judges it but with the profile's index already holding `size`
    synthetic known claims on other subjects (size 0: the eval itself), by the default search
    and by the exact one (no word common enough to leave the selection: every known claim
    sharing a word scored on every word). A search that lost true matches would lower
    precision; words made common by the filler, or chance matches on them, move both.
    Lexical mode; the pooled counts of all those sets."""
    settings = load_settings()
    real = patterns(n_patterns)
    vocabulary, weights = vocabulary_of(real)
    tuned = evaluate_claims.TUNED
    rows = []
    for size in sizes:
        for search, common_df in (("default", COMMON_DF), ("exact", EVERY_WORD_SELECTS)):
            filler = _filled_judge(size, real, vocabulary, weights, FILLER_IDS, common_df)
            index = filler._indexes[PROFILE]
            index.last_id = 0  # the database's own claims are read as the eval adds them
            counts = Counter[str]()
            cpu = time.process_time()
            for name, set_dir in tuned:
                judge = ClaimJudge("lexical")
                judge._indexes[PROFILE] = copy.deepcopy(index)
                score = evaluate_claims.run(settings, "lexical", set_dir=set_dir, name=name,
                                            judge=judge).scores[0]  # fmt: skip
                counts.update({"tp": score.tp, "fp": score.fp, "fn": score.fn})
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            row = {"filler_known_claims": size, "search": search, "sets": len(tuned),
                   "tp": tp, "fp": fp, "fn": fn, "precision": round(tp / max(tp + fp, 1), 3),
                   "recall": round(tp / max(tp + fn, 1), 3),
                   "cpu_s": round(time.process_time() - cpu, 1)}  # fmt: skip
            print(json.dumps(row), flush=True)
            rows.append(row)
            del filler, index
            gc.collect()
    return rows


def _stage_ms(judge: ClaimJudge, session: Any, text: str) -> float:
    """CPU ms of the claims stage on one article as the pipeline runs it: its claims
    extracted, then judged together (one sync with the database, one lookup of the nearest
    known claims' texts), nothing recorded. Extraction's caches are cleared first: an
    article is seen once."""
    figures_of.cache_clear()
    spelled_out.cache_clear()
    cpu = time.process_time()
    judge.judge(session, claims_of(text), [PROFILE])
    return (time.process_time() - cpu) * 1000


def _filled_judge(size: int, real: list[Features], vocabulary: list[str], weights: list[int],
                  first_id: int = 1, common_df: int = COMMON_DF) -> ClaimJudge:  # fmt: skip
    """A lexical judge whose profile holds `size` synthetic known claims (the same claims
    for every size: a smaller index holds the first ones of a larger), numbered from
    `first_id`, searched with `common_df`."""
    rng = random.Random(7)
    judge = ClaimJudge("lexical")
    index = judge._indexes.setdefault(PROFILE, _ProfileIndex(LexicalIndex(common_df)))
    index.last_id = 10**9  # filled here, not from the database: nothing to sync
    filled = 0
    while filled < size:
        chunk = min(5_000, size - filled)  # small: its garbage is not the index
        for offset, features in enumerate(synthetic(rng, real, vocabulary, weights,
                                                    chunk, filled)):  # fmt: skip
            index.add(first_id + filled + offset, features, None)
        filled += chunk
    return judge


def fill_database(db: Database, size: int, filled: int = 0, seed: int = 11,
                  profile: str = PROFILE) -> None:  # fmt: skip
    """Known claims `filled` to `size` of `profile`, as synthetic() makes them, into `db`."""
    rng = random.Random(seed + filled)
    real = patterns(5000)
    vocabulary, weights = vocabulary_of(real)
    table = KnownClaim.__table__
    now = datetime.now(UTC)
    while filled < size:
        chunk = min(20_000, size - filled)
        rows = [
            {"profile": profile, "text": f"claim {filled + i}", "kind": "statement",
             "signature": f.to_signature(), "first_seen_at": now}
            for i, f in enumerate(synthetic(rng, real, vocabulary, weights, chunk, filled))
        ]  # fmt: skip
        with db.engine.begin() as conn:
            conn.execute(insert(table), rows)
        filled += chunk


def measure_sync(sizes: list[int], workdir: Path) -> list[dict[str, float]]:
    """Seconds and memory for a fresh process's first judgement at each size: it loads the
    profile's known claims from the database (what a worker pays after every restart)."""
    url = f"sqlite:///{workdir / 'sync.db'}"
    migrate.upgrade(url)
    db = Database.from_url(url)
    results, filled = [], 0
    for size in sizes:
        fill_database(db, size, filled)
        filled = size
        judge = ClaimJudge("lexical")
        rss = current_rss_mb()
        started = time.perf_counter()
        with db.session_scope() as session:
            judge.judge(session, probe_claims()[:1], [PROFILE])
        row = {"known_claims": size, "first_judgement_s": round(time.perf_counter() - started, 2),
               "index_mb": round(current_rss_mb() - rss, 1)}  # fmt: skip
        print(json.dumps(row), flush=True)
        results.append(row)
        del judge
    db.dispose()
    return results


def memory_of(pid: int | str = "self") -> dict[str, float]:
    """Resident, proportional (shared pages split between their users) and unique memory of
    a process, MB (/proc/PID/smaps_rollup)."""
    fields: dict[str, float] = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0]) / 1024
    unique = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss_mb": round(fields["Rss"], 1), "pss_mb": round(fields["Pss"], 1),
            "uss_mb": round(unique, 1)}  # fmt: skip


def _pool_process(url: str, judge: ClaimJudge | None, probes: list[Claim],
                  report: Any, done: Any) -> None:  # fmt: skip
    """One pool process: judge every probe with the inherited judge (or a fresh one, which
    loads its own), report its memory, stay alive until every process has reported."""
    gc.freeze()  # as worker.tasks does after the fork
    db = Database.from_url(url)
    judge = judge or ClaimJudge("lexical")
    started = time.perf_counter()
    with db.session_scope() as session:
        for claim in probes:
            judge.judge(session, [claim], [PROFILE])
    report.put({"judge_s": round(time.perf_counter() - started, 1), **memory_of()})
    done.wait(600)
    db.dispose()


def measure_shared(size: int, workdir: Path, processes: int = 2) -> list[dict[str, Any]]:
    """A worker's memory with `size` known claims: its main process and `processes` forked
    pool processes, each judging the probes. Loaded once in the main process before the fork
    (what `newswatch run` does) against each pool process loading its own."""
    url = f"sqlite:///{workdir / 'shared.db'}"
    migrate.upgrade(url)
    db = Database.from_url(url)
    fill_database(db, size)
    probes = probe_claims()
    results = []
    for shared in (True, False):
        parent: ClaimJudge | None = None
        if shared:
            parent = ClaimJudge("lexical")
            with db.session_scope() as session:
                parent.load(session, [PROFILE])
        db.dispose()
        context = multiprocessing.get_context("fork")
        report, done = context.Queue(), context.Event()
        pool = [context.Process(target=_pool_process, args=(url, parent, probes, report, done))
                for _ in range(processes)]  # fmt: skip
        for process in pool:
            process.start()
        children = [report.get(timeout=900) for _ in pool]
        main = memory_of()
        done.set()
        for process in pool:
            process.join()
        total = main["pss_mb"] + sum(c["pss_mb"] for c in children)
        row = {"known_claims": size, "loaded_before_fork": shared, "main": main,
               "pool": children, "total_pss_mb": round(total, 1)}  # fmt: skip
        print(json.dumps(row), flush=True)
        results.append(row)
        del parent
        gc.collect()
    return results


def main() -> int:
    """Print one JSON line per size, and the growth from the first to the last."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--smoke", action="store_true", help="CI size: proves it works")
    parser.add_argument("--sync-sizes", default="", help="also time a restart's first load")
    shared_help = "also a worker's main and pool processes' memory at this size"
    parser.add_argument("--shared-size", type=int, default=0, help=shared_help)
    verdict_help = "also the eval's precision and recall with this many more known claims"
    parser.add_argument("--verdict-sizes", default="", help=verdict_help)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    sizes = [2000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="newswatch-claims-scale-") as tmp:
        results = measure(sizes, Path(tmp), 2000 if args.smoke else PATTERNS)
        if args.sync_sizes:
            sync = [int(n) for n in args.sync_sizes.split(",")]
            results += measure_sync(sync, Path(tmp))
        verdict_sizes = [int(n) for n in args.verdict_sizes.split(",") if n]
        if args.smoke:
            verdict_sizes = [2000]
        if verdict_sizes:
            results += verdicts_at_scale(verdict_sizes, 2000 if args.smoke else PATTERNS)
        shared_size = args.shared_size or (2000 if args.smoke else 0)
        if shared_size:
            results += measure_shared(shared_size, Path(tmp))
    if len(sizes) > 1:
        first, last = results[0], results[len(sizes) - 1]
        growth = last["ms_per_claim_mean"] / max(first["ms_per_claim_mean"], 1e-9)
        print(f"cost per claim grows {growth:.2f}x from {first['known_claims']:,} to "
              f"{last['known_claims']:,} known claims", file=sys.stderr)  # fmt: skip
        stage = last["stage_ms_per_article_mean"] / max(first["stage_ms_per_article_mean"], 1e-9)
        print(f"the claims stage per article grows {stage:.2f}x", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
