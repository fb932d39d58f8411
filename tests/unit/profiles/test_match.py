"""Matching: folding, proximity, wildcards, NOT, scoring, explanations, boilerplate."""

from __future__ import annotations

from typing import Any

from worker.profiles.load import Profile, profile_from_mapping
from worker.profiles.match import Matcher
from worker.records import Article, TermHit

FILLER = "The committee met on Tuesday and discussed the budget for the coming year."


def profile(query: str, **extra: Any) -> Profile:
    data: dict[str, Any] = {"name": extra.pop("name", "p"), "query": query, "min_score": 0.0}
    data["min_sentences"] = extra.pop("min_sentences", 1)
    data.update(extra)
    return profile_from_mapping(data, source="test.yaml")


def article(text: str, title: str = "") -> Article:
    return Article("u", "u", title, text, "outlet", "file")


def matches(query: str, text: str, title: str = "", **extra: Any) -> bool:
    return Matcher([profile(query, **extra)]).match(article(text, title))[0].matched


def test_case_and_accent_folding_on_both_sides() -> None:
    assert matches("Türk", "UN rights chief Volker Turk said so.")
    assert matches("Turk", "Volker TÜRK said so.")
    assert matches("(Uyghur | Uighur | Uygur)", "The UYGUR region.")
    assert not matches("Turk", "Turkey and Turkic peoples.")


def test_exact_phrase_needs_adjacent_words_in_order() -> None:
    assert matches('"crimes against humanity"', "It may be crimes against humanity.")
    assert not matches('"crimes against humanity"', "Crimes, it said, against all humanity.")


def test_phrase_proximity_and_near() -> None:
    text = "The crimes committed there may well amount to offences against humanity."
    assert matches('"crimes humanity"~8', text)
    assert not matches('"crimes humanity"~3', text)
    assert matches("crimes NEAR/9 humanity", text)
    assert matches("humanity NEAR/9 crimes", text)  # either order
    assert not matches("crimes NEAR/5 humanity", text)


def test_prefix_wildcard() -> None:
    assert matches("detain*", "Thousands of detainees were held.")
    assert matches("steriliz* | sterilis*", "Forced sterilisation was reported.")
    assert not matches("detain*", "The details were unclear.")


def test_not_excludes() -> None:
    assert matches("Xinjiang AND NOT basketball", "Camps in Xinjiang.")
    assert not matches("Xinjiang AND NOT basketball", "Xinjiang won the basketball game.")


def test_query_sees_title_and_body_but_phrases_do_not_span_them() -> None:
    assert matches("Xinjiang camps", "Reports of camps.", title="Xinjiang")
    assert not matches('"xinjiang camps"', "Camps were reported.", title="News from Xinjiang")


def test_score_weights_caps_and_title_boost() -> None:
    p = profile("camps", terms={"camps": 2.0, "Xinjiang": 0.5}, term_cap=3, title_boost=2.0)
    body = "Camps. Camps here. More camps. Even more camps. And camps again."
    result = Matcher([p]).match(article(body, title="Xinjiang camps"))[0]
    # camps: 2 x (3 capped body hits + 2 title boost) = 10; Xinjiang: 0.5 x 2 title boost = 1
    assert result.score == 11.0
    assert TermHit("camps", "title", 1) in result.hits
    assert TermHit("camps", "body", 5) in result.hits  # the explanation counts every hit
    assert TermHit("Xinjiang", "title", 1) in result.hits


def test_min_score_and_min_sentences_gate_the_match() -> None:
    text = "Camps were reported. " + FILLER
    assert not matches("camps", text, min_score=2.0)
    assert not matches("camps", text, min_sentences=2)
    assert matches("camps", text + " The camps grew.", min_sentences=2)


