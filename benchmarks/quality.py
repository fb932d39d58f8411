"""Extraction quality: token F1 against the benchmark's ground truth, ours and trafilatura's.

"Ours" is what the pipeline stores (`article_from_page`: the `extract_html` call, the
short-text rule); "trafilatura" is `trafilatura.extract(html)` with its defaults. Tokens are
lower-cased words (\\w+); precision and recall count shared tokens as multisets per page, as
the article-extraction-benchmark's own evaluation does; F1 is of the mean precision and the
mean recall over all pages, and the mean of per-page F1 is given too.

    python benchmarks/quality.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import statistics
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from benchmarks.corpus import SHARED_CORPUS, Page, load_pages

_TOKEN = re.compile(r"\w+")
_PAGES: list[Page] = []


def tokens(text: str) -> Counter[str]:
    """The multiset of lower-cased word tokens of a text."""
    return Counter(_TOKEN.findall(text.lower()))


def precision_recall(found: str, truth: str) -> tuple[float, float]:
    """Shared tokens over found tokens, and over truth tokens (1.0 when both are empty)."""
    got, want = tokens(found), tokens(truth)
    shared = sum((got & want).values())
    precision = shared / sum(got.values()) if got else float(not want)
    recall = shared / sum(want.values()) if want else 1.0
    return precision, recall


def _both(i: int) -> tuple[str, str]:
    import trafilatura

    from worker.errors import PermanentError
    from worker.extract import article_from_page
    from worker.records import Page as PageRecord

    page = _PAGES[i]
    url = f"https://bench.example/{page.key}"
    record = PageRecord(url=url, final_url=url, html=page.html, status=200,
                        content_type="text/html", fetched_at=datetime.now(UTC))  # fmt: skip
    try:
        ours = article_from_page(record).text
    except PermanentError:
        ours = ""
    return ours, trafilatura.extract(page.html) or ""


def _score(pairs: list[tuple[float, float]]) -> dict[str, float]:
    precision = statistics.mean(p for p, _ in pairs)
    recall = statistics.mean(r for _, r in pairs)
    per_page = [2 * p * r / (p + r) if p + r else 0.0 for p, r in pairs]
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4),
        "mean_page_f1": round(statistics.mean(per_page), 4),
    }


def token_f1_report(pages: list[Page], processes: int) -> dict[str, Any]:
    """Token precision, recall and F1 of ours and of trafilatura's defaults on `pages`."""
    _PAGES[:] = [p for p in pages if p.truth]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        texts = pool.map(_both, range(len(_PAGES)), chunksize=4)
    ours = [precision_recall(o, p.truth) for (o, _), p in zip(texts, _PAGES, strict=True)]
    theirs = [precision_recall(t, p.truth) for (_, t), p in zip(texts, _PAGES, strict=True)]
    result = {"pages": len(_PAGES), "ours": _score(ours), "trafilatura_default": _score(theirs)}
    empty = sum(1 for o, _ in texts if not o)
    result["ours_empty_pages"] = empty
    result["summary"] = {
        "pages": len(_PAGES),
        "ours_f1": result["ours"]["f1"],
        "trafilatura_f1": result["trafilatura_default"]["f1"],
    }
    return result


def main() -> int:
    """Print the quality report of a corpus as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--processes", type=int, default=multiprocessing.cpu_count())
    args = parser.parse_args()
    print(json.dumps(token_f1_report(load_pages(args.corpus), args.processes), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
