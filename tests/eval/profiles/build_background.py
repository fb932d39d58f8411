"""Build worker/profiles/background.py: document frequencies of general news English.

Source: the ground-truth article texts of the article-extraction-benchmark (MIT, see
tests/eval/dedupe/LICENSE-article-extraction-benchmark): 181 pages on every subject, which
is what "not distinctive" means for a news topic. Run from the repository root:

    python tests/eval/profiles/build_background.py \
        /work/shared/data/article-extraction-benchmark/ground-truth.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from worker.profiles.query import tokens

KEEP = 4000  # the words seen in 2+ documents number about this many; rarer ones add nothing
OUT = Path("worker/profiles/background.py")


def main(path: str) -> None:
    pages = json.loads(Path(path).read_text(encoding="utf-8"))
    df: Counter[str] = Counter()
    for page in pages.values():
        df.update(set(tokens(page.get("articleBody") or "")))
    common = [(w, n) for w, n in df.most_common() if n >= 2][:KEEP]
    table = "\n".join(f"{w} {n}" for w, n in common)
    OUT.write_text(
        '"""Document frequencies of words in general news text (generated; do not edit).\n\n'
        "Built by tests/eval/profiles/build_background.py from the ground-truth texts of the\n"
        "article-extraction-benchmark (MIT licence): `DOCUMENTS` pages, one `word count` a line.\n"
        '"""\n\n'
        f"DOCUMENTS = {len(pages)}\n\n"
        f'TABLE = """\\\n{table}\n"""\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(sys.argv[1])
