"""Topic profiles: config/profiles/*.yaml -> compiled, frozen Profile values.

One file a profile. Every fault names the file and the key (and, for a query, the position),
because the person who fixes it is editing that file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from worker.errors import ConfigError, QuerySyntaxError
from worker.profiles.query import And, Node, Not, Or, is_positional, parse, render

_KEYS = frozenset(
    {"name", "description", "seeds", "query", "min_score", "title_boost", "terms"}
    | {"term_cap", "min_sentences", "focus", "min_focus", "includes", "min_score_beside"}
    | {"rivals"}
)
_NAME = r"^[a-z0-9][a-z0-9-]{0,63}$"  # it becomes a metric label and an alert field


@dataclass(frozen=True, slots=True)
class WeightedTerm:
    """One scoring term: the expression as written, its AST, and its weight."""

    text: str
    node: Node
    weight: float


@dataclass(frozen=True, slots=True)
class Profile:
    """A topic to monitor: the boolean gate, the scoring terms and the thresholds.

    An article matches when `query` holds on its title and content, its score reaches
    `min_score`, and the scoring hits fall in at least `min_sentences` sentences (the title
    counts as one), and each `focus` expression is in the title or at least `min_focus`
    times in the body: an aside about the topic in an article on something else does not
    match. It also matches an article that one of the profiles it `includes` matches: a
    narrower topic inside this one (the UN assessment of Xinjiang inside Xinjiang), whose
    articles may name this topic's subject only in that narrower frame. Where another
    profile matches an article on its own, `min_score_beside` may ask more of this one's
    score: a neighbouring topic whose stories name this one as background (the Council's
    follow-up recalling the assessment it follows). An article that names one of the
    profile's `rivals` more often than its first `focus` is about the rival, which it only
    compares with this topic (Tibet's boarding schools "as in Xinjiang"). A term
    adds `weight` per body occurrence up to `term_cap`, plus
    `weight * title_boost` once when it is in the title.
    """

    name: str
    description: str
    seeds: tuple[str, ...]
    query_text: str
    query: Node
    terms: tuple[WeightedTerm, ...]
    min_score: float = 1.0
    title_boost: float = 2.0  # a headline states the subject; body words may be asides
    term_cap: int = 3  # past three mentions, repetition measures length and style, not topic
    min_sentences: int = 2  # one sentence is what a teaser or an aside looks like
    focus: tuple[WeightedTerm, ...] = ()
    min_focus: int = 2  # named once, a subject is an aside; twice, the article is about it
    # subjects an article may compare with this one: named more often, they are its subject
    rivals: tuple[WeightedTerm, ...] = ()
    includes: tuple[str, ...] = ()  # profiles whose matches are this profile's too
    # (profile, score): where that profile matches on its own, this one needs the score
    min_score_beside: tuple[tuple[str, float], ...] = ()
    source: str = ""


def load_profiles(profiles_dir: Path) -> tuple[Profile, ...]:
    """Every `*.yaml` profile of `profiles_dir`, sorted by name; ConfigError on any fault."""
    if not profiles_dir.is_dir():
        raise ConfigError("profiles_dir", f"{str(profiles_dir)!r} is not a directory")
    profiles = tuple(load_profile(path) for path in sorted(profiles_dir.glob("*.yaml")))
    names = [p.name for p in profiles]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("profiles_dir", f"two profiles are named {name!r}")
    check_includes(profiles)
    check_beside(profiles)
    return tuple(sorted(profiles, key=lambda p: p.name))


def check_includes(profiles: Sequence[Profile]) -> None:
    """ConfigError unless every profile a profile `includes` exists, is another profile, and
    includes none itself: one level, so no chain or cycle needs resolving."""
    by_name = {p.name: p for p in profiles}
    for profile in profiles:
        for name in profile.includes:
            where = f"{profile.source or profile.name}:includes"
            _check_other(where, name, profile, by_name, "a profile cannot include itself")
            if by_name[name].includes:
                raise ConfigError(where, f"{name!r} includes profiles itself (one level only)")


def check_beside(profiles: Sequence[Profile]) -> None:
    """ConfigError unless every profile named in a `min_score_beside` is another profile."""
    by_name = {p.name: p for p in profiles}
    for profile in profiles:
        for name, _ in profile.min_score_beside:
            where = f"{profile.source or profile.name}:min_score_beside.{name}"
            _check_other(where, name, profile, by_name, "a profile cannot be beside itself")


def _check_other(
    where: str, name: str, profile: Profile, by_name: Mapping[str, Profile], itself: str
) -> None:
    """ConfigError at `where` unless `name` is a profile other than `profile`."""
    if name == profile.name:
        raise ConfigError(where, itself)
    if name not in by_name:
        raise ConfigError(where, f"no profile named {name!r}")


def load_profile(path: Path) -> Profile:
    """One profile file, validated and compiled."""
    data = _read(path)
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{path.name}:{unknown[0]}", "unknown key (a typo?)")
    return profile_from_mapping(data, source=path.name)


def profile_from_mapping(data: Mapping[str, Any], *, source: str = "<profile>") -> Profile:
    """A Profile from already-parsed YAML; `source` names the file in errors."""
    name = _text(data, "name", source, required=True)
    if not re.match(_NAME, name):
        raise ConfigError(f"{source}:name", "use lower-case letters, digits and '-'")
    query_text = _text(data, "query", source, required=True)
    query = _parse(query_text, source, "query")
    terms = _terms(data.get("terms"), query, source)
    focus = _positional(data.get("focus"), source, "focus")
    return Profile(
        name=name,
        description=_text(data, "description", source).strip(),
        seeds=_strings(data.get("seeds"), source, "seeds", "file paths"),
        query_text=query_text.strip(),
        query=query,
        terms=terms,
        min_score=_number(data, "min_score", 1.0, source),
        title_boost=_number(data, "title_boost", 2.0, source),
        term_cap=int(_number(data, "term_cap", 3, source, minimum=1)),
        min_sentences=int(_number(data, "min_sentences", 2, source, minimum=1)),
        focus=focus,
        rivals=_rivals(data.get("rivals"), focus, source),
        min_focus=int(_number(data, "min_focus", 2, source, minimum=1)),
        includes=_strings(data.get("includes"), source, "includes", "profile names"),
        min_score_beside=_beside(data.get("min_score_beside"), source),
        source=source,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(path.name, f"not valid YAML{where}") from None
    if not isinstance(loaded, dict):
        raise ConfigError(path.name, "must hold a mapping of keys at the top")
    return loaded


def _parse(text: str, source: str, key: str) -> Node:
    try:
        return parse(text)
    except QuerySyntaxError as exc:
        message = exc.detail.rsplit(" at position ", 1)[0]
        raise QuerySyntaxError(f"{source}:{key}: {message}", exc.position, text) from None


def _terms(raw: object, query: Node, source: str) -> tuple[WeightedTerm, ...]:
    if raw is None:
        return tuple(WeightedTerm(_show(leaf), leaf, 1.0) for leaf in _positive_leaves(query))
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{source}:terms", "must map query expressions to weights")
    out = []
    for text, weight in raw.items():
        key = f"terms.{text}"
        node = _parse(str(text), source, key)
        if not is_positional(node):
            raise ConfigError(
                f"{source}:{key}",
                "a term must be a word, phrase or alias group"
                " (in YAML, quote a phrase twice: '\"a b\"': 1.0)",
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ConfigError(f"{source}:{key}", "the weight must be a positive number")
        out.append(WeightedTerm(str(text), node, float(weight)))
    return tuple(out)


def _positional(raw: object, source: str, key: str) -> tuple[WeightedTerm, ...]:
    """`focus` or `rivals`: an expression or a list of them, each one a subject to count."""
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise ConfigError(f"{source}:{key}", "must be an expression or a list of them")
    out = []
    for text in items:
        node = _parse(text, source, key)
        if not is_positional(node):
            raise ConfigError(f"{source}:{key}", "must be a word, phrase or alias group")
        out.append(WeightedTerm(text.strip(), node, 0.0))
    return tuple(out)


def _rivals(raw: object, focus: tuple[WeightedTerm, ...], source: str) -> tuple[WeightedTerm, ...]:
    rivals = _positional(raw, source, "rivals")
    if rivals and not focus:
        raise ConfigError(f"{source}:rivals", "needs a focus: rivals are counted against it")
    return rivals


def _beside(raw: object, source: str) -> tuple[tuple[str, float], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}:min_score_beside", "must map profile names to scores")
    for name, score in raw.items():
        if isinstance(score, bool) or not isinstance(score, int | float) or score < 0:
            raise ConfigError(f"{source}:min_score_beside.{name}", "must be a number >= 0")
    return tuple((str(name), float(score)) for name, score in raw.items())


def _positive_leaves(node: Node) -> list[Node]:
    """The positional parts of a query outside any NOT: its default scoring terms."""
    if isinstance(node, Not):
        return []
    if isinstance(node, And) or (isinstance(node, Or) and not is_positional(node)):
        return [leaf for child in node.children for leaf in _positive_leaves(child)]
    return [node]


def _show(node: Node) -> str:
    return render(node)


def _text(data: Mapping[str, Any], key: str, source: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise ConfigError(f"{source}:{key}", "is required")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ConfigError(f"{source}:{key}", "must be a non-empty string")
    return value


def _strings(raw: object, source: str, key: str, what: str) -> tuple[str, ...]:
    """A list of strings (`key` absent: none); else a ConfigError saying it is `what`."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"{source}:{key}", f"must be a list of {what}")
    return tuple(raw)


def _number(
    data: Mapping[str, Any], key: str, default: float, source: str, *, minimum: float = 0.0
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigError(f"{source}:{key}", f"must be a number >= {minimum:g}")
    return float(value)
