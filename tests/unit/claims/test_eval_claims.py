"""The claims scorer: which labelled line a judged claim counts for."""

from __future__ import annotations

from worker.evaluate.claims import HELD_OUT, SETS, load_set, overlaps, pooled
from worker.evaluate.report import EvalReport, Score


def test_a_claim_cut_from_a_line_covers_it() -> None:
    line = "GENEVA (Example Wire) - The council voted 19 to 17, a diplomat said."
    assert overlaps(line, "The council voted 19 to 17, a diplomat said.")
    assert not overlaps(line, "The council voted 19 to 18, a diplomat said.")


def test_a_sentence_joined_to_its_neighbour_is_inside_the_claim() -> None:
    line = "The report was published on Wednesday night in Geneva."
    claim = f"{line} It found that detentions may amount to crimes against humanity."
    assert overlaps(line, claim)


def test_a_heading_is_not_inside_a_claim_that_names_it() -> None:
    claim = "Sun also rejected the European Parliament's resolution as interference."
    assert not overlaps("European Parliament", claim)
    assert not overlaps("Sport", "Kunlun Sportswear said it would not renew the contract.")


def test_every_held_out_set_is_scored() -> None:
    assert {set_dir for _, set_dir in SETS} >= HELD_OUT
    assert all(any(path.glob("*.txt")) for path in HELD_OUT)


def test_the_held_out_sets_are_pooled_by_their_counts() -> None:
    one = EvalReport("J", 10, (Score("new (lexical)", 5, 2, 1, 2), Score("  01", 1, 0, 0, 0)))
    two = EvalReport("K", 20, (Score("new (lexical)", 7, 3, 0, 10),))
    together = pooled([one, two], "J and K")
    assert together.items == 30
    assert together.scores == (Score("new (lexical)", 12, 5, 1, 12),)
    assert round(together.scores[0].precision, 3) == round(12 / 17, 3)


def test_every_article_carries_its_headline() -> None:
    # The pipeline benchmark serves each article under it, as a feed and a page would.
    for _, set_dir in SETS:
        for article in load_set(set_dir):
            assert article.title and not article.title.startswith('"'), article.name
