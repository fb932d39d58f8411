"""Loading profile files: the shipped ones load; every fault names the file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from worker.errors import ConfigError, QuerySyntaxError
from worker.profiles.load import load_profile, load_profiles
from worker.profiles.query import Word

ROOT = Path(__file__).resolve().parents[3]

GOOD = """\
name: ports
description: Port strikes.
seeds: [seeds/a.txt]
query: (harbour | harbor | port*) AND strike*
min_score: 3
title_boost: 1.5
terms:
  strike*: 2
  '"dock workers"': 1.5
"""


def write(tmp_path: Path, text: str, name: str = "ports.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_profiles_load() -> None:
    profiles = load_profiles(ROOT / "config" / "profiles")
    assert [p.name for p in profiles] == ["hrc-follow-up", "ohchr-assessment", "xinjiang"]
    for p in profiles:
        assert p.description
        assert p.seeds
        assert p.terms
        assert p.min_score > 0


def test_a_profile_file_becomes_a_frozen_profile(tmp_path: Path) -> None:
    p = load_profile(write(tmp_path, GOOD))
    assert (p.name, p.description, p.seeds) == ("ports", "Port strikes.", ("seeds/a.txt",))
    assert (p.min_score, p.title_boost, p.term_cap, p.min_sentences) == (3.0, 1.5, 3, 2)
    assert [(t.text, t.weight) for t in p.terms] == [("strike*", 2.0), ('"dock workers"', 1.5)]
    with pytest.raises(AttributeError):
        p.name = "other"  # type: ignore[misc]


def test_without_terms_the_query_terms_score(tmp_path: Path) -> None:
    p = load_profile(write(tmp_path, "name: x\nquery: a AND NOT b AND (c | d)\n"))
    assert [t.text for t in p.terms] == ["a", "(c | d)"]
    assert p.terms[0].node == Word("a")


def test_malformed_query_names_file_key_and_position(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("AND strike*", "AND (strike* |"))
    with pytest.raises(QuerySyntaxError) as info:
        load_profile(path)
    assert info.value.position == len("(harbour | harbor | port*) AND (strike* |")
    assert "ports.yaml:query" in str(info.value)


def test_malformed_term_names_the_term(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("strike*: 2", '"strike NEAR": 2'))
    with pytest.raises(QuerySyntaxError, match=r"ports.yaml:terms.strike NEAR"):
        load_profile(path)


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (("min_score: 3", "min_score: lots"), "ports.yaml:min_score", "number"),
        (("title_boost: 1.5", "title_boost: -1"), "ports.yaml:title_boost", "number"),
        (("name: ports", "name: Ports Strikes"), "ports.yaml:name", "lower-case"),
        (("name: ports", "nmae: ports"), "ports.yaml:nmae", "unknown key"),
        (("  strike*: 2", "  strike*: 0"), "ports.yaml:terms.strike*", "positive"),
        (("  strike*: 2", "  a b: 2"), "ports.yaml:terms.a b", "phrase"),
        (("seeds: [seeds/a.txt]", "seeds: seeds/a.txt"), "ports.yaml:seeds", "list"),
    ],
)
def test_bad_values_name_the_key(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_profile(write(tmp_path, GOOD.replace(*change)))
    assert info.value.key == key
    assert problem in info.value.problem


def test_missing_query_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ports\.yaml:query"):
        load_profile(write(tmp_path, "name: ports\n"))
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_profile(write(tmp_path, "name: [ports\n"))


def test_two_profiles_with_one_name_are_refused(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ConfigError, match="two profiles are named 'ports'"):
        load_profiles(tmp_path)


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="profiles_dir"):
        load_profiles(tmp_path / "nope")


@pytest.mark.parametrize(
    ("includes", "message"),
    [
        ("[nowhere]", "no profile named 'nowhere'"),
        ("[a]", "a profile cannot include itself"),
        ("[b]", "'b' includes profiles itself"),
        ("nowhere", "must be a list of profile names"),
    ],
)
def test_includes_must_name_other_profiles_one_level_deep(
    tmp_path: Path, includes: str, message: str
) -> None:
    write(tmp_path, GOOD.replace("ports", "a") + f"includes: {includes}\n", "a.yaml")
    write(tmp_path, GOOD.replace("ports", "b") + "includes: [c]\n", "b.yaml")
    write(tmp_path, GOOD.replace("ports", "c"), "c.yaml")
    with pytest.raises(ConfigError, match=re.escape(f"'a.yaml:includes': {message}")):
        load_profiles(tmp_path)


@pytest.mark.parametrize(
    ("beside", "message"),
    [
        ("{nowhere: 5}", "'a.yaml:min_score_beside.nowhere': no profile named 'nowhere'"),
        ("{a: 5}", "'a.yaml:min_score_beside.a': a profile cannot be beside itself"),
        ("{b: high}", "'a.yaml:min_score_beside.b': must be a number >= 0"),
        ("[b]", "'a.yaml:min_score_beside': must map profile names to scores"),
    ],
)
def test_min_score_beside_names_other_profiles_with_scores(
    tmp_path: Path, beside: str, message: str
) -> None:
    write(tmp_path, GOOD.replace("ports", "a") + f"min_score_beside: {beside}\n", "a.yaml")
    write(tmp_path, GOOD.replace("ports", "b"), "b.yaml")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_profiles(tmp_path)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("rivals: Tibet\n", "'a.yaml:rivals': needs a focus: rivals are counted against it"),
        ("focus: Xinjiang\nrivals: [Tibet AND Lhasa]\n", "'a.yaml:rivals': must be a word,"),
        ("focus: Xinjiang\nrivals: {Tibet: 1}\n", "'a.yaml:rivals': must be an expression"),
    ],
)
def test_rivals_are_subjects_counted_against_a_focus(
    tmp_path: Path, extra: str, message: str
) -> None:
    write(tmp_path, GOOD.replace("ports", "a") + extra, "a.yaml")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_profiles(tmp_path)
