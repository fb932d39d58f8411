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
million" does. So are spans that only place a claim in time ("sixteen months since the
report", "three years ago"): a later article dates the same fact from another day.

News writing states one figure in several forms, and `spelled_out` brings them to one:
fractions and ratios are percentages, and rough ones ("roughly a third of its supply" for
35 per cent, "one in every eight tonnes" for 12 per cent, "two-fifths of" for 41 per
cent); money in headline scales is written out ("£2.3m" is 2.3 million); a fortnight is 14
days and a decade 10 years; "fifty-page" is "50 page" (text2num leaves a number word joined
to a noun alone); ordinals ("a third resolution", "3rd") are not figures.

Each figure keeps the word it counts ("212 suppliers"; for a share, what it is a share of:
"35% of the polysilicon"), so that a figure restated in another sentence than the one that
first gave it can be recognised (see lexical.py).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from text_to_num import alpha2digit

_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(1000|100000|1000000|10000000|1000000000)\b)?"
)
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_BEFORE_MONTH = re.compile(r"\s*(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b", re.IGNORECASE)
_MONTH_BEFORE_DAY = re.compile(_MONTH + r"\s+$", re.IGNORECASE)
# fmt: off
_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty")
# fmt: on
_SMALL_VALUE = {word: n for n, word in enumerate(_SMALL, start=1)}
_SMALL_NUMBER = r"(\d+|" + "|".join(_SMALL) + r")"
_NUMBER_WORD = "|".join(
    (*_SMALL, "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
     "thousand")
)  # fmt: skip
# "a 38-million-franc credit line", "a $2.3-billion deal": digits hyphened to a scale word
# are one figure, as "38 million francs" is; read as they stood, they were two (38 and a
# million), a figure no known claim states (set CS).
_DIGITS_SCALE_COMPOUND = re.compile(
    r"(?<=\d)-(?=(?:thousand|million|billion|trillion|lakhs?|crores?)\b)", re.IGNORECASE
)
# "fifty-page": a number word hyphened to a noun (not "forty-eight", one number).
_NUMBER_WORD_COMPOUND = re.compile(
    r"\b(" + _NUMBER_WORD + r")-(?!(?:one|two|three|four|five|six|seven|eight|nine)\b)(?=[a-z])",
    re.IGNORECASE,
)


def _value(word: str) -> int:
    return int(word) if word.isdigit() else _SMALL_VALUE[word.lower()]


# Spelled fractions and durations as the figures they stand for; fractions are rough by
# nature, so they carry "about" (see HEDGES). "four and a half million" is 4.5 million (a
# rewrite's way to say "A$4.5 million"; text2num read 4 and a million), "two dozen" is 24.
_DENOMINATORS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
_FRACTION = (
    r"\b(a|one|two|three|four|five|six|seven|eight|nine)[- ]("
    + "|".join(d for d in _DENOMINATORS if d != "half")
    + r")s?\s+of\b"
)


# A change by a fraction: "orders fell by almost a third", "cut by half", "grew by
# two-thirds" state a share as "a third of" does (set CY: "fell by almost a third last
# year" read as no figure, and so as a known line on the orders). Only after a verb or word
# of change ("backed by a third country" is no share), and not "cut by a third party".
_CHANGED_BY = (
    r"\b((?:fell|fallen|falls?|dropped|drops?|declined|declines?|decreased|decreases?|rose"
    r"|risen|rises?|grew|grown|grows?|increased|increases?|cut|reduced|reduces?|shrank|shrunk"
    r"|shrinks?|slumped|slumps?|plunged|plunges?|jumped|jumps?|climbed|climbs?|down|up"
    r"|lower|higher)\s+by\s+(?:(?:" + "|".join(("about", "around", "roughly", "some",
    "nearly", "almost", "just under", "under", "more than", "over", "just over", "close to",
    "less than")) + r")\s+)?)"
)  # fmt: skip
_FRACTION_CHANGE = (
    _CHANGED_BY
    + r"(?:(a|one|two|three|four|five|six|seven|eight|nine)[- ]("
    + "|".join(d for d in _DENOMINATORS if d != "half")
    + r")s?|(half))\b(?!-\w|\s+part(?:y|ies)\b)"
)


