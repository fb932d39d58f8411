"""The query language: shapes, precedence, folding, and errors that point at the fault."""

from __future__ import annotations

import pytest

from worker.errors import QuerySyntaxError
from worker.profiles.query import (
    And,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    fold,
    is_positional,
    parse,
    render,
    tokens,
)


def test_alias_group_is_an_or_of_folded_words() -> None:
    assert parse("(Uyghur | Uighur | UYGUR)") == Or((Word("uyghur"), Word("uighur"), Word("uygur")))


def test_or_keyword_and_bar_are_the_same() -> None:
    assert parse("a OR b") == parse("a | b")


def test_implicit_and_binds_tighter_than_or() -> None:
    assert parse("a b OR c") == Or((And((Word("a"), Word("b"))), Word("c")))
    assert parse("a AND b OR c") == parse("a b OR c")


def test_parentheses_override_precedence() -> None:
    assert parse("a (b OR c)") == And((Word("a"), Or((Word("b"), Word("c")))))


def test_not_applies_to_the_next_operand_only() -> None:
    assert parse("NOT a b") == And((Not(Word("a")), Word("b")))
    assert parse("a AND NOT (b | c)") == And((Word("a"), Not(Or((Word("b"), Word("c"))))))


def test_lower_case_operators_are_plain_words() -> None:
    assert parse("rights and wrongs") == And((Word("rights"), Word("and"), Word("wrongs")))


def test_phrases_proximity_and_near() -> None:
    assert parse('"crimes against humanity"') == Phrase(("crimes", "against", "humanity"))
    assert parse('"crimes humanity"~5') == Phrase(("crimes", "humanity"), 5)
    near = parse("Turk NEAR/5 (Xinjiang | XUAR)")
    assert near == Near(Word("turk"), Or((Word("xinjiang"), Word("xuar"))), 5)


def test_wildcard_and_punctuated_words() -> None:
    assert parse("detain*") == Prefix("detain")
    assert parse("re-education") == Phrase(("re", "education"))
    assert parse("U.N.") == Phrase(("u", "n"))


def test_folding_removes_case_and_accents() -> None:
    assert fold("Türk ÉTÉ Straße") == "turk ete strasse"
    assert parse("Türk") == parse("TURK") == Word("turk")
    assert tokens("Beijing’s “so-called” camps") == ["beijing", "s", "so", "called", "camps"]


def test_render_round_trips() -> None:
    for query in ['(a | b) AND "c d"~3', "x NEAR/4 camp*", "NOT z"]:
        assert parse(render(parse(query))) == parse(query)


def test_positional_nodes() -> None:
    assert is_positional(parse('(a | camp* | "c d")'))
    assert not is_positional(parse("a b"))
    assert not is_positional(parse("NOT a"))


@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        ("(Uyghur | Uighur", 16, "closing parenthesis"),
        ('Xinjiang AND "crimes against', 13, "unterminated phrase"),
        ("Xinjiang AND", 12, "ends where a term"),
        ("Xinjiang OR OR camps", 12, "expected a term"),
        (") Xinjiang", 0, "expected a term"),
        ("Xinjiang camps)", 14, "unexpected text"),
        ("Turk NEAR Xinjiang", 5, "NEAR needs a distance"),
        ("Turk NEAR/x Xinjiang", 5, "NEAR needs a distance"),
        ("(a b) NEAR/3 c", 6, "NEAR joins terms"),
        ('"crimes humanity"~', 17, "followed by a number"),
        ('"crimes humanity"~0', 17, "distance must be"),
        ("camps~3", 5, "quoted phrase only"),
        ("de*tain", 0, "only at the end"),
        ("un*", 0, "wildcard stem needs"),
        ('""', 0, "empty phrase"),
        ("", 0, "ends where a term"),
    ],
)
def test_malformed_queries_report_the_position(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert info.value.position == position
    assert info.value.query == query
    assert fragment in str(info.value)
    assert f"at position {position}" in str(info.value)
    assert info.value.reason == "query_syntax"
