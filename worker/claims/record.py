"""Sentences that restate a position already on record: a standing stance, a denial.

A story's later articles retell its background in words of their own, and two forms of
that retelling are the same in news copy on any story:

- a position already taken, marked as such: "Beijing has long described the sites as
  schools", "continues to describe the document as illegal", "maintains that", "keeps
  insisting", "recalled that";
- a denial in the standard words: "dismissed the report as lies", "called the findings a
  fabrication", "rejected the allegations as groundless".

The claims judge (novelty.py) takes such a sentence, still judged new by every test of its
words, for a restatement when it also names nothing and states no figure that no known
claim does: a new denial of a new thing names that thing.

Measured on 2026-12-06 (docs/claims.md, "Session of 2026-12-06: set R, and positions on
record"), line-level precision / recall of "new":

| sets | lexical | embedding |
|---|---|---|
| read (A to J, M) | 0.820 / 0.901 -> 0.840 / 0.901 | 0.863 / 0.892 -> 0.879 / 0.892 |
| held out (K to R) | 0.790 / 0.921 -> 0.800 / 0.918 | 0.822 / 0.895 -> 0.831 / 0.893 |

Two more forms were measured with these and not kept: a recap of a document in an
apposition that dates it ("The assessment, released in the last minutes of her term,
found ...") and what somebody had said before, in the past perfect ("the office had warned
that ..."). On the sets read they took 18 more false "new" away for one new line; on the
held-out sets none more, for three new lines (two in embedding mode): a new report is
introduced in the same apposition, and reported speech puts news in the past perfect.
"""

from __future__ import annotations

import re

_STANCE = re.compile(
    r"\b(?:has|have) (?:long|already|repeatedly)\b|\bcontinues? to\b|\bmaintains?\b"
    r"|\brecalled\b|\bkeeps? insisting\b"
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|reject(?:s|ed)?|dismiss(?:es|ed)?|describ(?:es|ed)|call(?:s|ed)?"
    r"|brand(?:s|ed)|label(?:s|led)|decr(?:y|ies|ied))\b.*\b(?:lies?|fabricat\w*|smear\w*"
    r"|slander\w*|baseless|groundless|unfounded|unlawful|illegal|invalid|void|farce"
    r"|falsehoods?|disinformation|misinformation"
    r"|political (?:tool|weapon|instrument|manipulation|device))\b",
    re.IGNORECASE,
)


def restates_a_position(text: str) -> bool:
    """Whether the sentence `text` restates a stance on record or a denial, in the forms
    news copy uses for background (the module's docstring lists them)."""
    return bool(_STANCE.search(text) or _DENIAL.search(text))
