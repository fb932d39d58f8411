"""Lexical claim features and the per-profile index of known claims.

Two claims say the same thing when the content words of the newer one are (mostly) found
in the older one, weighted by rarity: "the council rejected the motion by 19 votes to 17"
is contained in "the motion was rejected by 19 votes to 17, with 11 abstentions". Content
words are stemmed (Snowball), then go through the dedupe module's spelling-tolerant
skeleton, so Uighur/Uyghur, centres/centers and abstained/abstaining are one word.
Containment (not Jaccard) is what lets a shortened quote or a line lifted out of a long
sentence count as known.

Figures are compared as numbers, not words (see figures.py); a negation on one side only
("did not find" against "found") and opposite outcomes ("adopted" against "rejected") keep
two claims apart.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import snowballstemmer
from text_to_num import alpha2digit

from worker.claims.figures import Figures, figures_of, unmatched
from worker.dedupe.fingerprint import content_words, normalise, skeleton

# A negation cue and the word it governs: "could not confirm estimates" negates confirm, so
# "confirmed the estimates" is another claim, while "India did not oppose the motion" does
# not clash with "India abstained".
_NEGATED = re.compile(
    r"(?:\b(?:not|no|never|nor|neither|without|cannot)|n't)\s+((?:[a-z-]+\s*){1,3})"
)
NEGATED_WORDS = 1
# Opposite outcomes worded alike: "the council adopted the resolution" must not pass for
# "the council rejected the resolution". Each word stands for its inflections (prefix match).
_OPPOSITES = (
    ("adopt", "reject"), ("approv", "reject"), ("pass", "reject"), ("pass", "fail"),
    ("support", "oppos"), ("welcom", "condemn"), ("welcom", "denounc"), ("favour", "against"),
    ("favor", "against"), ("increas", "decreas"), ("rise", "fall"), ("rose", "fell"),
    ("releas", "detain"), ("allow", "ban"), ("accept", "reject"), ("confirm", "deny"),
    ("confirm", "denied"), ("won", "lost"), ("open", "clos"), ("lift", "impos"),
)  # fmt: skip
_STANCE = re.compile(r"\b(" + "|".join(sorted({s for pair in _OPPOSITES for s in pair})) + ")")
_DIGITS = re.compile(r"^\d")
# Stemming before the skeleton: "abstained"/"abstaining", "countries"/"country" become one.
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True, slots=True)
class Features:
    """What claim comparison looks at: content-word skeletons, figures, polarity."""

    tokens: frozenset[str]
    figures: Figures
    negated: frozenset[str]  # tokens under a negation cue
    stances: frozenset[str] = frozenset()  # the _OPPOSITES stems the sentence uses

    def to_signature(self) -> list[object]:
        """A JSON-ready form, stored with each known claim so loading needs no re-parsing."""
        f = self.figures
        return [sorted(self.tokens), list(f.quantities), list(f.years), sorted(self.negated),
                sorted(self.stances)]  # fmt: skip

    @classmethod
    def from_signature(cls, data: list[Any]) -> Features:
        """The inverse of to_signature."""
        tokens, quantities, years, negated, stances = data
        figures = Figures(tuple(quantities), tuple(years))
        return cls(frozenset(tokens), figures, frozenset(negated), frozenset(stances))


def features_of(text: str) -> Features:
    """The comparable features of one claim sentence (the speaker's name included: a
    line repeated by its own speaker shares it, and leaving names out measured worse)."""
    normal = _PHRASES.sub(lambda m: _PHRASE_WORD[m.group(0)], normalise(text))
    words = content_words(alpha2digit(normal, "en"))
    tokens = _tokens(words)
    stances = frozenset(_STANCE.findall(normal))  # stop words count here: "against" is one
    negated = frozenset(
        token
        for match in _NEGATED.finditer(normal)
        for token in _token_list(content_words(match.group(1)))[:NEGATED_WORDS]
    )
    return Features(tokens, figures_of(text), negated & tokens, stances)


def _tokens(words: list[str]) -> frozenset[str]:
    return frozenset(_token_list(words))


def _token_list(words: list[str]) -> list[str]:
    return [_token(w) for w in words if not _DIGITS.match(w)]


@functools.lru_cache(maxsize=200_000)
def _token(word: str) -> str:
    # Snowball is pure Python (about 0.1 ms a word); news vocabulary repeats, so cache.
    stem = _STEMMER.stemWord(word)
    return skeleton(_SYNONYM_STEMS.get(stem, stem))


# Words news writing uses for one another (wire copy, rewrites and content-farm spinning
# swap them): each group counts as its first word. Kept to verbs and nouns whose swap never
# changes what is claimed; opposites stay apart (see _OPPOSITES).
_SYNONYMS = (
    ("condemn", "denounce", "criticise", "criticize", "slam", "decry", "blast", "castigate"),
    ("publish", "release", "issue", "unveil"),
    ("close", "shut"),
    ("imprison", "jail", "incarcerate"),
    ("nation", "country"),
    ("government", "authorities"),
    ("motion", "resolution", "proposal"),
    ("urge", "demand"),
    ("allegation", "accusation"),
    ("confirm", "verify"),
    ("delay", "postpone"),
    ("investigation", "inquiry", "probe"),
    ("abuse", "violation"),
    ("mechanism", "body"),
    ("assessment", "report", "evaluation"),
    ("big", "large", "huge"),
)
_SYNONYM_STEMS = {
    _STEMMER.stemWord(word): _STEMMER.stemWord(group[0]) for group in _SYNONYMS for word in group
}
# Phrasal verbs for a single word, replaced before tokenising.
_PHRASES = re.compile(r"\b(?:voted|turned) down\b|\bshut down\b|\bcalled for\b")
_PHRASE_WORD = {"voted down": "rejected", "turned down": "rejected", "shut down": "closed",
                "called for": "urged"}  # fmt: skip


def merged(parts: Sequence[Features]) -> Features:
    """One Features holding several known claims: what they say together."""
    return Features(
        frozenset().union(*(p.tokens for p in parts)),
        Figures(
            tuple(q for p in parts for q in p.figures.quantities),
            tuple(y for p in parts for y in p.figures.years),
        ),
        frozenset().union(*(p.negated for p in parts)),
        frozenset().union(*(p.stances for p in parts)),
    )


def containment(new: Features, known: Features, weigh: Callable[[str], float]) -> float:
    """Weighted share of `new`'s words that `known` holds."""
    total = sum(weigh(t) for t in new.tokens)
    return sum(weigh(t) for t in new.tokens & known.tokens) / total if total else 0.0


