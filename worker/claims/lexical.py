"""Lexical claim features and the per-profile index of known claims.

Two claims say the same thing when the content words of the newer one are (mostly) found
in the older one, weighted by rarity: "the council rejected the motion by 19 votes to 17"
is contained in "the motion was rejected by 19 votes to 17, with 11 abstentions". Content
words are stemmed (Snowball), then go through the dedupe module's spelling-tolerant
skeleton, so Uighur/Uyghur, centres/centers and abstained/abstaining are one word.
Containment (not Jaccard) is what lets a shortened quote or a line lifted out of a long
sentence count as known. Words that only date or frame a claim ("on Thursday", "last
month", "even") are left out; figures and years count as words.

Figures are also compared as numbers (see figures.py): a changed figure keeps two claims
apart whatever the words, as do a negation on one side only ("did not find" against
"found"), opposite outcomes ("adopted" against "rejected") and, for a long quote, words of
the quote that the other claim does not hold.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np
import snowballstemmer

from worker.claims.figures import Figures, KnownFigures, figures_of, spelled_out, unmatched
from worker.claims.packed import Compact, PackedClaims, release_freed_memory
from worker.dedupe.fingerprint import content_words, normalise, skeleton

# A negation cue and the word it governs: "could not confirm estimates" negates confirm, so
# "confirmed the estimates" is another claim, while "India did not oppose the motion" does
# not clash with "India abstained". "Instead of lifting the freeze, extended it" and "rather
# than lift it" say the freeze was not lifted (set CY: read as the known "vote on whether to
# lift the freeze").
_NEGATED = re.compile(
    r"(?:\b(?:not|no|never|nor|neither|without|cannot|none|nobody|nothing|instead of"
    r"|rather than)|n't)\s+"
    r"((?:[a-z-]+\s*){1,3})"
)
# Quantifiers between a cue and what it negates: "not one family has been told" negates
# the family, as "no family has been told" does; "none of the people ... freed" negates the
# people (a quantifier read as the negated word made two wordings of one claim clash).
# "No evidence of forced labour" negates the forced labour, as "no forced labour" does
# (set AX: an audit that "found no forced labour" clashed with one that "found no evidence
# of forced labour").
_NEGATED_SKIP = frozenset(
    {"one", "single", "any", "more", "longer", "evidence", "sign", "signs", "indication",
     "indications", "proof", "trace", "traces",
     # what qualifies the thing lacked: "without valid passports" lacks the passports, as
     # "without passports" does (set CX: the two clashed as "not valid" and "not passports")
     "valid", "proper", "official", "sufficient", "adequate",
     # and what only softens it: "not really a journalist" denies the journalist, as "rather
     # than a journalist" does (set CY, once "rather than" was a cue)
     "really", "actually", "truly", "genuinely"}
)  # fmt: skip
NEGATED_WORDS = 1
# Bumped whenever the words of a claim are made otherwise (stems, synonyms, frame words,
# figures as words, hedged figures, the stance words, figures' written forms): known claims
# stored with an older signature are re-read from their text.
SIGNATURE_VERSION = 62  # 13: a spinner's mixed figures, "p.c."; 14: removed/taken down;
# 15: years as spoken ("nineteen seventy-four"); 16: banned/prohibited; 17: "free" people;
# 18: a status moved on ("tabled" / "adopted"); 19: "applied" / "granted", "4 hundred";
# 20: overlooked/ignored, progress/achievements; 21: stance words' false friends;
# 22: "more than a third" is at least a third; 23: statuses (a tenth field); 24: "no
# evidence of X" negates X; 25: the assessment's call and its word left out, retold;
# 26: "ten months have passed since" is when, not a figure; "did not go as far as";
# 27: "nor did it use"; 28: "steered clear of", "rounded up", "families like mine";
# 29: "called off", "denied any", a mission in a capital, "put a number on"; 30: "a few
# hundred"; 31: an arrest, then a verdict; 32: "what had happened to", "did not describe
# ... as genocide"; 33: 30's "a few hundred" undone (F44, not kept); 34: "withdrew" as
# "withdrawn" (F47); 35: F47 undone (not kept); 36: "null and void", "unlawful"; 37:
# "finished moving", "took effect"; 38: a court's ruling; 39: one status in other words,
# "restored"; 40: a promise kept ("promised", then "published"); 41: an inquiry opened;
# 42: "freed" is "released"; 43: 41 undone (F54, not kept); 44: days of the month, "expired",
# the earlier state of "released the cells it had detained"; 45: lakh and crore, "2021-22",
# an application decided; 46: "has no way of knowing" is "cannot know"; 47: a complaint
# accepted; 48: "put ... on hold" is "suspended", an offer turned down; 49: "keep it in a
# drawer" and "states"; 50: 49 undone (F62, not kept); 51: "froze", "first proposed"; 52: a
# visa "issued" is "granted", against "refused"; 53: whoever "ruled", "apologised",
# protect/defend/safeguard; 54: 53 undone (F65, not kept); 55: "let ... go / leave"; 56: a
# call and what it asks for; 57: "5 out of 7" two figures; 58: "No state has tabled ...";
# 59: "a 38-million-franc line" is one figure, "Swiss francs" count francs; 60: a call's
# asks numbered; 61: "without valid passports" lacks the passports; 62: "instead of",
# "rather than", "not really"; a change by a fraction, an ordinal day of the month
QUOTE_WORDS = 3  # quotes of fewer content words ("a farce") are checked as part of the sentence
# Opposite outcomes worded alike: "the council adopted the resolution" must not pass for
# "the council rejected the resolution"; nor a step further for the step before it ("the
# firm terminated the licences" after "suspended" them, "cancelled" after "postponed").
# Each word stands for its inflections (prefix match).
_OPPOSITES = (
    ("adopt", "reject"), ("approv", "reject"), ("pass", "reject"), ("pass", "fail"),
    ("support", "oppos"), ("welcom", "condemn"), ("welcom", "denounc"), ("favour", "against"),
    ("favor", "against"), ("increas", "decreas"), ("rise", "fall"), ("rose", "fell"),
    ("releas", "detain"), ("allow", "ban"), ("accept", "reject"), ("confirm", "deny"),
    ("confirm", "denied"), ("won", "lost"), ("open", "clos"), ("lift", "impos"),
    ("suspend", "terminat"), ("suspend", "cancel"), ("suspend", "revok"), ("postpon", "cancel"),
    ("suspend", "scrap"), ("postpon", "scrap"), ("freez", "terminat"),
    # a status that moved on (ninth session of 2026-12-06; set AI's motion "tabled", then
    # "adopted"): a bill or motion put forward, then decided; a case filed or pending, then
    # ruled on; a charge, then a verdict; a pause, then an end
    ("tabl", "adopt"), ("tabl", "approv"), ("propos", "adopt"), ("propos", "approv"),
    ("filed", "dismiss"), ("filed", "uph"), ("pend", "dismiss"), ("pend", "uph"),
    ("charg", "convict"), ("charg", "sentenc"), ("paus", "terminat"), ("paus", "ended"),
    ("suspend", "ended"), ("appl", "grant"), ("appl", "refus"),
    # an arrest, then a verdict (set BM: "convicted a 44-year-old" after "arrested a
    # 44-year-old ... on suspicion")
    ("arrest", "convict"), ("arrest", "sentenc"), ("arrest", "acquit"), ("charg", "acquit"),
    # a promise kept (set BV: a draft bill "promised", then "published")
    ("promis", "publish"),
    # a visa or permit refused, then granted (set CJ: "Canada issued Kasymov a visitor visa"
    # after it "has refused a visitor visa")
    ("grant", "refus"),
)  # fmt: skip
# Words that begin as a stance word and are none ("passport", "bank", "appliances",
# "fellow"): a line naming an appliance maker clashed with every known claim saying
# "granted" (set AR, tenth session of 2026-12-06).
_NOT_STANCES = {
    "pass": "port|eng|age|ive|ion", "appl": "ian|aus|e\\b|es\\b", "ban": "k|d|ner|ish|al|e\\b",
    "won": "der|t\\b|['’]t", "fell": "ow", "clos": "ely|est|er\\b", "favour": "it|ab",
    "favor": "it|ab", "oppos": "it", "impos": "sib", "tabl": "et", "uph": "ill|olst",
    "allow": "anc", "charg": "er", "open": "ly|ness", "convict": "ion", "arrest": "s\\b",
    "promis": "ing\\b",
}  # fmt: skip
_STANCE = re.compile(
    r"\b("
    + "|".join(
        stem + (f"(?!{_NOT_STANCES[stem]})" if stem in _NOT_STANCES else "")
        for stem in sorted({s for pair in _OPPOSITES for s in pair})
    )
    + ")"
)
# A status reached: a contract ended, an order suspended, a ruling upheld, a fund's
# exclusion, a resignation. A line that says one is news against a known claim that says
# none, however many of its names it shares ("FairSweet closed its review and suspended the
# range's certification" after "Sourcewise is calling on FairSweet to review it"; set AT):
# see novelty._moves_on. Whole words, past forms: "recalls that" and "a suspended sentence"
# would be "recall" and "suspend" too. A plan fulfilled is one: "finished moving all its
# silicone", "completed the sale", "the rule took effect" (sets BQ and BR); but not "would
# be finished by", "finished products" nor "until the audit was completed".
_STATUS_MOVED = re.compile(
    r"\b(recalled|suspended|terminated|cancell?ed|scrapped|lifted|resumed|reopened|withdrew"
    r"|withdrawn|divested|excluded|overturned|upheld|ratified|resigned|reinstated|revoked|restored"
    r"|cut ties|ended|fined|indicted|acquitted|took effect|(?:came|entered) into force"
    r"|(?<!when it )(?<!until it )(?<!once it )(?<!before it )expired"
    r"|(?:completed|finished)(?= (?:\w+ing|its|their|the|his|her)\b))\b"
)
# One status in other words: "the evening was scrapped" is the "cancelled" concert, "cut
# ties" the contract "ended", "restored" the licence "reinstated" (sets AL and BT).
_SAME_STATUS = {
    "scrapped": "cancelled", "canceled": "cancelled", "terminated": "ended",
    "cut ties": "ended", "restored": "reinstated", "withdrew": "withdrawn", "expired": "ended",
}  # fmt: skip
# A ruling: a court or a tribunal that rejected, dismissed, granted or approved something
# ("An Istanbul criminal court on 23 April rejected China's request to extradite", BS);
# as statuses, these verbs alone would be every denial of the story's background.
# ... and not one awaited: "if the regional court ruled against her client" (AW), the word
# of waiting before the court or between it and the verb.
_AWAITING = r"\b(?:if|unless|until|whether|once)\b"
_RULING = re.compile(
    r"\b(?:court|tribunal|judges?|appeals? (?:board|panel|body))\b"
    rf"(?:(?!{_AWAITING})[^.;]){{0,40}}?"
    r"\b(?:rejected|dismissed|granted|approved|ruled)\b"
)
# ... or a decision on an application, whoever made it: "the board formally rejected her
# application" after it "told her that her licence application could not go forward" (CC),
# "has accepted the complaint filed by the group" after the group said it would file it (CG)
_DECIDED = re.compile(
    r"\b(?:formally |finally )?(?:rejected|refused|granted|approved|dismissed|turned down"
    r"|accepted) (?:her|his|their|its|the|a|an) (?:[\w'’-]+ ){0,2}"
    r"(?:application|request|appeal|petition|bid|complaint|offer|invitation)\b"
)
_AWAITED = re.compile(_AWAITING + r"(?:\s+[\w'-]+){0,4}\s*$")
# "had", "had been", "had already": what comes next happened before the sentence's own news;
# so does "which the Commission first proposed" (CI)
_BEFORE_THE_PAST = re.compile(
    r"\b(?:had (?:been |already |previously |first |earlier )?|(?:first|originally|initially) )$"
)
# A call or a request: what someone asked another to do ("calls on the Belgian government to
# raise the case", "asks BAFA to open a review", "China should release"), which a later
# line can report done in the same words ("told us it raised the case", "has opened a
# review": CQ; 47 lines of the sets read missed so). Not a question put to a speaker
# ("asked about the report, the spokesperson said"). _PHRASES has made "call on / for"
# "urged".
_ASKS = re.compile(
    r"\b(?:urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|request(?:s|ed|ing)?"
    r"|ask(?:s|ed|ing)?(?! (?:about|whether|if|why|what|how|when|where|who|which|for comment)\b)"
    r"|(?:press|presses|pressed|pressing|want|wants|wanted|told|tells|tell) (?:[\w'’-]+ ){1,4}?to"
    r"|appeal(?:s|ed|ing)? (?:to|for)|plead(?:s|ed|ing)?|push(?:es|ed|ing)? for"
    r"|recommend(?:s|ed|ing|ations?)?|should|ought to)\b"
)
# ... made by the sentence, not told of inside it: not in a relative clause or after a modal
# ("a resolution that would have called for a debate", seed 004), nor a call as a noun
# ("brushed aside Chinese calls for the office to withhold it", seed 000)
_ASK_TOLD_OF = re.compile(
    r"\b(?:that|which|who|whom|whose|would|could|will|might|to|the|a|an|its|their|his|her"
    r"|our|these|those|such|chinese|western|renewed|repeated|growing|despite|amid|after|of)"
    r"\s+(?:have\s+)?$"
)
# ... and what speaks of a call without making one: a call's nouns, a wish
_ASKS_TOO = re.compile(
    r"\b(?:desire[sd]?|wish(?:es|ed)?|hope[sd]?) (?:that|the|to|[\w'’-]+ to)\b"
    r"|\b(?:calls?|appeals?|pleas?|requests?|demands?|wants?|wanted)\b"
)
_CLAUSE_END = re.compile(r"[;.:]|, (?:and|but|while|which|who)\b")  # where what is asked ends
# One call, several asks: "calls on the government to raise his case with Beijing and to
# propose a ban on imports" (CU); an answer to one of them is news however little of the
# other it holds.
_ASK_PARTS = re.compile(r"\s+(?:and|or)\s+(?=(?:to|on)\s)|,\s+(?:and\s+)?(?=(?:to|on)\s)")
# The marks among a claim's stances (no _OPPOSITES stem): ASKS for a call the sentence
# makes, with ASK_WORD, the ask's number and ":" before each word of each thing it asks
# for ("?ask:0:raise", "?ask:1:ban"); ASKED for any call it speaks
# of, as a noun or told of ("repeated the demand that", "the group desires the board to", a
# spinner's), which a line that reports the thing done never does
ASKS = "?ask"
ASKED = "?asked"
ASK_WORD = "?ask:"
# A sentence that opens on a negative existential: "No state has tabled a resolution on
# Xinjiang since the October vote" (CL, CR). Its news is the thing said not to exist or
# happen: NOTHING, with NOTHING_WORD before each of its first NOTHING_WORDS words.
_NOTHING = re.compile(r"^(?:no|nobody|none of the|not one|not a single)\b(?! (?:doubt|longer)\b)")
NOTHING = "?none"
NOTHING_WORD = "?none:"
NOTHING_WORDS = 3
_DIGITS = re.compile(r"^\d")
_DATE = "@"  # the tokens of a day of the month: "@11-20" is 20 November; they weigh nothing
_DATELINE = re.compile(
    r"(?:[A-Z][\w.'’ -]{0,40},\s+)?(?:\d{1,2}\s+[A-Z][a-z]+\.?|[A-Z][a-z]+\.?\s+\d{1,2},?)"
    r"\s+(?:19|20)\d\d\b"
)
_QUOTE = re.compile(r'"([^"]+)"')  # normalise() has made every double quote straight
# Stemming before the skeleton: "abstained"/"abstaining", "countries"/"country" become one.
_STEMMER = snowballstemmer.stemmer("english")
_Rows = np.ndarray[Any, np.dtype[np.signedinteger[Any]]]


@dataclass(frozen=True, slots=True)
class Features:
    """What claim comparison looks at: content-word skeletons, figures, polarity."""

    tokens: frozenset[str]
    figures: Figures
    negated: frozenset[str]  # tokens under a negation cue
    # the _OPPOSITES stems the sentence uses, and the marks of a call (ASKS) or of a
    # negative existential (NOTHING) with their words
    stances: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()  # tokens inside its direct quotes (not stored)
    # Each figure with the word it counts: (value, hedge or "", that word's token).
    atoms: frozenset[tuple[float, str, str]] = frozenset()
    statuses: frozenset[str] = frozenset()  # the _STATUS_MOVED words it uses

    def to_signature(self) -> list[object]:
        """A JSON-ready form, stored with each known claim so loading needs no re-parsing."""
        f = self.figures
        return [sorted(self.tokens), list(f.quantities), list(f.years), sorted(self.negated),
                sorted(self.stances), [list(h) for h in f.hedged],
                sorted([list(a) for a in self.atoms]), sorted(self.statuses),
                SIGNATURE_VERSION]  # fmt: skip

    @classmethod
    def from_signature(cls, data: list[Any]) -> Features | None:
        """The inverse of to_signature; None for a signature of an older version, whose
        words were made otherwise (compute the features from the text again)."""
        if len(data) != 9 or data[8] != SIGNATURE_VERSION:
            return None
        tokens, quantities, years, negated, stances, hedged, atoms, statuses, _ = data
        figures = Figures(tuple(quantities), tuple(years), tuple((q, h) for q, h in hedged))
        return cls(frozenset(tokens), figures, frozenset(negated), frozenset(stances),
                   atoms=frozenset((q, h, u) for q, h, u in atoms),
                   statuses=frozenset(statuses))  # fmt: skip


def known_features(signature: list[Any] | None, text: str) -> Features:
    """A known claim's features: its stored signature when current, else from its text."""
    stored = Features.from_signature(signature) if signature else None
    return stored if stored is not None else features_of(text)


