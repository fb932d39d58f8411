"""Draft a profile from seed documents, for a person to edit.

What a topic's seeds share and general news does not is its vocabulary. The draft lists:
- distinctive words and phrases: frequent across the seeds, rare in a background of 181
  general news pages (see background.py), ranked by seed share x inverse background frequency;
- named entities: capitalised sequences found in several seeds;
- spelling variants: near-identical distinctive words (Uyghur / Uighur / Uygur) and acronyms
  whose letters are the initials of an entity (XUAR, OHCHR);
then a query `(entities) AND (topic words)`, weights from distinctiveness, and a
`min_score` half the lowest seed's score, so every seed matches the draft.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from worker.profiles import background
from worker.profiles.load import profile_from_mapping
from worker.profiles.match import Matcher
from worker.profiles.query import fold, tokens
from worker.records import Article

TOP_TERMS = 24  # enough to cover a topic's facets; a person prunes more easily than adds
TOP_ENTITIES = 8
# A word in more than a tenth of general news pages is not a topic word ("said", "report").
COMMON_SHARE = 0.1
_CAPITALISED = re.compile(r"\b[A-Z][\w-]*(?:(?:[ \t]+(?:of|the|for|and))*[ \t]+[A-Z][\w-]*)*")
_SENTENCE = re.compile(r"[.!?;:]\s|\n")  # phrases never span these
_ACRONYM = re.compile(r"\b[A-Z]{3,6}s?\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One term of the draft: query text, how many seeds hold it, its distinctiveness."""

    text: str
    seeds: int
    score: float