def _share(numerator: int, denominator: int) -> str:
    """A fraction as the rough percentage news copy gives for it elsewhere."""
    return f"about {100 * numerator / denominator:.3g}%"


def _spelled_share(count_word: str, part_word: str) -> str:
    """ "two" "fifths" -> "about 40%", "a" "tenth" -> "about 10%"."""
    count = 1 if count_word.lower() in ("a", "one") else _value(count_word)
    # Matched as the pattern matched it: the regex engine reads a dotless "ı" as an "i".
    part = next(d for d in _DENOMINATORS if re.fullmatch(d, part_word, re.IGNORECASE))
    return _share(count, _DENOMINATORS[part])


def _fraction(match: re.Match[str]) -> str:
    """ "two-fifths of" -> "about 40% of", "a tenth of" -> "about 10% of"."""
    return _spelled_share(match.group(1), match.group(2)) + " of"


def _fraction_change(match: re.Match[str]) -> str:
    """ "fell by almost a third" -> "fell by almost about 33.3%", "cut by half" -> "cut by
    about 50%"."""
    if match.group(4):
        return match.group(1) + _share(1, 2)
    return match.group(1) + _spelled_share(match.group(2), match.group(3))


_SPELLED: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), figure)
    for pattern, figure in (
        (r"\b" + _SMALL_NUMBER + r" and a half\b", lambda m: f"{_value(m.group(1))}.5"),
        (r"\b" + _SMALL_NUMBER + r" dozen\b", lambda m: str(12 * _value(m.group(1)))),
        (_FRACTION, _fraction),
        (_FRACTION_CHANGE, _fraction_change),
        (r"\bhalf of\b", "about 50% of"),
        (r"\bhalf a (million|billion)\b", r"0.5 \1"),
        (r"\ba fortnight\b", "14 days"),
        (r"\b(?:a|one) decade\b", "10 years"),
        (r"\ba dozen\b", "12"),
    )
)
# Each _SPELLED pattern holds one of these words: a text with none of them needs none of the
# substitutions, which were half the cost of spelled_out (most claims have none).
_SPELLED_WORDS = (*_DENOMINATORS, "fortnight", "decade", "dozen")
_SPELLED_WORD = re.compile("|".join(_SPELLED_WORDS), re.IGNORECASE)
# "one in eight", "one in every five", "nine out of ten": a share, as "12.5%" or "20 per
# cent" would give it. Only a one-figure count of a round whole: "19 out of 47 members" keeps
# its two figures (a tally is news as it stands), and "one in 2019" is a year.
_RATIO = re.compile(
    r"\b(?P<count>one|two|three|four|five|six|seven|eight|nine|[1-9])"
    r"\s+(?:in|(?P<out>out\s+of))\s+(?:every\s+)?"
    r"(?P<whole>two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|a\s+hundred|"
    r"[2-9]|10|20|100|1,?000)\b(?!,\d)",
    re.IGNORECASE,
)
_RATIO_WHOLES = {"twenty": 20, "hundred": 100, "a hundred": 100}


def _ratio(match: re.Match[str]) -> str:
    count = _value(match.group("count"))
    whole_word = " ".join(match.group("whole").lower().split()).replace(",", "")
    whole = _RATIO_WHOLES.get(whole_word) or _value(whole_word)
    if count >= whole or (whole < 10 and match.group("out")):
        # "5 out of 7 bottles" counts a set, as "five of the seven bottles" does (CR): a
        # share is "out of" a round whole ("nine out of ten"), or "in" any ("one in seven")
        return match.group(0)
    return _share(count, whole)


