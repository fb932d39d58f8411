"""Figures in a sentence, as numbers: "one million" and "1,000,000" are one figure.

text2num turns number words into digits ("nineteen" -> "19", "forty-eight" -> "48") and
leaves a lone "one" ("one of the members") alone. It writes a scale on its own ("1.8
million" -> "1.8 1000000", "a million" -> "a 1000000"), so a scale that follows a number
multiplies it, and a scale alone ("a million") is the figure.

A figure after a hedge ("nearly 2,400", "more than 300", "just over fourteen years", "about
a million") is a rounding, not a statement of its own value: it matches a precise figure on
the side and within the reach its hedge allows (HEDGES), so a restatement that rounds a
known figure stays known, while "more than 1.5 million" after "one million" is still new.

Years (1900-2099 standing alone) are kept apart and days of the month are dropped: a claim
that adds "in 2022" to a known line says nothing new, while "1 million" becoming "1.8
million" does.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from text_to_num import alpha2digit

_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(1000|1000000|1000000000)\b)?"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_BEFORE_MONTH = re.compile(r"\s*(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b", re.IGNORECASE)
_MONTH_BEFORE_DAY = re.compile(_MONTH + r"\s+$", re.IGNORECASE)
# "an estimated million or more": a scale word with no number before it is one of it.
# text2num has turned every "<number> million" into digits by then, so what is left is bare.
_BARE_SCALE = re.compile(r"\b(million|billion)\b", re.IGNORECASE)
_SCALE_DIGITS = {"million": "1000000", "billion": "1000000000"}
# Figures are compared as numbers; two within this relative distance are the same figure
# (rounding: "1.8 million" and "1,800,000"; not "1.8" and "1.9").
SAME_FIGURE_TOLERANCE = 0.005
# What a hedged figure v can stand for, as (lowest, highest) multiples of v: "about" either
# side, "at most" a little under ("nearly 2,400" for 2,381), "at least" a little over ("more
# than 300" for 312). Round-number reporting rounds to two significant digits or so; these
# reaches allow that and no more.
HEDGES = {"about": (0.9, 1.1), "at_most": (0.85, 1.0), "at_least": (1.0, 1.2)}
_HEDGE_WORDS = {
    "about": r"about|around|approximately|roughly|some|an estimated|estimated|circa",
    "at_most": r"nearly|almost|close to|just under|under|fewer than|less than|up to|"
    r"not quite",
    "at_least": r"more than|over|just over|at least|upwards of|in excess of|above|"
    r"greater than",
}
_HEDGE_BEFORE = re.compile(
    r"\b(?:(?P<about>" + _HEDGE_WORDS["about"] + r")|(?P<at_most>" + _HEDGE_WORDS["at_most"]
    + r")|(?P<at_least>" + _HEDGE_WORDS["at_least"] + r"))\s+(?:a\s+|an\s+)?$",
    re.IGNORECASE,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Figures:
    """Quantities and years stated in a sentence."""

    quantities: tuple[float, ...]
    years: tuple[int, ...]
    hedged: tuple[tuple[float, str], ...] = ()  # (quantity, HEDGES key) of rounded ones

    def hedge_of(self, quantity: float) -> str | None:
        """The hedge of one of the quantities, or None when it is stated exactly."""
        return next((h for q, h in self.hedged if q == quantity), None)

    def as_strings(self) -> tuple[str, ...]:
        """The quantities as short strings, for storage and alerts ("1800000", "19")."""
        return tuple(_show(q) for q in self.quantities)


@functools.lru_cache(maxsize=4096)
def figures_of(text: str) -> Figures:
    """Every quantity and year in `text`, in order of appearance, without repeats.

    Cached: extraction (the claim's figures) and comparison (its features) both ask."""
    digits = _BARE_SCALE.sub(lambda m: _SCALE_DIGITS[m.group(1).lower()], alpha2digit(text, "en"))
    quantities: list[float] = []
    years: list[int] = []
    hedged: list[tuple[float, str]] = []
    for match in _NUMBER.finditer(digits):
        raw, scale = match.group(1), match.group(2)
        value = float(raw.replace(",", ""))
        if scale:
            value *= float(scale)
        plain = not scale and "," not in raw and "." not in raw
        if plain and 1900 <= value <= 2099:
            years.append(int(value))
        elif plain and 1 <= value <= 31 and _is_day(digits, match.start(), match.end()):
            continue  # "31 August", "Aug. 31": a date, like a year
        elif value not in quantities:
            quantities.append(value)
            hedge = _HEDGE_BEFORE.search(digits[max(0, match.start() - 30) : match.start()])
            if hedge is not None and hedge.lastgroup is not None:
                hedged.append((value, hedge.lastgroup))
    return Figures(tuple(quantities), tuple(dict.fromkeys(years)), tuple(hedged))


def same_figure(a: float, b: float) -> bool:
    """True when `a` and `b` are one figure up to rounding."""
    if a == b:
        return True
    return abs(a - b) <= SAME_FIGURE_TOLERANCE * max(abs(a), abs(b))


def unmatched(new: Figures, known: Figures) -> tuple[float, ...]:
    """Quantities of `new` that `known` does not state, up to the reach of a hedge on either
    side: what makes a reworded claim new."""
    return tuple(
        q
        for q in new.quantities
        if not any(
            same_figure(q, k) or _within(q, new.hedge_of(q), k) or _within(k, known.hedge_of(k), q)
            for k in known.quantities
        )
    )


def _within(rounded: float, hedge: str | None, exact: float) -> bool:
    """True when a figure given as `hedge` `rounded` can stand for `exact`."""
    if hedge is None:
        return False
    low, high = HEDGES[hedge]
    return low * rounded <= exact <= high * rounded


def _is_day(text: str, start: int, end: int) -> bool:
    return bool(_DAY_BEFORE_MONTH.match(text, end) or _MONTH_BEFORE_DAY.search(text[:start]))


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
