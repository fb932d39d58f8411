"""Drop what extraction left behind around the article: teasers, link lists, comment widgets.

Extractors keep some page furniture (the seeds show a "More to explore" teaser, "ALSO SEE:"
links inside the body, a readers' comments widget, a list of related headlines). Such text
names other stories, often on the very topics we monitor, so it must never make a match.
The rules are line-based and conservative:

1. A tail marker line ("More to explore", "Related stories", "Readers Comments"...) ends the
   article: it and everything after it go, provided most of the text came before it (a
   marker near the top is navigation, so only the line goes).
2. A line opening with a teaser prefix ("ALSO SEE:", "Read more:") goes.
3. A run of two or more headline-like lines (short, no closing punctuation) is a link list
   and goes; a single such line is a sub-heading and stays.
4. A paragraph repeated word for word goes: pages that print their article several times
   (seed 002 holds four copies) say it once.
"""

from __future__ import annotations

import re

from worker.profiles.query import fold

_TAIL_MARKERS = frozenset(
    {
        "more to explore", "more to explorer", "related", "related stories", "related articles",
        "related news", "related content", "related coverage", "read more", "read next",
        "you may also like", "you might also like", "recommended", "recommended for you",
        "most read", "most popular", "trending", "top stories", "more stories", "more news",
        "latest news", "editors picks", "editor s picks", "also read", "see also",
        "readers comments", "reader comments", "comments", "leave a comment", "your voice",
        "join the conversation", "show comments", "view comments", "discussion",
        "view latest press releases", "share this article", "more from this section",
    }
)  # fmt: skip
_TEASER_PREFIX = re.compile(
    r"^\s*(also see|see also|read more|read also|also read|related|more|watch|listen|"
    r"recommended|click here|sign up|subscribe|related article|related story)\s*[:|>»-]",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")
# A headline rarely runs past 16 words; a body sentence of 16 words or fewer ends in
# punctuation, which is what tells them apart.
HEADLINE_MAX_WORDS = 16
_CLOSERS = tuple(".!?:;\"'”’)…")
REPEAT_MIN_CHARS = 80  # about one sentence: shorter repeats are not whole paragraphs
# A tail marker counts as the end of the article only once this share of the text precedes it.
TAIL_MIN_SHARE = 0.4


def content_lines(body: str) -> list[str]:
    """The lines of `body` that belong to the article itself, in order."""
    lines = [line.strip() for line in body.splitlines()]
    lines = _cut_tail(lines)
    kept = [line for line in lines if line and not _TEASER_PREFIX.match(line)]
    return _drop_repeats(_drop_link_runs(kept))


def _drop_repeats(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line not in seen:
            out.append(line)
            # short lines ("Advertisement", a repeated sub-heading) are noise either way
            if len(line) >= REPEAT_MIN_CHARS:
                seen.add(line)
    return out


def _is_marker(line: str) -> bool:
    # Markers are short; folding only short lines keeps this pass cheap on long bodies.
    return len(line) < 40 and _NON_WORD.sub(" ", fold(line)).strip() in _TAIL_MARKERS


def _cut_tail(lines: list[str]) -> list[str]:
    total = sum(len(line) for line in lines) or 1
    seen = 0
    for i, line in enumerate(lines):
        if _is_marker(line):
            if seen / total >= TAIL_MIN_SHARE:
                return lines[:i]
            lines = [*lines[:i], "", *lines[i + 1 :]]
        seen += len(line)
    return lines


def _is_headline(line: str) -> bool:
    return len(line.split()) <= HEADLINE_MAX_WORDS and not line.endswith(_CLOSERS)


def _drop_link_runs(lines: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, "."]:  # the sentinel ends with a closer, so it flushes the last run
        if _is_headline(line):
            run.append(line)
            continue
        if len(run) == 1:
            out.extend(run)
        run = []
        out.append(line)
    return out[:-1]
