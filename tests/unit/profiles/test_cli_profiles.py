"""`newswatch profiles list|derive|test` through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.support.corpus import profiles_including
from worker.cli import cli

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "seeds" / "004_4d29ea94053ca68b.txt"
ARTICLES = ROOT / "tests" / "eval" / "profiles" / "articles"


def invoke(
    tmp_path: Path, *args: str, profiles: Path = ROOT / "config" / "profiles"
) -> tuple[int, str]:
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"profiles_dir: {profiles}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "profiles", *args])
    return result.exit_code, result.output


def test_list_shows_the_three_profiles(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "list")
    assert code == 0
    assert "xinjiang" in out
    assert "ohchr-assessment" in out
    assert "hrc-follow-up" in out


def test_test_prints_score_match_and_explanation(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "test", "hrc-follow-up", str(SEED))
    assert code == 0
    assert "matched: yes" in out
    assert "score:" in out
    assert "body" in out
    assert "Turk" in out


def test_test_says_which_condition_failed(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "test", "xinjiang", str(ARTICLES / "063_tomato_paste.txt"))
    assert code == 0
    assert "matched: no" in out
    assert "not met: min_score" in out
    assert "title: Xinjiang tomato processors" in out.replace("title:   ", "title: ")


BLIND = ROOT / "tests" / "eval"


@pytest.mark.parametrize(
    ("profile", "article", "expected"),
    [
        # Lobbying around the report's release: on the assessment, and so on Xinjiang where
        # a user's xinjiang profile includes it (the shipped one does not), though it names
        # no abuse the xinjiang profile's terms score (set Q, written blind).
        (
            "xinjiang",
            "profiles-q/articles/016_lobbying_emails_release.txt",
            ["matched: yes, through ohchr-assessment", "not met on its own: min_score"],
        ),
        # The High Commissioner's engagement with Beijing, recalling the assessment it
        # follows: the shipped bar beside the follow-up (docs/profiles.md) keeps it off.
        (
            "ohchr-assessment",
            "profiles-u/articles/017_turk_engagement_criticised.txt",
            [
                "(min_score 9.5; 15 where hrc-follow-up matches)",
                "matched: no",
                "not met: min_score_beside",
            ],
        ),
        # Tibet's boarding schools, compared once with Xinjiang's: a Tibet story.
        (
            "xinjiang",
            "profiles-q/articles/033_tibet_boarding_schools.txt",
            ["matched: no", "not met: rivals"],
        ),
    ],
    ids=["through-an-included-profile", "background-beside-another", "a-rival-named-more"],
)
def test_test_says_which_gate_decided(
    tmp_path: Path, profile: str, article: str, expected: list[str]
) -> None:
    profiles = profiles_including(tmp_path)
    code, out = invoke(tmp_path, "test", profile, str(BLIND / article), profiles=profiles)
    assert code == 0, out
    for line in expected:
        assert line in out


def test_test_reads_html(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    body = "".join(f"<p>{p}</p>" for p in SEED.read_text(encoding="utf-8").split("\n\n"))
    page.write_text(f"<html><head><title>Xinjiang</title></head><body><article>{body}"
                    "</article></body></html>", encoding="utf-8")  # fmt: skip
    code, out = invoke(tmp_path, "test", "xinjiang", str(page))
    assert code == 0, out
    assert "matched: yes" in out


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "test", "nope", str(SEED))
    assert code == 2
    assert "no profile named 'nope'" in out


def test_derive_writes_a_loadable_draft(tmp_path: Path) -> None:
    target = tmp_path / "draft.yaml"
    code, _ = invoke(tmp_path, "derive", str(SEED), "--name", "draft", "-o", str(target))
    assert code == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["name"] == "draft"


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in ("list", "derive", "test"):
        code, out = invoke(tmp_path, command, "--help")
        assert code == 0
        assert len(out.splitlines()) > 3
