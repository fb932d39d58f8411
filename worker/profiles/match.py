"""Score one article against every profile in one pass, with the evidence for each score.

The article is cleaned of boilerplate (see boilerplate.py), folded and tokenised once. Only
tokens some profile can use are indexed (a dict from token, or `stem*`, to positions), so
the cost grows with the article's length, not with the number of profiles. Each profile's
query and terms then read positions from that shared index; positions of a sub-expression
are computed once per article and reused across profiles.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from worker.profiles.boilerplate import content_lines
from worker.profiles.load import Profile
from worker.profiles.query import And, Near, Node, Not, Or, Phrase, Prefix, Word, fold
from worker.records import Article, MatchResult, TermHit

# Words and sentence ends in one regex pass: a ".", "!" or "?" followed by optional closing
# quotes and then space, or a line end, closes a sentence.
_SCAN = re.compile(r"[^\W_]+|[.!?][\"'”’)\]]*(?=\s|$)|\n")
# Title and body positions live in one number line; the gap keeps phrases and NEAR from
# spanning the two zones.
_ZONE_GAP = 1000
_TOKEN_CACHE_LIMIT = 200_000  # distinct tokens remembered; about 20 MB at worst


class Matcher:
    """Profiles compiled for matching; `match` scores one article against all of them."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = tuple(profiles)
        words: set[str] = set()
        stems: set[str] = set()
        for profile in self.profiles:
            focus = [f.node for f in (*profile.focus, *profile.rivals)]
            for node in [profile.query, *(t.node for t in profile.terms), *focus]:
                _collect(node, words, stems)
        self._words = frozenset(words)
        self._stems = frozenset(stems)
        self._max_stem = max((len(s) for s in stems), default=0)
        self._keys: dict[str, tuple[str, ...]] = {}
        # Where no profile sets a bar beside another, match() skips that pass.
        self._any_beside = any(profile.min_score_beside for profile in self.profiles)

    def match(self, article: Article) -> list[MatchResult]:
        """One MatchResult per profile, in profile order."""
        doc = self._index(article.title, "\n".join(content_lines(article.text)))
        own = [_score(profile, doc) for profile in self.profiles]
        if self._any_beside:
            own = _beside_applied(self.profiles, own)
        return _with_included(self.profiles, own)

    def short_of_floors(self, article: Article) -> list[str]:
        """The profiles `article` is on but says too little of to match: every gate holds
        (query, focus, rivals) but the score or the count of sentences with its terms."""
        doc = self._index(article.title, "\n".join(content_lines(article.text)))
        return [
            profile.name
            for profile in self.profiles
            if doc.holds(profile.query)
            and _in_focus(profile, doc)
            and not _rival_first(profile, doc)
            and not (
                _score(profile, doc).score >= profile.min_score
                and _sentences(profile, doc) >= profile.min_sentences
            )
        ]

    def gates(self, article: Article, name: str) -> dict[str, bool]:
        """Which of the named profile's conditions hold: why an article did or did not match."""
        profile = next(p for p in self.profiles if p.name == name)
        doc = self._index(article.title, "\n".join(content_lines(article.text)))
        result = _score(profile, doc)
        gates = {
            "query": doc.holds(profile.query),
            "focus": _in_focus(profile, doc),
            "min_score": result.score >= profile.min_score,
            "min_sentences": _sentences(profile, doc) >= profile.min_sentences,
        }
        if profile.rivals:
            gates["rivals"] = not _rival_first(profile, doc)
        if profile.min_score_beside:
            named = {name for name, _ in profile.min_score_beside}
            others = {p.name: _score(p, doc) for p in self.profiles if p.name in named}
            gates["min_score_beside"] = not _background(profile, result, others)
        return gates

    def _keys_of(self, token: str) -> tuple[str, ...]:
        keys = self._keys.get(token)
        if keys is None:
            found = [token] if token in self._words else []
            top = min(len(token), self._max_stem)
            found += [token[:n] + "*" for n in range(3, top + 1) if token[:n] in self._stems]
            keys = tuple(found)
            if len(self._keys) < _TOKEN_CACHE_LIMIT:
                self._keys[token] = keys
        return keys

    def _index(self, title: str, body: str) -> _Doc:
        doc = _Doc()
        self._add(doc, title, 0, 0)
        doc.body_start = _ZONE_GAP
        self._add(doc, body, _ZONE_GAP, 1)
        return doc

    def _add(self, doc: _Doc, text: str, start: int, sentence: int) -> None:
        pos = start
        positions, sentence_of, keys_of = doc.positions, doc.sentence_of, self._keys_of
        for tok in _SCAN.findall(fold(text)):
            if tok[0] in ".!?\n":
                sentence += 1
                continue
            keys = keys_of(tok)
            if keys:
                sentence_of[pos] = sentence
                for key in keys:
                    positions[key].append(pos)
            pos += 1