# "£2.3m", "$4bn", "€150k", "1.2bn": money in the abbreviated scales of headlines and rewrites,
# written out so that text2num and the scale rule read "2.3 million" as 2,300,000. A bare
# "m" or "k" is a scale only after a currency sign ("a 2.3m wall" is metres).
_SCALE_ABBREVIATION = re.compile(
    r"(?:(?<=[£$€¥])(\d+(?:\.\d+)?)\s?(m|mn|bn|b|k)|\b(\d+(?:\.\d+)?)\s?(bn|mn))\b",
    re.IGNORECASE,
)
_SCALE_WORDS = {"m": "million", "mn": "million", "bn": "billion", "b": "billion", "k": "thousand"}


def _scale_written(match: re.Match[str]) -> str:
    number, scale = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    return f"{number} {_SCALE_WORDS[scale.lower()]}"


# "tens of thousands of students", "hundreds of people", "1000's of families": an order of
# magnitude, not a figure. text2num made them "10 of 1000" (two figures that no restatement
# such as "46,000 students" states), so before it they become one word that stands for any
# such vague number (rewrites swap "thousands" and "tens of thousands" freely): a vague phrase
# still restates a vague one, a precise figure that a vague one restates is no change, and a
# precise figure after a vague one is still new.
_VAGUE = re.compile(
    r"\b(?:(?:tens|dozens|scores|hundreds)\s+of\s+)?(?:dozens|hundreds|thousands|millions|"
    r"billions)\b|\b(?:100|1,?000|1,?000,?000)'?s\b",
    re.IGNORECASE,
)
_VAGUE_WORD = "magnitude"


_PERCENT = re.compile(r"(\d)\s*(?:per\s?cent|percent|p\.c\.?(?!\w))", re.IGNORECASE)
# "16 months since", "3 years ago", "six weeks after the vote": when, not what. Since the
# first session of 2026-12-07 also "ten months have passed since", "It is three years
# today since" (sets C and AY: the assessment dated from the day of writing).
_TIME_SPAN = re.compile(
    r"\b\d+(?:\.\d+)?\s+(?:days?|weeks?|months?|years?)\s+(?=(?:ago|after|since|later|"
    r"earlier|before|on|ha(?:ve|s|d) (?:now )?(?:passed|gone by|elapsed)|today|tonight"
    r"|this (?:week|month))\b)",
    re.IGNORECASE,
)
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)s?\b", re.IGNORECASE)
# A day of the month as an ordinal, "the second of September" (set CY; text2num writes the
# others, "the 21st of May", in digits): a day, as "2 September" is, so that a ruling put
# off to another day reads as dated otherwise (lexical._dated_otherwise).
_SPELLED_DAY = re.compile(r"\b(first|second)(?=\s+of\s+" + _MONTH + r"(?!\w))", re.IGNORECASE)
_SPELLED_DAYS = {"first": "1st", "second": "2nd"}
# The word a figure counts: "212 suppliers", "14-day"; for a share, what it is a share of
# ("35% of the polysilicon"): a bare "6%" could be of anything.
_UNIT = re.compile(r"\s*(?:(%)\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?|-?\s*)([A-Za-z]+)")
# "38 million Swiss francs", "4 million US dollars": what is counted is the currency, not
# the country naming it ("a 38-million-franc credit line" counts francs too).
_CURRENCY_NAMED = re.compile(
    r"\s+(dollars?|francs?|pesos?|euros?|pounds?|yuan|renminbi|rupees?|rand|krona|kronor"
    r"|krone|kroner|crowns?|won|yen|roubles?|rubles?|lira|dirhams?|shillings?|naira|cedis?"
    r"|ringgit|baht|dinars?|riyals?|rials?|reais|real|zlot(?:y|ys|ych)|forints?|tenge|som)\b",
    re.IGNORECASE,
)
# "an estimated million or more": a scale word with no number before it is one of it.
# text2num has turned every "<number> million" into digits by then, so what is left is bare.
# and the Indian scales, as Indian papers write them: "fourteen lakh capsules" is 1.4 million
_BARE_SCALE = re.compile(r"\b(million|billion|lakhs?|crores?)\b", re.IGNORECASE)
_SCALE_DIGITS = {"million": "1000000", "billion": "1000000000", "lakh": "100000",
                 "lakhs": "100000", "crore": "10000000", "crores": "10000000"}  # fmt: skip
