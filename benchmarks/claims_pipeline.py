"""The claims evaluation sets through the real pipeline: feeds in over HTTP, webhooks out.

    python benchmarks/claims_pipeline.py [--sets set-b,set-k,...] [--json FILE]
                                         [--no-follow-stories]
    python benchmarks/claims_pipeline.py --smoke        # CI: set B, seconds

`newswatch eval claims` hands each labelled article's text to the claims judge, for one
profile (`xinjiang`), as if every article matched it. A user, and any outside scoring,
sees instead what the pipeline sends: each article is a page listed in a feed, polled
(`poll_once`, once an article, in the set's order), extracted, matched against the shipped
profiles, deduplicated and judged per profile, and its claims arrive in the webhook
payloads (docs/alerts.md). An article no profile matches, or one stored as a copy of an
earlier one, sends none. A labelled line counts as judged new when a payload claim
overlapping it says `is_new`; two readings are scored, since novelty is per profile:
`xinjiang` (that profile's payloads only) and `any` (a claim new in any profile's payload).

Prints no labelled line, only counts, so the held-out sets stay unread.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from tests.support.corpus import article_html, rss, write_config
from tests.support.loopback import LoopbackServer, Request, Response
from worker.config import load_settings
from worker.evaluate import claims as evaluation
from worker.evaluate.report import Score
from worker.runner import poll_once

READINGS = ("xinjiang", "any")
HOUR_OF_DAY = timedelta(hours=9)  # the sets give a day; a feed entry needs a time


def summary(score: Score, silent: int) -> str:
    return (f"P {score.precision:.3f}  R {score.recall:.3f}  (tp {score.tp}, fp {score.fp},"
            f" fn {score.fn}; {silent} articles without a payload)")  # fmt: skip


def payloads_of(
    set_dir: Path, *, follow_stories: bool = True
) -> tuple[list[evaluation.LabelledArticle], list[list[Any]]]:
    """The set's articles and, for each, the webhook payloads the pipeline sent for it
    (with `follow_stories` set as given: docs/profiles.md, "Follow-ups")."""
    articles = evaluation.load_set(set_dir)
    pages = [
        # The set's headline, as a feed and a page carry it (the file's name once).
        (article.title or article.name.split("_", 1)[-1].replace("_", " "), article.text,
         article.published + HOUR_OF_DAY)
        for article in articles
    ]  # fmt: skip
    return articles, stream(pages, follow_stories=follow_stories)


def stream(
    pages: Sequence[tuple[str, str, datetime]], *, follow_stories: bool = True
) -> list[list[dict[str, Any]]]:
    """Each page (title, text, published) listed in turn in one feed on loopback and polled
    (`poll_once`, once a page, in order); the webhook payloads the pipeline sent for each."""
    server = LoopbackServer()
    received: list[dict[str, Any]] = []

    def hook(request: Request) -> Response:
        received.append(json.loads(request.body))
        return Response(200, b"ok")

    server.route("/hooks/eval", hook)
    paths = [f"/news/{number:03d}.html" for number in range(len(pages))]
    try:
        with tempfile.TemporaryDirectory(prefix="newswatch-pipeline-stream-") as tmp:
            channel = {"name": "eval", "type": "webhook", "url": server.url("/hooks/eval")}
            config = write_config(Path(tmp), server, [("set", "/feed.xml")],
                                  alerts={"channels": [channel]},
                                  follow_stories=follow_stories)  # fmt: skip
            settings = load_settings(str(config))
            entries = []
            for number, ((title, text, published), path) in enumerate(
                zip(pages, paths, strict=True)
            ):
                server.static(path, article_html(title, text),
                              headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
                entries.append((f"entry-{number}", server.url(path), title, published))
                server.conditional("/feed.xml", rss("Set", entries), etag=f'"v{number}"',
                                   content_type="application/rss+xml")  # fmt: skip
                poll_once(settings)
        by_url: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for payload in received:
            by_url[payload["article"]["url"]].append(payload)
        return [by_url.get(server.url(path), []) for path in paths]
    finally:
        server.close()


def score(articles: Sequence[evaluation.LabelledArticle], payloads: Sequence[list[Any]],
          reading: str) -> tuple[Score, int]:  # fmt: skip
    """Lines judged from the payloads of one reading; and how many articles had none."""
    counts, silent = Score(reading), 0
    for article, sent in zip(articles, payloads, strict=True):
        wanted = [p for p in sent if reading == "any" or p["profile"] == reading]
        silent += not wanted
        claims = [claim for p in wanted for claim in p["claims"]]
        for line in article.lines:
            covering = [c for c in claims if evaluation.overlaps(line.text, c["text"])]
            counts = counts.add(any(c["is_new"] for c in covering), line.label == "new")
    return counts, silent


def _plus(a: Score, b: Score) -> Score:
    return Score(a.name, a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.tn + b.tn)


def _as_json(score: Score, silent: int) -> dict[str, int]:
    return {"tp": score.tp, "fp": score.fp, "fn": score.fn, "silent": silent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    every = ",".join(d.name for _, d in evaluation.SETS)
    parser.add_argument("--sets", default=every, help="set folders (default: all)")
    parser.add_argument("--smoke", action="store_true", help="CI: set B only")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--no-follow-stories",
        action="store_true",
        help="match on each profile's own bars only (follow_stories: false)",
    )
    args = parser.parse_args()
    names = ["set-b"] if args.smoke else args.sets.split(",")
    held_out = {d.name for d in evaluation.HELD_OUT}
    pooled: dict[tuple[str, str], tuple[Score, int]] = {}
    results: dict[str, Any] = {}
    for name in names:
        articles, payloads = payloads_of(
            evaluation.EVAL_DIR / name, follow_stories=not args.no_follow_stories
        )
        group = "held out" if name in held_out else "tuned"
        for reading in READINGS:
            counts, silent = score(articles, payloads, reading)
            total, none = pooled.get((group, reading), (Score(reading), 0))
            pooled[group, reading] = (_plus(total, counts), none + silent)
            results[f"{name}/{reading}"] = _as_json(counts, silent)
            print(f"{name:9} {reading:9} {summary(counts, silent)} of {len(articles)}", flush=True)
    for (group, reading), (counts, silent) in pooled.items():
        results[f"{group}/{reading}"] = _as_json(counts, silent)
        print(f"{group + ', pooled':18} {reading:9} {summary(counts, silent)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if results else 1


if __name__ == "__main__":
    raise SystemExit(main())
