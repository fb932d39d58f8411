"""Could a page match any profile at all? A cheap test on its HTML, before extraction.

Extraction is the costliest step of the pipeline (trafilatura: 15 to 20 ms a page) and most
pages of a news feed match no profile. Every word of the article trafilatura finds comes
from the page itself: its text nodes, a meta tag's `content` (the title), JSON-LD in a
script; or from the feed entry, whose title and summary stand in when the page gives
nothing. So a word that occurs nowhere in the page, markup included, nor in the entry, is
not in the article.

`PageFilter.could_match` evaluates each profile's focus and query on that *presence* of
words, permissively: a word counts when it occurs as a substring anywhere, a phrase when its
words occur in order with nothing but non-word characters (or nothing: a dropped tag)
between them, a NEAR when both its sides hold, NOT always holds, and counts, scores and
sentences are ignored. A page that fails for every profile cannot match after extraction
either, so it is not extracted (docs/performance.md measures what this saves and what it costs).
"""

from __future__ import annotations

import functools
import html as htmllib
import re
from collections.abc import Callable, Sequence

from worker.profiles.load import Profile
from worker.profiles.query import And, Near, Node, Not, Or, Phrase, Prefix, Word, fold

# Markup is dropped with nothing in its place, so a word split by an inline tag
# ("Xin<b>jiang</b>") is whole again; words of two blocks run together ("CouncilXinjiang"),
# which a substring test does not mind.
_TAG = re.compile(r"<[^>]*>")
# The attribute values trafilatura reads text from: <meta content="..."> (title,
# description). Patterns that start with "<" are found by a fast scan for that character.
_META = re.compile(r"<meta\b[^>]*+>", re.I)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# Opening and closing tags of scripts and styles, whose text trafilatura drops: code is half
# of a page's text and would double the cost of folding it. Scripts of JSON (JSON-LD: the
# title, the description) stay; trafilatura reads its metadata from them.
_CODE_TAG = re.compile(r"<(/?)(script|style)\b([^>]*+)>", re.I)
# Characters trafilatura and the matcher never see inside a word: soft hyphens, zero widths.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


class PageFilter:
    """The profiles' focus and queries, to test pages against before extraction."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        # Each profile is a conjunction of its focus groups and its query.
        self._gates = tuple(
            (*(focus.node for focus in profile.focus), profile.query) for profile in profiles
        )

    def could_match(self, html: str, *extra: str) -> bool:
        """False only when no profile can match the article of `html` (plus `extra` text)."""
        haystack = page_haystack(html, *extra)
        seen: dict[str, bool] = {}

        def present(word: str) -> bool:
            found = seen.get(word)
            if found is None:
                found = seen[word] = word in haystack
            return found

        runs: dict[tuple[str, ...], bool] = {}

        def in_order(words: tuple[str, ...]) -> bool:
            found = runs.get(words)
            if found is None:
                found = runs[words] = all(map(present, words)) and bool(
                    _run_of(words).search(haystack)
                )
            return found

        return any(all(_holds(node, present, in_order) for node in gate) for gate in self._gates)


def page_haystack(html: str, *extra: str) -> str:
    """Folded text of the page and its meta tags' values, plus `extra`: where words are sought.

    Without markup and code the text is a tenth of the page (benchmark pages: 19 of 173 kB),
    and the whole costs about 1 ms a page (3.3 ms when code was kept and every attribute
    named content was sought by a pattern that started with an alternation)."""
    attributes = "\n".join(a or b for tag in _META.findall(html)
                           for a, b in _CONTENT_ATTR.findall(tag))  # fmt: skip
    # Tags out before entities are decoded: "&lt;Xinjiang&gt;" is text, not a tag.
    text = htmllib.unescape(_TAG.sub("", _without_code(html)) + "\n" + attributes)
    return fold(_INVISIBLE.sub("", "\n".join((text, *extra))))


def _without_code(html: str) -> str:
    """`html` less the content of its scripts (but JSON ones) and styles, as an HTML parser
    delimits them: up to the first closing tag of the same name. An unclosed one is kept.
    One linear scan of the tags, where a pattern spanning each block backtracked (and went
    quadratic on a page of unclosed scripts)."""
    parts: list[str] = []
    done = 0  # html[:done] is settled
    inside: tuple[str, int] | None = None  # (tag name, where its block starts)
    for tag in _CODE_TAG.finditer(html):
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if inside is None:
            if not closing and not (name == "script" and "json" in attributes.lower()):
                inside = (name, tag.start())
        elif closing and name == inside[0]:
            parts.append(html[done : inside[1]])
            done, inside = tag.end(), None
    parts.append(html[done:])
    return "".join(parts)


def _holds(
    node: Node, present: Callable[[str], bool], in_order: Callable[[tuple[str, ...]], bool]
) -> bool:
    # A phrase's words one after another: "north western" is common as two words anywhere
    # on a news page (north, western), rare as a run ("north-western", "northwestern").
    if isinstance(node, Phrase) and not node.slop and len(node.words) > 1:
        return in_order(node.words)
    if isinstance(node, Word | Prefix | Phrase):
        return all(present(word) for word in _words(node))
    if isinstance(node, Near):
        return _holds(node.left, present, in_order) and _holds(node.right, present, in_order)
    if isinstance(node, And):
        return all(_holds(child, present, in_order) for child in node.children)
    if isinstance(node, Or):
        return any(_holds(child, present, in_order) for child in node.children)
    if isinstance(node, Not):
        return True  # what a page lacks says nothing about what its article lacks
    raise TypeError(f"unknown query node {type(node).__name__}")


@functools.lru_cache(maxsize=1024)
def _run_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """A phrase's words in the folded page text, as the matcher's tokens would stand: one
    after another with only non-word characters between them (none where a tag was)."""
    return re.compile(r"[\W_]*".join(map(re.escape, words)))


def _words(node: Word | Prefix | Phrase) -> tuple[str, ...]:
    """The strings whose presence a leaf needs: a stem is sought as it is."""
    if isinstance(node, Word):
        return (node.text,)
    if isinstance(node, Prefix):
        return (node.stem,)
    return node.words