# A span of years written short, as financial years are: "2021-22" is 2021 to 2022, not a
# year and the figure 22.
_SHORT_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)[-–/](\d\d)\b(?![-–/]\d)")
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
    + r")|(?P<at_least>" + _HEDGE_WORDS["at_least"] + r"))\s+"
    # a fraction comes "about" (_share): "more than a third" is at least a third (set AW)
    r"(?:about\s+)?(?:a\s+|an\s+)?$",
    re.IGNORECASE,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Figures:
    """Quantities and years stated in a sentence."""

    quantities: tuple[float, ...]
    years: tuple[int, ...]
    hedged: tuple[tuple[float, str], ...] = ()  # (quantity, HEDGES key) of rounded ones
    units: tuple[tuple[float, str], ...] = ()  # (quantity, the word after it, lowercased)
    dates: tuple[tuple[int, int], ...] = ()  # (month, day) of each day of the month it names

    def hedge_of(self, quantity: float) -> str | None:
        """The hedge of one of the quantities, or None when it is stated exactly."""
        return next((h for q, h in self.hedged if q == quantity), None)

    def as_strings(self) -> tuple[str, ...]:
        """The quantities as short strings, for storage and alerts ("1800000", "19")."""
        return tuple(_show(q) for q in self.quantities)


# An article spinner's figures mix words and digits: it swaps "hundred" for "100" as it
# swaps any word for a synonym, so "one thousand one hundred and fifty" comes out "one
# thousand 100 and fifty", "two thousand three hundred" "two thousand 300". A digit group
# after a scale word, or before "and" and a number word, is part of the spelled number
# (_unmixed).
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_AFTER_SCALE = re.compile(r"\b(thousand|hundred|million) (\d{1,3})\b(?![,.]\d)", re.IGNORECASE)
# "100 and eighty" is "one hundred and eighty"; "between 100 and two hundred" is a range.
_BEFORE_AND = re.compile(
    r"(?<![\d,.])\b([1-9]00)(?= and (?:"
    + "|".join((*_SMALL, *_TENS))
    + r")\b(?!(?:-\w+)?\s+(?:hundred|thousand|million|billion)))",
    re.IGNORECASE,
)


def _in_words(number: int) -> str:
    """A number under a thousand in words, for text2num to read with its neighbours."""
    hundreds, rest = divmod(number, 100)
    words = [f"{_SMALL[hundreds - 1]} hundred"] if hundreds else []
    if rest and rest <= 20:
        words.append(_SMALL[rest - 1])
    elif rest:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens - 2] + (f"-{_SMALL[ones - 1]}" if ones else ""))
    return " ".join(words)


# "4 hundred and ten" (set AJ's spinner) is "four hundred and ten": text2num read a digit
# before "hundred" as a figure of its own ("4" and "110").
_DIGIT_HUNDRED = re.compile(r"(?<![\d,.])\b([1-9]) (?=hundred\b)", re.IGNORECASE)


def _unmixed(text: str) -> str:
    """`text` with a spinner's digits inside a spelled number in words (_AFTER_SCALE,
    _BEFORE_AND, _DIGIT_HUNDRED)."""
    text = _DIGIT_HUNDRED.sub(lambda m: f"{_SMALL[int(m.group(1)) - 1]} ", text)
    text = _AFTER_SCALE.sub(lambda m: f"{m.group(1)} {_in_words(int(m.group(2)))}", text)
    return _BEFORE_AND.sub(lambda m: _in_words(int(m.group(1))), text)


