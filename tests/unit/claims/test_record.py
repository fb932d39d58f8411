"""The forms in which news copy restates a position on record (worker/claims/record.py)."""

from __future__ import annotations

import pytest

from worker.claims.record import restates_a_position


@pytest.mark.parametrize(
    "sentence",
    [
        # a stance on record
        "Beijing has long described the sites as schools that taught trades.",
        "Beijing continues to describe the nearly fifty-page document as illegal and invalid.",
        "Chinese officials keep insisting that the camps were vocational schools.",
        "Beijing maintains that its measures in Xinjiang were lawful.",
        "Turdi recalled that the office had told Beijing to free everyone held arbitrarily.",
        "Campaigners note that many companies have already stopped doing business there.",
        # a denial in the standard words
        "China's foreign ministry has dismissed the UN office's report as wholly unlawful.",
        "China denies mistreating Uyghurs and calls the findings a fabrication by Washington.",
        "Chinese officials have called the UN document a political weapon.",
        "The embassy rejected the allegations as groundless.",
    ],
)
def test_a_position_restated(sentence: str) -> None:
    assert restates_a_position(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The council rejected a motion to debate the report by 19 votes to 17.",
        "Beijing rejected the new sanctions and promised a firm response.",
        "The museum said on Wednesday it had postponed the show.",
        # a recap of a document, and what somebody had said before: measured, not kept
        "The assessment, made public minutes before Bachelet stepped down, judged the "
        "accounts credible.",
        "The UN assessment had asked China to free everyone held arbitrarily.",
    ],
)
def test_news_and_other_retellings(sentence: str) -> None:
    assert not restates_a_position(sentence)