def features_of(text: str) -> Features:
    """The comparable features of one claim sentence (the speaker's name included: a
    line repeated by its own speaker shares it, and leaving names out measured worse)."""
    normal = _rephrased(normalise(text))
    words = content_words(spelled_out(normal))
    figures = figures_of(text)
    # Figures and years are words too, rare and so weighty: a known claim with the same
    # tally holds that much of "defeated, with 17 votes in favour and 19 against" (a changed
    # figure still decides alone, in compatible()); "reports of detentions in 2024" is not
    # the 2022 report's finding. Three significant digits: "1.8 million" is "1,800,000".
    tokens = (
        _tokens(words)
        | {f"#{q:.3g}" for q in figures.quantities}
        | {f"y{year}" for year in figures.years}
        | _days(text, figures)
    )
    stances = _stances(normal) | _asks(normal) | _nothing(normal)
    negated = frozenset(
        token
        for match in _NEGATED.finditer(normal)
        for token in _token_list(
            [w for w in content_words(match.group(1)) if w not in _NEGATED_SKIP]
        )[:NEGATED_WORDS]
    )
    quoted = _tokens([w for m in _QUOTE.finditer(normal) for w in content_words(m.group(1))])
    statuses = frozenset(_SAME_STATUS.get(w, w) for w in _STATUS_MOVED.findall(normal))
    statuses |= _ruled(normal)
    return Features(tokens, figures, negated & tokens, stances, quoted & tokens, _atoms(figures),
                    statuses)  # fmt: skip