# A year said as it is spoken: "nineteen seventy-four", "twenty twenty-two", "twenty
# twenty". text2num reads two numbers there ("19 74"), two figures that no known claim
# states, so a spinner's restatement of a date read as news (set AC).
_SPOKEN_YEAR = re.compile(
    r"\b(nineteen|twenty)[\s-]+((?:"
    + "|".join(_TENS)
    + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b(?!-)(?!\s+"
    r"(?:hundred|thousand|million|billion|per\s?cent|percent)\b)",
    re.IGNORECASE,
)


def _spoken_year(match: re.Match[str]) -> str:
    century = 1900 if match.group(1).lower() == "nineteen" else 2000
    tens, _, ones = match.group(2).lower().partition("-")
    rest = _TENS.index(tens) * 10 + 20 if tens in _TENS else _SMALL_VALUE[tens]
    return str(century + rest + (_SMALL_VALUE[ones] if ones else 0))


@functools.lru_cache(maxsize=4096)
def spelled_out(text: str) -> str:
    """`text` with its figures in digits, one form each (see the module docstring), and
    the spans that only date it left out."""
    if "nineteen" in text.lower() or "twenty" in text.lower():
        text = _SPOKEN_YEAR.sub(_spoken_year, text)
    if " and " in text or "thousand " in text or "hundred " in text or "million " in text:
        text = _unmixed(text)
    if _may_be_spelled(text):
        for pattern, figure in _SPELLED:
            text = pattern.sub(figure, text)
    if " in " in text or " out of " in text:
        text = _RATIO.sub(_ratio, text)
    text = _SCALE_ABBREVIATION.sub(_scale_written, text)
    text = _VAGUE.sub(_VAGUE_WORD, text)
    if "-" in text:  # a compound needs its hyphen; the pattern costs more than alpha2digit
        text = _NUMBER_WORD_COMPOUND.sub(r"\1 ", text)
        text = _DIGITS_SCALE_COMPOUND.sub(" ", text)
    digits = alpha2digit(text, "en")
    return _TIME_SPAN.sub("", _PERCENT.sub(r"\1%", digits))


def _may_be_spelled(text: str) -> bool:
    """False when no _SPELLED pattern can match `text`: it holds none of their words."""
    if text.isascii():  # where IGNORECASE matching is plain lowercase comparison
        lowered = text.lower()
        return any(word in lowered for word in _SPELLED_WORDS)
    # Else the regex engine decides, as it does for the patterns ("ſ" is an "s" to it).
    return _SPELLED_WORD.search(text) is not None


@functools.lru_cache(maxsize=4096)
def figures_of(text: str) -> Figures:
    """Every quantity and year in `text`, in order of appearance, without repeats.

    Cached: extraction (the claim's figures) and comparison (its features) both ask."""
    digits = _BARE_SCALE.sub(lambda m: _SCALE_DIGITS[m.group(1).lower()], spelled_out(text))
    if "-" in digits or "/" in digits or "–" in digits:
        digits = _SHORT_YEAR_SPAN.sub(_whole_years, digits)
    quantities: list[float] = []
    years: list[int] = []
    hedged: list[tuple[float, str]] = []
    units: list[tuple[float, str]] = []
    dates: list[tuple[int, int]] = []
    if "first" in digits or "second" in digits:  # ... which text2num leaves in words
        digits = _SPELLED_DAY.sub(lambda m: _SPELLED_DAYS[m.group(1).lower()], digits)
    for match in _NUMBER.finditer(digits):
        raw, scale = match.group(1), match.group(2)
        value = float(raw.replace(",", ""))
        if _ORDINAL_SUFFIX.match(digits, match.end()):
            # "the 2nd of September" is a day; "3rd", "the 2nd resolution" a rank
            if scale is None and 1 <= value <= 31 and (month := _month_of(digits, match)):
                dates.append((month, int(value)))
            continue
        if scale:
            value *= float(scale)
        plain = not scale and "," not in raw and "." not in raw
        if plain and 1900 <= value <= 2099:
            years.append(int(value))
        elif plain and 1 <= value <= 31 and (month := _month_of(digits, match)):
            dates.append((month, int(value)))  # "31 August", "Aug. 31": a date, like a year
        elif value not in quantities:
            quantities.append(value)
            hedge = _HEDGE_BEFORE.search(digits[max(0, match.start() - 30) : match.start()])
            if hedge is not None and hedge.lastgroup is not None:
                hedged.append((value, hedge.lastgroup))
            unit = _UNIT.match(digits, match.end())
            if unit is not None:
                currency = _CURRENCY_NAMED.match(digits, unit.end())
                counted = currency.group(1) if currency else unit.group(2)
                units.append((value, (unit.group(1) or "") + counted.lower()))
    return Figures(tuple(quantities), tuple(dict.fromkeys(years)), tuple(hedged), tuple(units),
                   tuple(dict.fromkeys(dates)))  # fmt: skip


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
        if not any(restates(q, new.hedge_of(q), k, known.hedge_of(k)) for k in known.quantities)
    )