def test_focus_must_be_in_the_title_or_named_twice() -> None:
    aside = f"{FILLER} Rights abuses in Sri Lanka were debated. A day earlier Xinjiang was."
    assert not matches("rights", aside, focus="Xinjiang")
    assert matches("rights", aside, focus="Xinjiang", title="Xinjiang debate")
    assert matches("rights", aside + " Xinjiang again.", focus="Xinjiang")


def test_overlapping_aliases_count_one_mention() -> None:
    group = '("Human Rights Council" | "rights council")'
    p = profile(group, terms={group: 1.0})
    result = Matcher([p]).match(article("The Human Rights Council met. The rights council voted."))
    assert result[0].hits == (TermHit(group, "body", 2),)


def test_a_rival_named_more_often_than_the_focus_is_the_subject() -> None:
    # Tibet's boarding schools compared with Xinjiang's: the article is about Tibet.
    compared = "Tibet schools grow. In Tibet, as in Xinjiang, camps. Tibet again. Xinjiang."
    rivals = {"focus": "Xinjiang", "rivals": ["Tibet*"]}
    assert matches("camps", compared, focus="Xinjiang")
    assert not matches("camps", compared, **rivals)
    matcher = Matcher([profile("camps", **rivals)])
    assert matcher.gates(article(compared), "p")["rivals"] is False
    # Named as often as the subject, or less, a rival is a comparison the story makes.
    level = compared.replace("Tibet again.", "Xinjiang again.")
    assert matches("camps", level, **rivals)
    assert matcher.gates(article(level), "p")["rivals"] is True
    # The title counts for both sides.
    assert matches("camps", compared, title="Xinjiang and Xinjiang", **rivals)


def test_one_result_per_profile_in_order_from_one_pass() -> None:
    matcher = Matcher([profile("camps", name="a"), profile("hydrogen", name="b")])
    results = matcher.match(article("Camps, not hydrogen plants. Camps again."))
    assert [r.profile for r in results] == ["a", "b"]
    assert all(r.matched for r in results)


def test_a_profile_matches_what_a_profile_it_includes_matches() -> None:
    broad = profile("Xinjiang AND camps", name="broad", min_score=5.0, includes=["narrow"])
    narrow = profile("Xinjiang AND assessment", name="narrow")
    other = profile("hydrogen", name="other")
    matcher = Matcher([broad, narrow, other])
    text = "The assessment on Xinjiang was released. Diplomats read the assessment."
    by_name = {r.profile: r for r in matcher.match(article(text))}
    assert by_name["narrow"].matched and by_name["narrow"].through is None
    assert by_name["broad"].matched and by_name["broad"].through == "narrow"
    own = Matcher([broad]).match(article(text))[0]
    assert not own.matched
    assert by_name["broad"].score == own.score  # its own score: channels filter on it
    assert TermHit("assessment", "body", 2) in by_name["broad"].hits  # the evidence
    assert not by_name["other"].matched
    # Nothing the included profile does not match is matched through it.
    alone = {r.profile: r for r in matcher.match(article("Hydrogen in Xinjiang. Camps."))}
    assert not alone["broad"].matched and alone["broad"].through is None


def test_a_profile_is_background_beside_one_that_matches_unless_it_scores_the_bar() -> None:
    # The assessment named in a story on the Council's follow-up: background there, unless
    # the story gives it as much as `min_score_beside` asks.
    report = profile("assessment", name="report", min_score_beside={"council": 3})
    council = profile("council AND vote", name="council")
    matcher = Matcher([council, report])
    follow_up = "The council vote failed. It recalled the assessment."
    by_name = {r.profile: r for r in matcher.match(article(follow_up))}
    assert by_name["council"].matched
    assert not by_name["report"].matched and by_name["report"].score == 1.0
    assert matcher.gates(article(follow_up), "report")["min_score_beside"] is False
    # Enough of the assessment in the same story, or no follow-up beside it: it matches.
    central = "The council vote failed. The assessment, the assessment, the assessment."
    assert {r.profile: r for r in matcher.match(article(central))}["report"].matched
    alone = {r.profile: r for r in matcher.match(article("It recalled the assessment."))}
    assert alone["report"].matched and not alone["council"].matched
    assert matcher.gates(article("It recalled the assessment."), "report")["min_score_beside"]