class _Doc:
    """The per-article index: positions of useful tokens, their sentences, memoised nodes."""

    __slots__ = ("body_start", "memo", "positions", "sentence_of")

    def __init__(self) -> None:
        self.positions: defaultdict[str, list[int]] = defaultdict(list)
        self.sentence_of: dict[int, int] = {}
        self.body_start = 0
        self.memo: dict[int, list[int]] = {}

    def find(self, node: Node) -> list[int]:
        """Sorted start positions where a positional node occurs."""
        key = id(node)  # nodes live as long as the Matcher; equal-but-distinct ones just repeat
        found = self.memo.get(key)
        if found is None:
            found = _find(self, node)
            self.memo[key] = found
        return found

    def holds(self, node: Node) -> bool:
        """Whether a (boolean or positional) node holds on the article."""
        if isinstance(node, And):
            return all(self.holds(child) for child in node.children)
        if isinstance(node, Not):
            return not self.holds(node.child)
        if isinstance(node, Or):
            return any(self.holds(child) for child in node.children)
        return bool(self.find(node))


def _find(doc: _Doc, node: Node) -> list[int]:
    if isinstance(node, Word):
        return doc.positions.get(node.text, [])
    if isinstance(node, Prefix):
        return doc.positions.get(node.stem + "*", [])
    if isinstance(node, Phrase):
        return _phrase(doc, node)
    if isinstance(node, Near):
        right = doc.find(node.right)
        return [p for p in doc.find(node.left) if _within(right, p, node.distance)]
    if isinstance(node, Or):
        return _union(doc, node)
    raise TypeError(f"{type(node).__name__} has no positions")  # the loader forbids this


def _union(doc: _Doc, node: Or) -> list[int]:
    """Start positions of any child, counting overlapping alternatives once.

    "Human Rights Council" and "rights council" in one group must count one mention, not
    two: a start inside the span of an earlier kept match is dropped.
    """
    spans = sorted((p, _width(child)) for child in node.children for p in doc.find(child))
    out: list[int] = []
    end = -1
    for start, width in spans:
        if start >= end:
            out.append(start)
            end = start + width
    return out


def _width(node: Node) -> int:
    if isinstance(node, Phrase) and node.slop == 0:
        return len(node.words)
    if isinstance(node, Or):
        return min(_width(child) for child in node.children)
    return 1


def _phrase(doc: _Doc, node: Phrase) -> list[int]:
    lists = [doc.positions.get(w, []) for w in node.words]
    if not all(lists):
        return []
    if node.slop == 0:
        rest = [set(p) for p in lists[1:]]
        return [p for p in lists[0] if all(p + k + 1 in s for k, s in enumerate(rest))]
    reach = len(node.words) - 1 + node.slop
    return [p for p in lists[0] if all(_within(other, p, reach) for other in lists[1:])]


def _within(sorted_positions: list[int], p: int, distance: int) -> bool:
    i = bisect_left(sorted_positions, p - distance)
    return i < len(sorted_positions) and sorted_positions[i] <= p + distance