def _asks(normal: str) -> frozenset[str]:
    """{ASKS, ASKED} for a sentence that makes a call or a request (_ASKS), {ASKED} for
    one that only speaks of one, else nothing."""
    matches = list(_ASKS.finditer(normal))
    for match in matches:
        if not _ASK_TOLD_OF.search(normal, 0, match.start()):
            end = _CLAUSE_END.search(normal, match.end())
            asked = normal[match.end() : end.start() if end else len(normal)]
            words = {
                f"{ASK_WORD}{number}:{token}"
                for number, part in enumerate(_ASK_PARTS.split(asked))
                for token in _tokens(content_words(spelled_out(part)))
            }
            return frozenset({ASKS, ASKED} | words)
    return frozenset({ASKED}) if matches or _ASKS_TOO.search(normal) else frozenset()


def _stances(normal: str) -> frozenset[str]:
    """The _OPPOSITES stems `normal` uses (stop words count here: "against" is one). A stem
    in the past before the past after the sentence's own verb ("released the battery cells
    it had detained", "lifted the ban it had imposed") tells the earlier state, the one the
    sentence moves on from: it is left out, so the sentence stands for its outcome. Not
    reported speech ("said it had suspended five plants and revoked two"), where the past
    before the past comes first and is the news."""
    stems: list[str] = []
    for match in _STANCE.finditer(normal):
        if not (stems and _BEFORE_THE_PAST.search(normal, 0, match.start())):
            stems.append(match.group(1))
    return frozenset(stems)


def _days(text: str, figures: Figures) -> frozenset[str]:
    """The days of the month `text` names, as tokens (_dated_otherwise), but the day of its
    dateline ("Basel, 18 November 2022 Statement by ...", "3 September 2025 Last Sunday
    marked ..."): the day it was written, not a day it tells of."""
    dates = figures.dates
    if dates and (dateline := _DATELINE.match(text)):
        dates = figures_of(text[dateline.end() :]).dates
    return frozenset(f"{_DATE}{month}-{day}" for month, day in dates)


def _ruled(normal: str) -> frozenset[str]:
    """{"ruled"} for a sentence that tells of a ruling made (_RULING), else nothing."""
    ruling = _RULING.search(normal) or _DECIDED.search(normal)
    if ruling is None or _AWAITED.search(normal, 0, ruling.start()):
        return frozenset()
    return frozenset({"ruled"})


