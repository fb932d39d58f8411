"""The profile sets streamed through the real pipeline: which articles match by following.

    python benchmarks/profiles_pipeline.py [--sets profiles-q,profiles-am,...] [--json FILE]
    python benchmarks/profiles_pipeline.py --smoke      # CI: ten articles of set Q

`newswatch eval profiles` matches each labelled article on its own, with the profiles'
own bars. The pipeline also matches an article that follows a story a profile has
(`follow_stories`, docs/profiles.md, "Follow-ups"), and that depends on what came before:
here each set's articles are pages listed one a day in a feed on loopback, polled in file
order, and every alert whose payload says `follows` is checked against the article's labels.

Prints, for each set, the follow-up matches that are right and wrong by the labels; names the
articles only for the sets read, so that the held-out sets stay unread.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from benchmarks.claims_pipeline import stream
from worker.evaluate import profiles as evaluation

FIRST_DAY = datetime(2023, 1, 1, 9, tzinfo=UTC)  # the sets give no dates: one article a day


def follow_ups(set_dir: Path, limit: int | None = None) -> list[tuple[str, str, bool]]:
    """(article, profile, right by its labels) for each alert that matched by following."""
    items = evaluation.load_set(set_dir)[:limit]
    pages = [(item.article.title, item.article.text, FIRST_DAY + timedelta(days=number))
             for number, item in enumerate(items)]  # fmt: skip
    return [
        (item.name, payload["profile"], payload["profile"] in item.labels)
        for item, sent in zip(items, stream(pages), strict=True)
        for payload in sent
        if payload.get("follows") is not None
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    every = ",".join(["profiles", *(d.name for _, d, _ in evaluation.BLIND_SETS)])
    parser.add_argument("--sets", default=every, help="set folders under tests/eval (default: all)")
    parser.add_argument("--smoke", action="store_true", help="CI: ten articles of set Q")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    names = ["profiles-q"] if args.smoke else args.sets.split(",")
    held_out = {d.name for _, d, held in evaluation.BLIND_SETS if held}
    totals: Counter[str] = Counter()
    results: dict[str, dict[str, int]] = {}
    for name in names:
        found = follow_ups(evaluation.ROOT / "tests" / "eval" / name, 10 if args.smoke else None)
        right = sum(ok for _, _, ok in found)
        results[name] = {"right": right, "wrong": len(found) - right}
        totals.update(results[name])
        print(f"{name:14} follow-up matches: {right} right, {len(found) - right} wrong", flush=True)
        if name not in held_out:
            for article, profile, ok in found:
                print(f"    {'right' if ok else 'WRONG'}: {article} on {profile}")
    print(f"{'all':14} follow-up matches: {totals['right']} right, {totals['wrong']} wrong")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