def _score(profile: Profile, doc: _Doc) -> MatchResult:
    score = 0.0
    hits: list[TermHit] = []
    sentences: set[int] = set()
    for term in profile.terms:
        found = doc.find(term.node)
        if not found:
            continue
        in_title = bisect_left(found, doc.body_start)
        in_body = len(found) - in_title
        title_part = profile.title_boost if in_title else 0.0
        score += term.weight * (min(in_body, profile.term_cap) + title_part)
        sentences.update(doc.sentence_of[p] for p in found)
        hits.extend(_hits(term.text, in_title, in_body))
    matched = (
        score >= profile.min_score
        and len(sentences) >= profile.min_sentences
        and _in_focus(profile, doc)
        and not _rival_first(profile, doc)
        and doc.holds(profile.query)
    )
    return MatchResult(profile.name, round(score, 3), matched, tuple(hits))


def _beside_applied(profiles: Sequence[Profile], own: list[MatchResult]) -> list[MatchResult]:
    """The results, with a match undone where its profile is background to another that
    matched on its own (`min_score_beside`); that profile's own result decides, so no
    chain needs resolving."""
    by_name = {result.profile: result for result in own}
    return [
        replace(result, matched=False) if _background(profile, result, by_name) else result
        for profile, result in zip(profiles, own, strict=True)
    ]


def _background(profile: Profile, result: MatchResult, by_name: dict[str, MatchResult]) -> bool:
    """True when `result` matched but falls short of the bar `profile` sets beside another
    profile that matched on its own."""
    return result.matched and any(
        name in by_name and by_name[name].matched and result.score < bar
        for name, bar in profile.min_score_beside
    )


def _with_included(profiles: Sequence[Profile], results: list[MatchResult]) -> list[MatchResult]:
    """The results, with a profile that did not match on its own matched through the best
    scored of the profiles it includes that did: its own score stays (its alerts' channels
    filter on it), and the included profile's evidence is added to its own."""
    by_name = {result.profile: result for result in results}
    return [_through(profile, own, by_name) for profile, own in zip(profiles, results, strict=True)]


def _through(profile: Profile, own: MatchResult, by_name: dict[str, MatchResult]) -> MatchResult:
    inner = [by_name[n] for n in profile.includes if n in by_name and by_name[n].matched]
    if own.matched or not inner:
        return own
    best = max(inner, key=lambda r: r.score)
    hits = own.hits + tuple(h for h in best.hits if h not in own.hits)
    return MatchResult(profile.name, own.score, True, hits, through=best.profile)


def _sentences(profile: Profile, doc: _Doc) -> int:
    return len({doc.sentence_of[p] for t in profile.terms for p in doc.find(t.node)})


def _in_focus(profile: Profile, doc: _Doc) -> bool:
    for focus in profile.focus:
        found = doc.find(focus.node)
        in_title = bisect_left(found, doc.body_start)
        if not in_title and len(found) - in_title < profile.min_focus:
            return False
    return True


def _rival_first(profile: Profile, doc: _Doc) -> bool:
    """True when a rival subject is named more often (title and body) than the profile's
    first focus: the article compares its own subject with this one."""
    if not profile.rivals:
        return False
    subject = len(doc.find(profile.focus[0].node))
    return any(len(doc.find(rival.node)) > subject for rival in profile.rivals)


def _hits(text: str, in_title: int, in_body: int) -> Iterable[TermHit]:
    if in_title:
        yield TermHit(text, "title", in_title)
    if in_body:
        yield TermHit(text, "body", in_body)


def _collect(node: Node, words: set[str], stems: set[str]) -> None:
    """Gather every token and wildcard stem a node can ask the index for."""
    if isinstance(node, Word):
        words.add(node.text)
    elif isinstance(node, Prefix):
        stems.add(node.stem)
    elif isinstance(node, Phrase):
        words.update(node.words)
    elif isinstance(node, Near):
        _collect(node.left, words, stems)
        _collect(node.right, words, stems)
    elif isinstance(node, Not):
        _collect(node.child, words, stems)
    else:
        for child in node.children:
            _collect(child, words, stems)