def _atoms(figures: Figures) -> frozenset[tuple[float, str, str]]:
    """Each figure with the token of the word it counts, where that is a content word."""
    atoms = set()
    for quantity, word in figures.units:
        share, counted = ("%", word[1:]) if word.startswith("%") else ("", word)
        unit = next(iter(_token_list(content_words(counted))), "")
        if unit:
            atoms.add((quantity, figures.hedge_of(quantity) or "", share + unit))
    return frozenset(atoms)


def _tokens(words: list[str]) -> frozenset[str]:
    return frozenset(_token_list(words))


def _token_list(words: list[str]) -> list[str]:
    return [_token(w) for w in words if not _DIGITS.match(w) and w not in _FRAME_WORDS]


# Words that place a claim in time or in the story without saying what is claimed: "on
# Thursday", "last month", "yesterday", "even", "still", "meanwhile". A rewrite adds or
# drops them freely (wire copy dates by weekday, a later article by "last month"), so they
# count on neither side. Months stay: with the day they make a date, and a new date is news.
# Neither do speech verbs that only frame a repeat ("noted", "stressed", "reiterated") nor
# hedges ("reportedly"): a line said again by another speaker is the same claim ("said" and
# "told" are stop words already). Not "added": "the US added 23 entities" is an action.
_FRAME = """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    tonight week weeks weekend month months day days last ago earlier later recently since
    still even meanwhile already ever currently again however continues continue
    nearly almost roughly approximately around upwards
    noted stressed stresses emphasised emphasized emphasises emphasizes reiterated reiterates
    explained explains remarked reportedly allegedly apparently"""
_FRAME_WORDS = frozenset(_FRAME.split())


def token_of(word: str) -> str:
    """The token a (lower-case) word becomes in a claim's features."""
    return _token(word)


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
    ("reject", "refuse", "defeat", "decline", "dismiss", "deny"),  # "denied the accusations"
    ("table", "propose", "submit", "sponsor"),  # not "propos": its skeleton is purpose's
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
    # The vocabulary of denials, which rebuttals re-voice in ever new words.
    ("fabricate", "invent", "concoct"),
    ("lie", "falsehood", "untruth"),
    ("disinformation", "misinformation"),
    ("tool", "weapon", "instrument"),
    ("smear", "slander", "vilify", "defame"),
    ("hodgepodge", "jumble", "mishmash"),
    ("distort", "twist", "misrepresent"),
    ("interfere", "meddle"),
    # "ignored the human rights achievements" re-voiced (sets AH and AK)
    ("ignore", "overlook", "disregard"),
    ("achievement", "progress"),
    ("company", "firm"),
    # Rewording that wire copy and rewrites use for the same act or the same people.
    ("suspend", "halt", "freeze", "stop", "pause", "froze", "frozen"),  # (its past, CI)
    ("debate", "discuss"),
    ("pledge", "promise", "vow", "undertake"),
    ("researcher", "scholar", "academic"),
    ("relative", "family"),
    ("counter", "combat", "fight", "tackle", "prevent"),
    ("remove", "delete", "erase"),
    ("ban", "prohibit", "outlaw", "forbid"),
    ("replace", "swap", "substitute"),
    # the assessment's call to account for the disappeared, retold in every set (AY to BA)
    ("disappear", "vanish"),
    # the ministry's "illegal and invalid", re-voiced as "unlawful and null and void" (BQ)
    ("illegal", "unlawful"),
)
_SYNONYM_STEMS = {
    _STEMMER.stemWord(word): _STEMMER.stemWord(group[0]) for group in _SYNONYMS for word in group
}
# Host capitals, for a mission named by them (lower case, as _PHRASES sees the text).
_CAPITALS = {
    "hague": "the netherlands", "london": "britain", "berlin": "germany", "paris": "france",
    "ottawa": "canada", "canberra": "australia", "tokyo": "japan", "brussels": "belgium",
    "vienna": "austria", "bern": "switzerland", "stockholm": "sweden", "oslo": "norway",
    "copenhagen": "denmark", "helsinki": "finland", "madrid": "spain", "rome": "italy",
    "lisbon": "portugal", "dublin": "ireland", "warsaw": "poland", "ankara": "turkey",
    "wellington": "new zealand", "astana": "kazakhstan", "brasilia": "brazil",
    "santiago": "chile", "beijing": "china",
}  # fmt: skip
# Phrases for a single word, replaced before tokenising.
_PHRASES = (
    (re.compile(r"\b(?:voted|turned) down\b"), "rejected"),
    (re.compile(r"\bshut down\b"), "closed"),
    (re.compile(r"\bcall(?:ed|s|ing)? (?:for|on)\b"), "urged"),
    (re.compile(r"\bput forward\b"), "proposed"),
    (re.compile(r"\bdeprived of (?:their |his |her )?liberty\b"), "detained"),
    (re.compile(r"\b(?:cooked|made) up\b"), "fabricated"),
    (re.compile(r"\bfalse information\b"), "misinformation"),
    (re.compile(r"\b(?:was|were|is|are) unable to\b"), "could not"),
    (re.compile(r"\block(?:ed|s|ing)? up\b"), "detained"),
    # "rounded up and held" for "detained" (set BF's op-ed retelling the assessment)
    (
        re.compile(r"\b(?:rounded|rounds|rounding|round) up(?: and (?:held|detained))?\b"),
        "detained",
    ),
    # "free everyone held arbitrarily" for "release all those detained": "free" of people
    # (not "free to leave", "free of"), which news copy uses for "release" as often
    (
        re.compile(
            r"\bfree(?:d|s|ing)?\b(?= (?:everyone|everybody|all|those|them|him|her|the"
            r" detainees|detainees|the prisoners|prisoners)\b)"
        ),
        "released",
    ),
    # "had heard nothing from" negates the hearing, as "had not heard from" does (the cue
    # governs the word after it, which here is not what is denied).
    (
        re.compile(
            r"\b(heard|hears|said|says|found|finds|knew|knows|saw|sees|learned|learnt|"
            r"received|receives|got|gets|reported|reports|showed|shows)\s+nothing\b"
        ),
        r"not \1 anything",
    ),
    # The assessment's call to free the detained and account for the disappeared, retold in
    # words of every day (sets AY, AZ and BA): "let go of people held without reason", "tell
    # families what has become of relatives who vanished", "where their relatives are".
    (re.compile(r"\b(?:let go of|set free)\b"), "released"),
    # "Dutch authorities let the Greek bulk carrier Aegean Thyme leave Rotterdam" after they
    # "detained" it (CM), "a judge let him go", "nine containers were let go": released,
    # of people as of goods (not "let the tournament go ahead", "let go on"; not what one
    # "would ever let" happen, a permission supposed: "they would never let me leave again")
    (
        re.compile(
            r"(?<!\bwould )(?<!\bwill )(?<!\bcould )(?<!\bmight )(?<!\bever )(?<!\bnever )"
            r"\b(?:let|lets|letting) ((?:[\w'’-]+ ){1,6}?)(?:go|leave)\b(?! (?:ahead|on|of)\b)"
        ),
        r"released \1",
    ),
    (re.compile(r"\b(?:was|were|been|being) let go\b(?! of\b)"), "released"),
    # "issued Kasymov a visitor visa" is "granted" it (CJ): of a visa, a permit, a passport
    (
        re.compile(
            r"\bissued (?=(?:[\w'’-]+ ){0,3}(?:visas?|permits?|passports?|residence cards?)\b)"
        ),
        "granted ",
    ),
    # "put its supply contract with Lumora on hold" is "suspended" it (CH), as is "placed"
    (
        re.compile(r"\b(?:put|puts|putting|placed|places) ((?:[\w'’-]+ ){0,6})on hold\b"),
        r"suspended \1",
    ),
    # "has no way of knowing that ..." is "cannot know that ..." (a spinner's, CF): so the
    # negation falls on the knowing, as in the line it rewords
    (
        re.compile(r"\b(?:has|have|had) no (?:way|means) of (know|tell|check|verify|confirm)ing\b"),
        r"cannot \1",
    ),
    # "freed two of the three yarn shipments" after customs "detained three shipments" (BZ):
    # past and passive, of goods as of people ("freed up" funds is no release)
    (re.compile(r"\bfreed\b(?! up\b)"), "released"),
    (
        re.compile(
            r"\b(?:held|holds|holding|detained|locked up|jailed) (?:arbitrarily|without"
            r" (?:reason|cause|charge|trial|legal basis|(?:proper |legal |any )?grounds))\b"
        ),
        "arbitrarily detained",
    ),
    (
        re.compile(
            r"\b(?:tell|telling|told|tells|inform|let) (?:\w+ ){0,2}(?:families|relatives)"
            r"(?: like (?:mine|ours|theirs|his|hers)| of (?:the )?[\w-]+"
            r"| (?:who|that|whose)(?: [\w-]+){1,5}?(?= where\b))?"
            r"(?: know)? (?:what (?:has|had|have) (?:become of|happened to)|where)\b"
        ),
        "clarify the whereabouts of",
    ),
    # A word left out, retold in every set that recalls the assessment ("stopped short of
    # calling the abuses genocide", "never used the word genocide"; the seeds: "made no
    # mention of genocide")
    (
        re.compile(
            r"\b(?:stopped|stops|stop) short of|\bdid not go (?:as|so) far as"
            r"|\bnor did (?:it|the (?:report|assessment|office|document)) use"
            # "didn't describe China's conduct as genocide" (set BO's spinner)
            r"|\b(?:did not|didn't|does not|doesn't|never) (?:describe|call|label|characteri[sz]e)"
            r"(?=[\w'’ ]{0,40} as genocide\b)"
            r"|\b(?:avoided|avoids|never used|did not use"
            r"|didn't use|declined to use|shied away from|refrained from using"
            r"|steer(?:ed|s|ing)? clear of)"
            r"(?= (?:the (?:word|term|label)|calling|using|that word))"
        ),
        "made no mention of",
    ),
    # the capital for the country, as news copy names governments ("cooked up by Washington
    # and certain Western forces"; the seeds: "by the United States and some western forces")
    (
        re.compile(
            r"\bwashington\b(?!'s? (?:post|times|examiner)|,? d\.?c\.?|\s+(?:state|university"
            r"|post|times|examiner|dulles))"
        ),
        "the united states",
    ),
    (re.compile(r"\bhit(?:s|ting)? out at\b"), "condemned"),
    # BH's op-ed: a concert "called off" then "cancelled" is one status, not a move on
    (re.compile(r"\bcall(?:ed|s|ing)? off\b"), "cancelled"),
    # "denied any connection" says "no connection", as the embassy's own words did (BH)
    (re.compile(r"\b(den(?:y|ies|ied|ying)) any\b"), r"\1 no"),
    # a mission named by its host capital: "China's embassy in The Hague" is its embassy
    # in the Netherlands (BH)
    (
        re.compile(
            r"\b(embassy|embassies|consulate|mission) in (?:the )?(" + "|".join(_CAPITALS) + r")\b"
        ),
        lambda m: f"{m.group(1)} in {_CAPITALS[m.group(2)]}",
    ),
    # the assessment's "could not confirm estimates of how many", retold in BD, BF and BH
    # as "declined to put a number on how many people had been held"
    (
        re.compile(
            r"\b(?:declined|refused|did not|didn't|would not|wouldn't|could not|couldn't)"
            r" (?:to )?(?:put|give|offer) an? (?:number|figure|estimate|total) (?:on|for|to)"
        ),
        "could not confirm estimates of",
    ),
    (re.compile(r"\b(?:took|taken|take|takes|taking) down\b"), "removed"),
    (re.compile(r"\bnull and void\b"), "invalid"),
)


