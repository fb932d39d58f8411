"""Deriving a draft profile from seed documents."""

from __future__ import annotations

from pathlib import Path

import yaml

from worker.profiles.derive import _background, derive_profile, variant_groups
from worker.profiles.load import profile_from_mapping
from worker.profiles.match import Matcher
from worker.records import Article

ROOT = Path(__file__).resolve().parents[3]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def test_the_draft_from_the_seeds_loads_and_matches_every_seed() -> None:
    draft = derive_profile(SEEDS, "draft")
    data = yaml.safe_load(draft)
    profile = profile_from_mapping(data, source="draft.yaml")
    matcher = Matcher([profile])
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        assert matcher.match(Article("u", "u", "", text, "o", "file"))[0].matched, seed.name


def test_the_draft_finds_the_topic_vocabulary() -> None:
    data = yaml.safe_load(derive_profile(SEEDS, "draft"))
    terms = " ".join(data["terms"])
    assert "xinjiang" in data["query"]
    assert '"crimes against humanity"' in terms
    assert "uyghur" in data["query"]
    assert "uighur" in data["query"]
    assert "said" not in data["terms"]  # a common news word is not distinctive


def test_variants_group_spellings_not_inflections() -> None:
    groups = variant_groups(["uyghur", "uighur", "uygur", "forced", "forces", "camps"], [])
    assert groups == [["uighur", "uyghur", "uygur"]]


def test_acronyms_join_their_expansion() -> None:
    draft = derive_profile(
        [],
        "x",
        texts=[
            "The Xinjiang Uyghur Autonomous Region (XUAR) holds camps. XUAR camps grew.",
            "In the Xinjiang Uyghur Autonomous Region camps grew. The XUAR denies camps.",
        ],
    )
    assert '(xuar | "xinjiang uyghur autonomous region")' in draft


def test_background_is_general_news() -> None:
    total, df = _background()
    assert total == 181
    assert df["the"] > 150 > df.get("xinjiang", 0)
