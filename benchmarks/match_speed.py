"""Time Matcher.match per article: the shipped profiles over the eval set and 181 real pages.

The real pages are the ground-truth texts of the article-extraction-benchmark (typical news
article lengths, every subject). Prints milliseconds per article for all profiles together.

    python benchmarks/match_speed.py [--ground-truth PATH] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from worker.evaluate.profiles import load_set
from worker.profiles.load import load_profiles
from worker.profiles.match import Matcher
from worker.records import Article

GROUND_TRUTH = Path("/work/shared/data/article-extraction-benchmark/ground-truth.json")


def real_pages(path: Path) -> list[Article]:
    """The benchmark's ground-truth articles as Articles."""
    pages = json.loads(path.read_text(encoding="utf-8"))
    return [
        Article(key, key, page.get("title") or "", page.get("articleBody") or "", "bench", "file")
        for key, page in pages.items()
    ]


def time_per_article(matcher: Matcher, articles: list[Article], rounds: int) -> list[float]:
    """Median over `rounds` of each article's match time, in milliseconds."""
    out = []
    for article in articles:
        runs = []
        for _ in range(rounds):
            started = time.perf_counter()
            matcher.match(article)
            runs.append((time.perf_counter() - started) * 1000)
        out.append(statistics.median(runs))
    return out


def report(name: str, articles: list[Article], times: list[float]) -> None:
    """One line: how many articles, their size, mean/median/p95 ms per article."""
    size = statistics.mean(len(a.text.encode()) for a in articles) / 1024
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(
        f"{name:<28} {len(articles):4d} articles, mean {size:5.1f} KB: "
        f"mean {statistics.mean(times):.3f} ms, median {statistics.median(times):.3f} ms, "
        f"p95 {p95:.3f} ms per article"
    )


def _kb(article: Article) -> float:
    return len(article.text.encode()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ground-truth", type=Path, default=GROUND_TRUTH)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profiles", type=Path, default=Path("config/profiles"))
    args = parser.parse_args()
    matcher = Matcher(load_profiles(args.profiles))
    eval_articles = [item.article for item in load_set()]
    pages = real_pages(args.ground_truth) if args.ground_truth.exists() else []
    for article in eval_articles + pages:  # warm the token cache, as a long-running worker is
        matcher.match(article)
    print(f"profiles: {', '.join(p.name for p in matcher.profiles)}")
    report("eval set", eval_articles, time_per_article(matcher, eval_articles, args.rounds))
    if pages:
        times = time_per_article(matcher, pages, args.rounds)
        report("extraction benchmark pages", pages, times)
        typical = [(a, t) for a, t in zip(pages, times, strict=True) if 5 <= _kb(a) <= 8]
        if typical:
            report("  of which 5-8 KB", [a for a, _ in typical], [t for _, t in typical])
    cold = Matcher(matcher.profiles)
    started = time.perf_counter()
    for article in pages or eval_articles:
        cold.match(article)
    cold_ms = (time.perf_counter() - started) * 1000 / len(pages or eval_articles)
    print(f"{'first pass (cold cache)':<28} mean {cold_ms:.3f} ms per article")


if __name__ == "__main__":
    main()