def restates(q: float, hedge: str | None, k: float, known_hedge: str | None) -> bool:
    """True when figure `q` (stated with `hedge`) can be the known figure `k`."""
    return same_figure(q, k) or _within(q, hedge, k) or _within(k, known_hedge, q)


# Every figure restates() can match lies within these multiples of the figure it is asked
# about (the widest hedge either way, or the same-figure rounding), with a margin for float
# error: a lookup in KnownFigures reads only the known figures between them.
_LOWEST = min([1 - SAME_FIGURE_TOLERANCE, *(min(lo, 1 / hi) for lo, hi in HEDGES.values())])
_HIGHEST = max([1 / (1 - SAME_FIGURE_TOLERANCE), *(max(hi, 1 / lo) for lo, hi in HEDGES.values())])
REACH = (_LOWEST * 0.99, _HIGHEST * 1.01)


class KnownFigures:
    """The figures known claims state, per unit, each (quantity, hedge) once, sorted.

    Whether a known claim restates a figure is read from the few known figures within
    REACH of it, not from every known claim with that unit: a million known claims share a
    few units ("people", "", "%"), and the scan was a Python loop over all of them.
    """

    def __init__(self) -> None:
        self._units: dict[str, tuple[list[float], list[str]]] = {}
        self._held: set[tuple[float, str, str]] = set()

    def add(self, quantity: float, hedge: str, unit: str) -> None:
        """Note a known figure (a figure already noted is not added again)."""
        if (quantity, hedge, unit) in self._held:
            return
        self._held.add((quantity, hedge, unit))
        quantities, hedges = self._units.setdefault(unit, ([], []))
        at = bisect.bisect_right(quantities, quantity)
        quantities.insert(at, quantity)
        hedges.insert(at, hedge)

    def states(self, quantity: float, hedge: str, unit: str) -> bool:
        """Whether a known figure of `unit` can be `quantity` (up to the hedges)."""
        quantities, hedges = self._units.get(unit, ([], []))
        low, high = sorted((quantity * REACH[0], quantity * REACH[1]))
        first, last = bisect.bisect_left(quantities, low), bisect.bisect_right(quantities, high)
        return any(
            restates(quantity, hedge or None, quantities[i], hedges[i] or None)
            for i in range(first, last)
        )


def _within(rounded: float, hedge: str | None, exact: float) -> bool:
    """True when a figure given as `hedge` `rounded` can stand for `exact`."""
    if hedge is None:
        return False
    low, high = HEDGES[hedge]
    return low * rounded <= exact <= high * rounded


def _whole_years(span: re.Match[str]) -> str:
    first = int(span.group(1))
    second = first // 100 * 100 + int(span.group(2))
    second += 100 if second <= first else 0  # "1999-00"
    return f"{first}-{second}" if second - first <= 10 else span.group(0)


def _month_of(text: str, number: re.Match[str]) -> int:
    """The month (1 to 12) of the day of the month that `number` is, else 0."""
    named = _DAY_BEFORE_MONTH.match(text, number.end()) or _MONTH_BEFORE_DAY.search(
        text, 0, number.start()
    )
    return _MONTHS.index(named.group("month")[:3].lower()) + 1 if named else 0


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
