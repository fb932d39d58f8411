"""Check a claims evaluation set before it is used: format, and copying from the seeds.

    python tests/eval/claims/check_overlap.py tests/eval/claims/set-g

Every labelled line is compared with seeds/ (lower-cased, punctuation stripped, "Uighur" as
"Uyghur"); the longest shared run of words is printed for the worst lines. A set written to
test rewording must not copy the seeds: a line sharing 8 or more words should be reworded.
Written with set G (2026-12-03) by its author, who saw neither the tool's code nor its output.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
LINE = re.compile(r"\[(new|known|none)\] (.+)$")
HEADER = ("title: ", "outlet: ")


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("uighur", "uyghur")
    return re.sub(r"[^\w\s]", " ", text).split()


def grams(ws: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


class Seeds:
    """Word n-grams of every seed, built per n on demand."""

    def __init__(self) -> None:
        self.texts = [words(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
        self.by_n: dict[int, set[tuple[str, ...]]] = {}

    def longest_shared(self, ws: list[str]) -> tuple[int, str]:
        best, example = 0, ""
        for n in range(1, 30):
            if n not in self.by_n:
                self.by_n[n] = set().union(*(grams(t, n) for t in self.texts))
            hits = [g for g in grams(ws, n) if g in self.by_n[n]]
            if not hits:
                break
            best, example = n, " ".join(hits[0])
        return best, example


def check_file(path: Path, seeds: Seeds) -> list[tuple[int, str, str, str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith(HEADER[0]) and lines[1].startswith(HEADER[1]), path
    assert re.match(r"published: \d{4}-\d{2}-\d{2}$", lines[2]) and lines[3] == "---", path
    body = lines[4:]
    found = []
    for i, line in enumerate(body):
        if not line.strip():
            continue
        match = LINE.match(line)
        assert match, (path, line)
        label, text = match.groups()
        # A caption, byline or heading is a block of its own on a page; joined to the next
        # line it would be scored with that line's sentence. How it ends is not checked:
        # page furniture often ends in a full stop ("Sign up to our newsletter."), and a
        # rule against it would spare the tool the form it meets on real pages.
        if label == "none":
            assert i + 1 >= len(body) or not body[i + 1].strip(), ("none not alone", path, text)
        n, example = seeds.longest_shared(words(text))
        found.append((n, path.name, label, example))
    return found


def main(set_dir: Path) -> int:
    seeds = Seeds()
    found = sorted(
        (row for path in sorted(set_dir.glob("*.txt")) for row in check_file(path, seeds)),
        reverse=True,
    )
    for n, name, label, example in found[:15]:
        print(n, name, label, "|", example)
    print("longest shared run:", found[0][0] if found else 0)
    return 1 if found and found[0][0] >= 8 else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
