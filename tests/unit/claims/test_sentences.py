"""Sentence segmentation: quotes, abbreviations and repeated copies."""

from __future__ import annotations

from worker.claims.sentences import sentences


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def test_abbreviations_and_initials_do_not_end_a_sentence() -> None:
    got = texts("The U.N. report said so. Dr. Smith of the U.S. State Dept. agreed.")
    assert got == ["The U.N. report said so.", "Dr. Smith of the U.S. State Dept. agreed."]


def test_a_quote_closing_after_the_full_stop_stays_with_its_sentence() -> None:
    got = texts('He called it "proof." The vote was 19 against, 17 in favour.')
    assert got == ['He called it "proof."', "The vote was 19 against, 17 in favour."]


def test_decimals_and_times_are_not_boundaries() -> None:
    assert texts("It cost $1.8 million at 3 p.m. on Friday.") == [
        "It cost $1.8 million at 3 p.m. on Friday."
    ]


def test_each_line_is_segmented_apart_so_a_heading_does_not_swallow_the_next_line() -> None:
    got = texts("China denounces UN report\nChina has denounced a UN report. It said so.")
    assert got == ["China denounces UN report", "China has denounced a UN report.", "It said so."]


def test_a_sentence_repeated_word_for_word_is_kept_once_with_positions_in_order() -> None:
    found = sentences("One thing happened here.\n\nOne thing happened here. Then another.")
    assert [(s.text, s.index) for s in found] == [
        ("One thing happened here.", 0),
        ("Then another.", 1),
    ]


def test_a_quote_of_several_sentences_stays_one_sentence_with_its_speaker() -> None:
    got = texts('"This is a catastrophe. This is really disappointing," said Dolkun Isa. It ended.')
    assert got == [
        '"This is a catastrophe. This is really disappointing," said Dolkun Isa.',
        "It ended.",
    ]


def test_an_unclosed_quote_joins_a_few_sentences_at_most() -> None:
    got = texts('"One two three. Four five six. Seven eight. Nine ten. Eleven twelve. End here.')
    assert got == [
        '"One two three. Four five six. Seven eight. Nine ten.',
        "Eleven twelve.",
        "End here.",
    ]


def test_a_speaker_tag_starts_a_sentence_after_a_header_without_a_full_stop() -> None:
    got = texts(
        "Transcript excerpt, Morning Briefing, 12 September 2023, 07:10 PRESENTER (Sofie Dam):"
        " The studio has stopped work. LIND: We have suspended it. MAO NING: That is a lie."
    )
    assert got == [
        "Transcript excerpt, Morning Briefing, 12 September 2023, 07:10",
        "PRESENTER (Sofie Dam): The studio has stopped work.",
        "LIND: We have suspended it.",
        "MAO NING: That is a lie.",
    ]


def test_a_speaker_tag_may_give_the_name_after_the_family_name_in_capitals() -> None:
    got = texts(
        "213th Diet session, House of Councillors, 11 April 2024 ISHIZAKI Naoko (opposition):"
        " In November researchers reported it."
    )
    assert got == [
        "213th Diet session, House of Councillors, 11 April 2024",
        "ISHIZAKI Naoko (opposition): In November researchers reported it.",
    ]


def test_capitals_before_a_colon_inside_a_sentence_are_no_speaker_tag() -> None:
    # Two letters ("UN"), or a lowercase word after the colon: a sentence, not a turn.
    assert texts("He told the UN: We will not go.") == ["He told the UN: We will not go."]
    assert texts("It was called OPERATION TIANSHAN: not a name the army used.") == [
        "It was called OPERATION TIANSHAN: not a name the army used."
    ]