class LexicalIndex:
    """Known claims of one profile, searchable by shared content words."""

    def __init__(self) -> None:
        self._features: dict[int, Features] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._features

    def add(self, claim_id: int, features: Features) -> None:
        """Index one known claim (idempotent)."""
        if claim_id in self._features:
            return
        self._features[claim_id] = features
        for token in features.tokens:
            self._postings[token].append(claim_id)

    def weight(self, token: str) -> float:
        """Inverse document frequency: a word every claim has ("china") weighs little."""
        n = len(self._features)
        return math.log((n + 1) / (len(self._postings.get(token, ())) + 1)) + 1.0

    def ranked(
        self, features: Features, limit: int, weigh: Callable[[str], float] | None = None
    ) -> list[tuple[int, float]]:
        """Known claims by weighted containment of `features`' words in theirs, best first.

        `weigh` gives word weights from another index (a small overlay of claims just added
        is weighed by the rarity of words in the whole profile)."""
        weigh = weigh or self.weight
        weights = {t: weigh(t) for t in features.tokens}
        total = sum(weights.values())
        if not total:
            return []
        shared: dict[int, float] = defaultdict(float)
        for token, w in weights.items():
            for claim_id in self._postings.get(token, ()):
                shared[claim_id] += w
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(claim_id, score / total) for claim_id, score in best]

    def features(self, claim_id: int) -> Features:
        """The features a known claim was indexed with."""
        return self._features[claim_id]


def compatible(new: Features, known: Features) -> bool:
    """False when a figure, the polarity or the outcome differs: then no wording makes
    them the same claim."""
    if unmatched(new.figures, known.figures):
        return False
    if new.negated & (known.tokens - known.negated) or known.negated & (new.tokens - new.negated):
        return False  # one says "not X" where the other says X
    return not any(
        (a in new.stances and b in known.stances and a not in known.stances)
        or (b in new.stances and a in known.stances and b not in known.stances)
        for a, b in _OPPOSITES
    )