def _rephrased(normal: str) -> str:
    for pattern, word in _PHRASES:
        normal = pattern.sub(word, normal)
    return normal


def merged(parts: Sequence[Features]) -> Features:
    """One Features holding several known claims: what they say together."""
    return Features(
        frozenset().union(*(p.tokens for p in parts)),
        Figures(
            tuple(q for p in parts for q in p.figures.quantities),
            tuple(y for p in parts for y in p.figures.years),
            tuple(h for p in parts for h in p.figures.hedged),
        ),
        frozenset().union(*(p.negated for p in parts)),
        frozenset().union(*(p.stances for p in parts)),
        atoms=frozenset().union(*(p.atoms for p in parts)),
    )


def containment(new: Features, known: Features, weigh: Callable[[str], float]) -> float:
    """Weighted share of `new`'s words that `known` holds."""
    total = sum(weigh(t) for t in new.tokens)
    return sum(weigh(t) for t in new.tokens & known.tokens) / total if total else 0.0


# Words held by more known claims than this do not select candidates (see ranked()): at a
# million known claims "china" is in a third of them, and adding up its postings was most
# of the cost of judging a claim (benchmarks/claims_scale.py).
COMMON_DF = 1_000
RESCORED = 100  # candidates selected by the rarer words, then scored on every word
# Scores are added up over every row of the index while it has at most this many rows per
# posting, plus a base (see _summed): the measured break-even of a bincount over all rows
# against sorting the rows found (2026-12-04: 4; it was 32 against np.unique, which cost
# three to five times the stable sort it now is).
FULL_BINCOUNT_PER_POSTING = 4
FULL_BINCOUNT_BASE = 2_048
# Up to this many postings in all, a claim is scored in plain Python: numpy's fixed cost per
# call (about 15 us) is more than the loop's, and most lookups are in the small index of
# claims an article has just added.
PYTHON_SCORED = 64
# From this many common words on, candidates are rescored from their own words rather than
# by a search of each word's postings (measured break-even on 100,000 known claims: 6).
GATHER_AT = 6
# Up to this many candidates not packed yet, their common words are read from their own
# tokens in Python; past it (an index mostly unpacked, under PACK_AT claims), the search of
# each word's postings is the cheaper.
PYTHON_HELD = 16
# Past this many claims added since it was last packed, the index packs them into arrays
# (packed.py), or past a 32nd of those already packed: packing costs time in proportion to
# all claims, so past 640,000 it happens about 22 times each time the index doubles. The
# unpacked claims cost 0.75 KB each; the memory they leave when packed is reused by the next.
PACK_AT = 20_000
PACK_SHARE = 32
BULK_PACKS = 5  # add_many packs PACK_AT times this many claims at a time,
BULK_SHARE = 8  # or this share of those already packed
WORDS_MEMO = 100_000  # packed word numbers remembered, of words claims were judged on