def read_document(path: Path) -> str:
    """The text of a seed: .html/.htm through trafilatura, anything else as UTF-8 text."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        import trafilatura

        return str(trafilatura.extract(raw, include_comments=False) or "")
    return raw


def derive_profile(paths: Sequence[Path], name: str, *, texts: Sequence[str] = ()) -> str:
    """A YAML draft profile named `name` from the documents at `paths` (or given `texts`)."""
    docs = list(texts) or [read_document(p) for p in paths]
    if not docs:
        raise ValueError("derive needs at least one document")
    bg = _background()
    terms = distinctive_terms(docs, bg)
    entities = named_entities(docs, bg)
    groups = variant_groups([c.text for c in terms], entities) + acronym_definitions(docs)
    anchor = _alias_group([e.text for e in entities[:TOP_ENTITIES]], groups)
    variants = [f"({' | '.join(g)})" for g in groups if not any(m in anchor for m in g)]
    topic = " | ".join([*variants, *(c.text for c in terms[:TOP_TERMS] if c.text not in anchor)])
    query = f"{anchor}\nAND ({topic})"
    weights = {c.text: round(1 + 2 * c.score / terms[0].score, 1) for c in terms[:TOP_TERMS]}
    min_score = _min_score(name, query, weights, docs)
    seeds = [str(p) for p in paths]
    return _render(name, seeds, query=query, weights=weights, min_score=min_score, groups=groups)


def _background() -> tuple[int, dict[str, int]]:
    table = dict(line.rsplit(" ", 1) for line in background.TABLE.splitlines())
    return background.DOCUMENTS, {w: int(n) for w, n in table.items()}


def _idf(word: str, bg: tuple[int, dict[str, int]]) -> float:
    total, df = bg
    return math.log((total + 1) / (df.get(word, 0) + 1))


def _is_common(word: str, bg: tuple[int, dict[str, int]]) -> bool:
    total, df = bg
    return df.get(word, 0) > COMMON_SHARE * total or len(word) < 3 or word.isdigit()


def distinctive_terms(docs: Sequence[str], bg: tuple[int, dict[str, int]]) -> list[Candidate]:
    """Words and 2-3 word phrases shared by the seeds and rare in the background, best first."""
    seen: Counter[str] = Counter()
    for doc in docs:
        grams = [g for part in _SENTENCE.split(doc) for g in _grams(tokens(part), bg)]
        # a term in one seed of many is that seed's, not the topic's; alone, it must recur
        seen.update(
            set(grams) if len(docs) > 1 else [g for g, k in Counter(grams).items() if k > 1]
        )
    out = []
    for gram, n in _longest(seen).items():
        if n < 2 and len(docs) > 1:
            continue
        words = gram.split()
        rarity = sum(_idf(w, bg) for w in words if not _is_common(w, bg)) / len(words)
        text = f'"{gram}"' if len(words) > 1 else gram
        out.append(Candidate(text, n, n / len(docs) * rarity * (1 + 0.5 * (len(words) > 1))))
    return sorted(out, key=lambda c: (-c.score, c.text))


def _longest(seen: Counter[str]) -> Counter[str]:
    """Drops a phrase inside a longer one seen as often: the longer is the real unit."""
    longer = [g for g in seen if g.count(" ") == 2]
    return Counter(
        {
            g: n
            for g, n in seen.items()
            if g.count(" ") != 1 or not any(g in t and seen[t] >= n for t in longer)
        }
    )


def _grams(words: list[str], bg: tuple[int, dict[str, int]]) -> Iterable[str]:
    """Content words, and phrases that start and end with one (stop words only inside)."""
    for i, word in enumerate(words):
        if _is_common(word, bg):
            continue
        yield word
        for size in (2, 3):
            gram = words[i : i + size]
            if len(gram) == size and not _is_common(gram[-1], bg):
                yield " ".join(gram)


def named_entities(docs: Sequence[str], bg: tuple[int, dict[str, int]]) -> list[Candidate]:
    """Capitalised names and acronyms found in 2+ seeds, most widespread first."""
    seen: Counter[str] = Counter()
    for doc in docs:
        names = {re.sub(r"[’']s$", "", m.group()) for m in _CAPITALISED.finditer(doc)}
        names |= set(_ACRONYM.findall(doc))
        seen.update({t for t in (_trim(n, bg) for n in names) if _is_name(t, bg)})
    need = 2 if len(docs) > 1 else 1
    found = [Candidate(n if " " not in n else f'"{n}"', k, k) for n, k in seen.items() if k >= need]
    return sorted(found, key=lambda c: (-c.seeds, c.text))


def _trim(name: str, bg: tuple[int, dict[str, int]]) -> str:
    """The folded name without leading common words: "The Xinjiang ..." -> "xinjiang ..."."""
    words = fold(name).split()
    while len(words) > 1 and _is_common(words[0], bg):
        words.pop(0)
    return " ".join(words)


def _is_name(text: str, bg: tuple[int, dict[str, int]]) -> bool:
    words = tokens(text)
    return bool(words) and any(not _is_common(w, bg) for w in words) and len(words) <= 5


def variant_groups(terms: Sequence[str], entities: Sequence[Candidate]) -> list[list[str]]:
    """Groups of spellings of one thing: near-identical words, and acronym with expansion."""
    words = sorted({t for t in terms if " " not in t and len(t) >= 5})
    groups: list[list[str]] = []
    for word in words:
        for group in groups:
            if any(_is_variant(word, member) for member in group):
                group.append(word)
                break
        else:
            groups.append([word])
    names = [e.text.strip('"') for e in entities]
    for acronym in (n for n in names if " " not in n and 3 <= len(n) <= 6):
        for name in names:
            if " " in name and _initials(name) == acronym.rstrip("s"):
                groups.append([acronym, f'"{name}"'])
    return [g for g in groups if len(g) > 1]


def _is_variant(a: str, b: str) -> bool:
    """One letter apart, not at the end: Uyghur/Uighur/Uygur, but not forced/forces."""
    a, b = a.removesuffix("s"), b.removesuffix("s")
    if a == b or _edit_distance(a, b) != 1:
        return False
    first_difference = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 0)
    return 0 < first_difference < min(len(a), len(b)) - 1


_DEFINED = re.compile(
    r"((?:[A-Z][\w-]*[ \t]+(?:(?:of|the|for|and)[ \t]+)*){2,8})\(([A-Z]{2,6}s?)\)"
)


def acronym_definitions(docs: Sequence[str]) -> list[list[str]]:
    """Acronyms defined in the text, "Xinjiang Uyghur Autonomous Region (XUAR)" style."""
    found: dict[str, str] = {}
    for doc in docs:
        for match in _DEFINED.finditer(doc):
            words = fold(match.group(1)).split()
            acronym = fold(match.group(2))
            for start in range(len(words)):  # the expansion may follow other capitalised words
                if _initials(" ".join(words[start:])) in (acronym, acronym.removesuffix("s")):
                    found.setdefault(acronym, " ".join(words[start:]))
                    break
    return [[acronym, f'"{name}"'] for acronym, name in sorted(found.items())]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w not in ("of", "the", "for", "and"))


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _alias_group(entities: Sequence[str], groups: Sequence[Sequence[str]]) -> str:
    members = list(entities)
    for group in groups:
        if any(m in members for m in group):
            members += [m for m in group if m not in members]
    return "(" + " | ".join(members) + ")"


def _min_score(name: str, query: str, weights: dict[str, float], docs: Sequence[str]) -> float:
    data = {"name": name, "query": query, "terms": weights, "min_score": 0.0}
    matcher = Matcher([profile_from_mapping(data, source="draft")])
    scores = [matcher.match(Article("", "", "", d, "", "file"))[0].score for d in docs]
    return round(min(scores) / 2, 1)  # half the weakest seed: room for shorter coverage


def _render(
    name: str,
    seeds: Sequence[str],
    *,
    query: str,
    weights: dict[str, float],
    min_score: float,
    groups: Sequence[Sequence[str]],
) -> str:
    lines = [
        f"# Draft derived by `newswatch profiles derive` from {len(seeds) or 'given'} documents.",
        "# Edit before use: describe what is off topic, prune terms that are not the topic,",
        "# add variants the seeds lack, then check on a labelled set (`newswatch eval profiles`).",
        f"name: {name}",
        'description: "TODO: what is on topic, and what is not"',
        "seeds:",
        *(f"  - {s}" for s in seeds),
        "query: >-",
        *(f"  {line}" for line in query.splitlines()),
        "title_boost: 2.0",
        f"min_score: {min_score}",
        "min_sentences: 2",
        "terms:",
        *(f"  {_quote(t)}: {w}" for t, w in weights.items()),
    ]
    if groups:
        lines.append("# spelling variants seen together in the seeds:")
        lines += [f"#   ({' | '.join(g)})" for g in groups]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