def test_gates_say_why_an_article_did_not_match() -> None:
    matcher = Matcher([profile("camps", min_score=5.0)])
    gates = matcher.gates(article("Camps."), "p")
    assert gates == {"query": True, "focus": True, "min_score": False, "min_sentences": True}


STORY = "\n\n".join(
    [
        "The city council approved new bike lanes on Main Street on Tuesday night.",
        "The project will remove 48 parking spaces and add concrete barriers along the road.",
        "Merchants warned that losing parking would hurt sales during a difficult year.",
        "The mayor called the vote a step toward a safer and more walkable downtown.",
    ]
)
TEASER = (
    "UN report says China may have committed crimes against humanity in Xinjiang\n\n"
    "The UN human rights office said the detention of Uyghurs and other Muslims in Xinjiang "
    "camps may constitute crimes against humanity, in a report on Wednesday."
)
XINJIANG = '(Xinjiang | Uyghur*) AND (camps | detention | "crimes against humanity")'


def test_more_to_explore_teaser_does_not_make_a_match() -> None:
    assert matches(XINJIANG, STORY + "\n\n" + TEASER)  # the teaser text alone would match
    assert not matches(XINJIANG, STORY + "\n\nMore to explore\n\n" + TEASER)


def test_also_see_lines_and_link_lists_do_not_make_a_match() -> None:
    links = "\n".join(
        [
            "ALSO SEE: US Bans Imports From Xinjiang Over Uyghur Forced Labour Camps",
            "Read more: Uyghur detention camps in Xinjiang, a UN report says",
        ]
    )
    assert not matches(XINJIANG, STORY + "\n\n" + links)
    headlines = "\n".join(
        [
            "Uyghur Groups Condemn Carmakers Over Xinjiang Camps",
            "UN Rights Office Finds Possible Crimes Against Humanity in Xinjiang",
            "Sinopec Starts Building Green Hydrogen Plant in Xinjiang",
        ]
    )
    assert not matches(XINJIANG, STORY + "\n\n" + headlines)


def test_comment_widget_does_not_make_a_match() -> None:
    comments = (
        "Readers Comments\n\ngreenfuture: Stop buying panels made in Xinjiang detention camps "
        "by Uyghurs.\n\npaddy: The UN said crimes against humanity in Xinjiang."
    )
    assert not matches(XINJIANG, STORY + "\n\n" + comments)


def test_a_single_sub_heading_is_kept() -> None:
    body = STORY + "\n\nXinjiang detention camps\n\n" + FILLER
    assert matches(XINJIANG, body)


def test_a_repeated_article_counts_once() -> None:
    paragraph = (
        "Detention camps in Xinjiang held Uyghurs, the report said, for many years, and the "
        "families of those held are still waiting for answers."
    )
    p = profile(XINJIANG, terms={"camps": 1.0})
    once = Matcher([p]).match(article(paragraph))[0]
    four = Matcher([p]).match(article("\n".join([paragraph] * 4)))[0]
    assert four.score == once.score == 1.0


def test_short_of_floors_lists_a_profile_whose_gates_hold_but_its_score_falls_short() -> None:
    thin = profile("Xinjiang", min_score=2.0, min_sentences=1, terms={"Xinjiang": 1.0})
    matcher = Matcher([thin])
    once = article("The firm stopped loading containers from Xinjiang in January.")
    assert not matcher.match(once)[0].matched
    assert matcher.short_of_floors(once) == ["p"]
    # Matched, or not on the subject at all: not short of anything.
    often = article(" ".join(["Xinjiang cotton."] * 6))
    assert matcher.match(often)[0].matched
    assert matcher.short_of_floors(often) == []
    assert matcher.short_of_floors(article("The firm stopped loading containers.")) == []