class LexicalIndex:
    """Known claims of one profile, searchable by shared content words.

    Postings hold dense row numbers and are scored with numpy: every claim of a profile
    shares its common words ("china", "xinjiang"), so a Python loop over their postings grew
    with the index and cost most of the claims stage on texts full of new claims (see
    docs/claims.md, Cost). bincount adds each claim's weights in the same order the loop did,
    so the scores are the same floats and ties break the same way (by claim id).

    Past COMMON_DF claims a word's postings no longer select candidates: the rarer words
    select up to RESCORED of them, which are then scored on all words. A known claim that
    shares only very common words with a claim holds too little of it to say the same thing;
    but one that shares few of its rarer words and many of its common ones can, and then may
    not be among the RESCORED, or not selected at all. What that does to verdicts is
    measured by claims_scale.py --verdict-sizes (docs/performance.md): the labelled sets
    judged with a million more known claims in the index, by this search and by the exact
    one (a common_df no word reaches: every claim sharing a word scored on every word).

    Claims are added to Python structures and packed into arrays in bulk once they are many
    (PACK_AT): the first rows are packed, the rest are not, and a word's rows are the packed
    ones followed by the others.
    """

    def __init__(self, common_df: int = COMMON_DF, pack_at: int = PACK_AT) -> None:
        self._common_df = common_df
        self._pack_at = pack_at
        self._packed = PackedClaims()  # rows 0 .. packed.size - 1
        self._words: dict[str, int] = {}  # token -> its packed word number (memo)
        # The claims added since, rows packed.size onwards:
        self._rows_of: dict[int, int] = {}  # claim id -> row
        self._ids = array("q")  # row - packed.size -> claim id
        self._stored: list[Compact] = []  # row - packed.size -> the claim's features, compact
        self._postings: dict[str, array[int]] = {}  # token -> rows
        self._arrays: dict[str, _Rows] = {}  # postings as arrays, dropped when one grows
        self._weights: dict[str, float] = {}  # weight() memo, cleared by add()
        self._id_array: _Rows | None = None  # _ids as an array, dropped by add()
        self._figures = KnownFigures()  # what states_figure() reads

    def __len__(self) -> int:
        return self._packed.size + len(self._ids)

    def __contains__(self, claim_id: object) -> bool:
        if claim_id in self._rows_of:
            return True
        return isinstance(claim_id, int) and self._packed.row_of(claim_id) is not None

    def ids_since(self, rows: int) -> list[int]:
        """The ids of the claims indexed after the first `rows` (in the order added)."""
        packed = self._packed.ids[rows:].tolist()
        return [*packed, *self._ids[max(0, rows - self._packed.size) :]]

    def add(self, claim_id: int, features: Features) -> None:
        """Index one known claim (idempotent)."""
        if claim_id in self:
            return
        for quantity, hedge, unit in features.atoms:
            self._figures.add(quantity, hedge, unit)
        self._add_compact(claim_id, _compact(features))

    def _add_compact(self, claim_id: int, compact: Compact) -> None:
        row = len(self)
        self._weights.clear()  # one more claim changes every word's rarity
        self._id_array = None
        self._rows_of[claim_id] = row
        self._ids.append(claim_id)
        self._stored.append(compact)
        for token in compact[0]:
            posting = self._postings.get(token)
            if posting is None:
                posting = self._postings[token] = array("i")
            posting.append(row)
            self._arrays.pop(token, None)
        if len(self._ids) >= self._packs_at():
            self.pack()

    def add_many(self, claims: Iterable[tuple[int, Features]]) -> None:
        """Index known claims in bulk, as add() one by one would (a profile's first load).

        Whole packs of them go straight into packed form, without the postings that add()
        builds for each claim and packing throws away; what is left over goes through add().
        The batch holds compact claims, not Features: a hundred thousand Features objects
        (2.2 KB each) left 500 MB that the process kept after packing them.

        A few claims (a pool process catching up with what other processes added) are added
        one by one and packed only when add() would pack them: packing rebuilds every array,
        and in a pool process that is a private copy of what it shared with its parent (it
        was done at every catch-up once the process had added a claim of its own: 550 MB a
        pool process at a million known claims a profile, docs/performance.md)."""
        batch: dict[int, Compact] = {}  # claim id -> compact claim, in the order read
        for claim_id, features in claims:
            if claim_id in self or claim_id in batch:
                continue
            batch[claim_id] = _compact(features)
            for quantity, hedge, unit in features.atoms:
                self._figures.add(quantity, hedge, unit)
            # Larger packs than add()'s: fewer of them (each costs time in proportion to
            # all claims), and the batch is gone once packed.
            if len(batch) >= max(BULK_PACKS * self._pack_at, self._packed.size // BULK_SHARE):
                self._pack_after_unpacked(batch)
                batch = {}
        if len(batch) >= self._pack_at:
            self._pack_after_unpacked(batch)
            batch = {}
        for claim_id, compact in batch.items():
            self._add_compact(claim_id, compact)

    def _pack_after_unpacked(self, batch: dict[int, Compact]) -> None:
        """Pack the claims not packed yet, then `batch` after them, in one go (rows keep the
        order the claims were added in)."""
        ids, claims = [*self._ids, *batch], [*self._stored, *batch.values()]
        self._rows_of, self._ids, self._stored = {}, array("q"), []
        self._postings = {}
        self._pack_in(ids, claims)

    def pack(self) -> None:
        """Pack the claims added since the last time into arrays (see packed.py)."""
        if self._ids:
            self._pack_after_unpacked({})

    def _pack_in(self, ids: Sequence[int], claims: Sequence[Compact]) -> None:
        """Pack `claims` after the packed ones (with no claim left unpacked)."""
        self._packed = self._packed.with_added(ids, claims)
        self._arrays, self._id_array, self._words, self._weights = {}, None, {}, {}
        release_freed_memory()

    def _packs_at(self) -> int:
        return max(self._pack_at, self._packed.size // PACK_SHARE)

    def states_figure(self, quantity: float, hedge: str, unit: str) -> bool:
        """Whether a known claim states `quantity` of `unit` (up to the hedges)."""
        return self._figures.states(quantity, hedge, unit)

    def weight(self, token: str) -> float:
        """Inverse document frequency: a word every claim has ("china") weighs little."""
        known = self._weights.get(token)
        if known is None and token.startswith(_DATE):
            known = self._weights[token] = 0.0  # a day decides alone (_dated_otherwise)
        elif known is None:
            known = self._weights[token] = math.log((len(self) + 1) / (self._df(token) + 1)) + 1.0
        return known

    def ranked(
        self,
        features: Features,
        limit: int,
        weigh: Callable[[str], float] | None = None,
    ) -> list[tuple[int, float]]:
        """Known claims by weighted containment of `features`' words in theirs, best first.

        `weigh` gives word weights from another index (a small overlay of claims just added
        is weighed by the rarity of words in the whole profile). Past COMMON_DF the search
        takes a shortcut (see the class)."""
        if not len(self):
            return []
        weigh = weigh or self.weight
        weights = {t: w for t in features.tokens if (w := weigh(t))}
        total = sum(weights.values())
        df = {t: self._df(t) for t in weights}
        held = [t for t in weights if df[t]]
        if not total or not held:
            return []
        selecting = [t for t in held if df[t] <= self._common_df]
        if len(selecting) == len(held) and sum(df[t] for t in held) <= PYTHON_SCORED:
            return self._best_in_python(held, weights, total, limit)
        if len(selecting) == len(held):
            found, shared = self._summed(held, weights)
            return self._best(found, shared, total, limit)
        if not selecting:  # nothing but common words: the two rarest select
            selecting = sorted(held, key=lambda t: df[t])[:2]
        found, partial = self._summed(selecting, weights)
        # Ties go to the latest claims: a text restates this week's news more often than an
        # old story's, and with few words selecting, thousands of candidates tie.
        top = len(partial) - 1 - _top_stable(partial[::-1], RESCORED)
        found, partial = found[top], partial[top]
        rest = self._held_weights(found, [t for t in held if t not in selecting], weights)
        return self._best(found, partial + rest, total, limit)

    def features(self, claim_id: int) -> Features:
        """The features a known claim was indexed with."""
        row = self._rows_of.get(claim_id)
        if row is None:
            packed_row = self._packed.row_of(claim_id)
            if packed_row is None:
                raise KeyError(claim_id)
            compact = self._packed.compact(packed_row)
        else:
            compact = self._stored[row - self._packed.size]
        tokens, quantities, years, hedged, negated, stances, atoms, statuses = compact
        return Features(
            frozenset(tokens),
            Figures(quantities, years, hedged),
            frozenset(negated),
            frozenset(stances),
            atoms=frozenset(atoms),
            statuses=frozenset(statuses),
        )

    def holds(self, token: str) -> bool:
        """Whether any known claim holds `token`."""
        return self._df(token) > 0

    def _df(self, token: str) -> int:
        """How many known claims hold `token`."""
        unpacked = len(self._postings.get(token, ()))
        return unpacked + len(self._packed.postings(self._word(token)))

    def _word(self, token: str) -> int:
        """`token`'s packed word number, -1 for none (a search in numpy: memoised)."""
        word = self._words.get(token)
        if word is None:
            if len(self._words) > WORDS_MEMO:
                self._words.clear()
            word = self._words[token] = self._packed.word_of(token) if self._packed.size else -1
        return word

    def _holds(self, token: str, rows: _Rows) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Which of `rows` hold `token` (without joining a common word's long postings)."""
        held = _in_sorted(self._packed.postings(self._word(token)), rows)
        unpacked = self._postings.get(token)
        if unpacked is not None:
            held |= _in_sorted(np.frombuffer(unpacked, dtype=np.int32), rows)
        return held

    def _held_weights(
        self, rows: _Rows, tokens: list[str], weights: dict[str, float]
    ) -> np.ndarray[Any, Any]:
        """Each of `rows`' sum of the weights of those of `tokens` it holds, added in
        `tokens`' order (the same floats as adding one token's weights at a time).

        These are the common words, whose postings grow with the index. A search of each
        one's postings for the rows costs about 25 us a word, and at 1M known claims a claim
        has about ten of them: most of what the claims stage gained from 10k to 1M. Past
        GATHER_AT words the rows' own words are read instead, all in one go (about 150 us
        whatever the number of words), unless more than PYTHON_HELD rows are not packed."""
        size = self._packed.size
        in_unpacked = np.flatnonzero(rows >= size)
        if len(tokens) < GATHER_AT or len(in_unpacked) > PYTHON_HELD:
            rest = np.zeros(len(rows))
            for token in tokens:
                rest = rest + np.where(self._holds(token, rows), weights[token], 0.0)
            return rest
        owners: list[_Rows] = []  # pairs of: an index in `rows`, a place in `tokens`
        places: list[_Rows] = []
        in_packed = np.flatnonzero(rows < size)
        if len(in_packed):
            holding, words = self._packed.words_of_rows(rows[in_packed])
            numbers = np.array([self._word(t) for t in tokens], dtype=np.int32)
            order = np.argsort(numbers)
            ascending = numbers[order]  # -1 for a word no packed claim has: none matches it
            at = np.minimum(np.searchsorted(ascending, words), len(tokens) - 1)
            hit = ascending[at] == words
            owners.append(in_packed[holding[hit]])
            places.append(order[at[hit]])
        if len(in_unpacked):
            place_of = {token: place for place, token in enumerate(tokens)}
            pairs = [
                (index, place_of[token])
                for index in in_unpacked.tolist()
                for token in self._stored[int(rows[index]) - size][0]
                if token in place_of
            ]
            owners.append(np.array([index for index, _ in pairs], dtype=np.intp))
            places.append(np.array([place for _, place in pairs], dtype=np.intp))
        if not owners:
            return np.zeros(len(rows))
        of_row, at_place = np.concatenate(owners), np.concatenate(places)
        in_order = np.lexsort((at_place, of_row))  # each row's words in `tokens`' order
        token_weights = np.array([weights[t] for t in tokens])
        return np.bincount(
            of_row[in_order], weights=token_weights[at_place[in_order]], minlength=len(rows)
        )

    def _summed(
        self, tokens: list[str], weights: dict[str, float]
    ) -> tuple[_Rows, np.ndarray[Any, Any]]:
        """The rows holding any of `tokens`, and each one's sum of their weights (summed in
        postings order, so the same floats whatever the index's size).

        Over all rows while the index is small next to the postings (FULL_BINCOUNT_*). Past
        it, over the rows found, sorted: a bincount as long as the index was a millisecond a
        claim at 1M, and np.unique three to five times this stable sort (which keeps each
        row's weights in postings order, so the sums are the same floats)."""
        postings = [self._rows(t) for t in tokens]
        rows = np.concatenate(postings)
        added = np.repeat([weights[t] for t in tokens], [len(r) for r in postings])
        size = len(self)
        if size > FULL_BINCOUNT_PER_POSTING * len(rows) + FULL_BINCOUNT_BASE:
            order = np.argsort(rows, kind="stable")
            ordered = rows[order]
            first = np.empty(len(ordered), dtype=bool)  # where each row's run begins
            first[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
            found = ordered[first]
            group = np.cumsum(first) - 1
            return found, np.bincount(group, weights=added[order], minlength=len(found))
        held = np.zeros(size, dtype=bool)
        held[rows] = True
        found = np.flatnonzero(held)
        return found, np.bincount(rows, weights=added, minlength=size)[found]

    def _best_in_python(
        self, tokens: list[str], weights: dict[str, float], total: float, limit: int
    ) -> list[tuple[int, float]]:
        """What _summed and _best give, for few postings: the weights added in the same
        order (so the same floats), the same order (best score, then lowest id)."""
        shared: dict[int, float] = {}
        for token in tokens:
            weight = weights[token]
            for row in self._rows(token).tolist():
                shared[row] = shared.get(row, 0.0) + weight
        size, packed_ids, unpacked_ids = self._packed.size, self._packed.ids, self._ids
        ids = {
            row: unpacked_ids[row - size] if row >= size else int(packed_ids[row]) for row in shared
        }
        best = sorted(shared.items(), key=lambda held: (-held[1], ids[held[0]]))[:limit]
        return [(ids[row], score / total) for row, score in best]

    def _best(
        self, rows: _Rows, shared: np.ndarray[Any, Any], total: float, limit: int
    ) -> list[tuple[int, float]]:
        ids = self._ids_of(rows)
        best = np.lexsort((ids, -shared))[:limit]  # best score, then lowest id
        scores = shared[best] / total
        return list(zip(ids[best].tolist(), scores.tolist(), strict=True))

    def _ids_of(self, rows: _Rows) -> _Rows:
        """The claim ids of `rows`."""
        packed = self._packed
        if not self._ids:
            return packed.ids[rows]
        if self._id_array is None:
            self._id_array = np.frombuffer(self._ids, dtype=np.int64).astype(np.intp)
        if not packed.size:
            return self._id_array[rows]
        in_packed = rows < packed.size
        return np.where(
            in_packed,
            packed.ids[np.where(in_packed, rows, 0)],
            self._id_array[np.where(in_packed, 0, rows - packed.size)],
        )

    def _rows(self, token: str) -> _Rows:
        """The rows holding `token`, ascending: the packed ones, then the others."""
        rows = self._arrays.get(token)
        if rows is None:
            packed = self._packed.postings(self._word(token))
            unpacked = self._postings.get(token)
            if unpacked is None:
                return packed
            rows = np.concatenate([packed, np.frombuffer(unpacked, dtype=np.int32)])
            self._arrays[token] = rows
        return rows


def _top_stable(scores: np.ndarray[Any, Any], k: int) -> _Rows:
    """The indexes of the `k` highest scores, ties by lower index: what a stable argsort of
    -scores cut to `k` gives, without sorting them all (at a million known claims the rarer
    words of a claim select thousands of candidates for RESCORED places)."""
    if len(scores) <= k:
        return np.argsort(-scores, kind="stable")
    kth = np.partition(-scores, k - 1)[k - 1]  # the k-th highest score, negated
    near = np.flatnonzero(-scores <= kth)  # every score at least that, ascending index
    return near[np.argsort(-scores[near], kind="stable")[:k]]


def _in_sorted(ascending: _Rows, rows: _Rows) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which of `rows` are in the ascending array `ascending`."""
    if not len(ascending):
        return np.zeros(len(rows), dtype=bool)
    # Else searchsorted casts all of `ascending` first; no copy when the types agree.
    rows = rows.astype(ascending.dtype, copy=False)
    at = np.minimum(np.searchsorted(ascending, rows), len(ascending) - 1)
    return np.asarray(ascending[at] == rows)


def _compact(features: Features) -> Compact:
    figures = features.figures
    return (
        tuple(sys.intern(t) for t in features.tokens),  # one string per word, not per claim
        figures.quantities,
        figures.years,
        figures.hedged,
        tuple(features.negated),
        tuple(features.stances),
        tuple(features.atoms),
        tuple(features.statuses),
    )


def quote_held(new: Features, known: Features, weigh: Callable[[str], float], at: float) -> bool:
    """True unless `new` quotes someone at length and `known` holds under `at` of the quote's
    weighted words: a new quote by a known speaker shares his name and title with his old
    one ("..., said Dolkun Isa, president of the World Uyghur Congress"), and those words
    alone made it known."""
    if len(new.quoted) < QUOTE_WORDS:
        return True
    total = sum(weigh(t) for t in new.quoted)
    return sum(weigh(t) for t in new.quoted & known.tokens) >= at * total


# Whether some known claim states a figure of a unit: (quantity, hedge or "", unit token).
StatesFigure = Callable[[float, str, str], bool]


def compatible(new: Features, known: Features, elsewhere: StatesFigure | None = None) -> bool:
    """False when a figure, the polarity or the outcome differs: then no wording makes
    them the same claim.

    A figure the known claim lacks is no difference when another known claim states it of
    the same thing (`elsewhere`): a roundup restates "more than two hundred suppliers" in
    a sentence on the audit's finding, where the release gave "212 suppliers" in the
    sentence before. A changed figure, or the same number of something else ("about 50
    countries" against "50 experts"), still differs."""
    missing = unmatched(new.figures, known.figures)
    if missing and not _stated_elsewhere(new, missing, elsewhere):
        return False
    if _dated_otherwise(new, known):
        return False
    if new.negated & (known.tokens - known.negated) or known.negated & (new.tokens - new.negated):
        return False  # one says "not X" where the other says X
    if NOTHING in new.stances and NOTHING not in known.stances and _unheld(new, known):
        return False  # a thing said not to exist or happen, which the known claim never names
    if ASKS in known.stances and ASKED not in new.stances and _answers(new, known):
        return False  # what was asked, now told as done (or refused): a call answered
    return not any(_opposed(new.stances & {a, b}, known.stances & {a, b}) for a, b in _OPPOSITES)


def _unheld(new: Features, known: Features) -> bool:
    """Whether most of the words of what `new` says does not exist are none of `known`'s."""
    said = {s[len(NOTHING_WORD) :] for s in new.stances if s.startswith(NOTHING_WORD)}
    return 2 * len(said - known.tokens) > len(said)


def _nothing(normal: str) -> frozenset[str]:
    """{NOTHING} and the marked first words of what a negative existential says does not
    exist ("No state has tabled a new resolution": state, tabled, resolution), else
    nothing."""
    match = _NOTHING.match(normal)
    if match is None:
        return frozenset()
    words = _token_list(content_words(spelled_out(normal[match.end() :])))[:NOTHING_WORDS]
    return frozenset({NOTHING, *(NOTHING_WORD + w for w in words)})


def _answers(new: Features, known: Features) -> bool:
    """Whether `new` holds half or more of the words of one thing `known` asks for ("told
    us it raised the case in its statement" of "calls on the government to raise the case in
    its national statement"), not only the rest of a longer sentence (seed 000's findings,
    told before its call)."""
    asks: dict[str, set[str]] = {}
    for stance in known.stances:
        if stance.startswith(ASK_WORD):
            number, _, token = stance[len(ASK_WORD) :].partition(":")
            asks.setdefault(number, set()).add(token)
    return any(2 * len(asked & new.tokens) >= len(asked) for asked in asks.values())


def _dated_otherwise(new: Features, known: Features) -> bool:
    """True when both name a day and `new` names one `known` does not: "rescheduled for 6
    June" after "her Stockholm date on 22 November", "reported it to the police on 20
    November" after "interviews held between 5 and 12 November". A day added to a claim
    that named none says nothing new ("on 31 August"), as a year does not."""
    new_days = {t for t in new.tokens if t.startswith(_DATE)}
    known_days = {t for t in known.tokens if t.startswith(_DATE)}
    return bool(new_days and known_days and not new_days <= known_days)


def _stated_elsewhere(
    new: Features, missing: Sequence[float], elsewhere: StatesFigure | None
) -> bool:
    if elsewhere is None:
        return False
    atoms = {quantity: (hedge, unit) for quantity, hedge, unit in new.atoms}
    return all(q in atoms and elsewhere(q, *atoms[q]) for q in missing)


def _opposed(new: AbstractSet[str], known: AbstractSet[str]) -> bool:
    """One side of an opposite pair against the other. A claim using both words ("17 in
    favour and 19 against") states a tally, which contradicts neither side."""
    return len(new) == 1 and len(known) >= 1 and not new <= known
