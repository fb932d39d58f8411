"""The forms in which news copy restates a position on record (worker/claims/record.py)."""

from __future__ import annotations

import pytest

from worker.claims.record import recaps_a_document, restates_a_position


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
        # the background denial, with no word of lies in it
        "China denies any abuse and says the sites were schools.",
        "Beijing rejects all the accusations of forced labour.",
        # the document on record said to be lies
        'The spokesperson said the UN document was "illegal and invalid".',
        "Mao Ning said on Tuesday that the U.N. report was built on lies spread by its foes.",
        "The document is nothing but a political instrument of the United States.",
        # Beijing's own frame for what is alleged
        "A spokesperson said the so-called forced labour issue in Xinjiang was a lie cooked "
        "up by anti-China forces.",
        "The so-called genocide is a smear invented abroad, the embassy said.",
        # Beijing's standing lines, re-voiced
        "Affairs related to Xinjiang are purely China's internal matters and no foreign "
        "interference is acceptable, she said.",
        "The vocational education and training centres were set up under the law to prevent "
        "terrorism, the spokesperson added.",
        "She said even the UN document had not found genocide, which proved that the lies "
        "about Xinjiang had collapsed.",
        "China opposes any attempt by the United States to use Xinjiang as a tool to contain "
        "China.",
        "Beijing has followed the line it took in 2022, dismissing the criticism as lies.",
        'The accusation of "forced labour" is a lie spread by anti-China forces.',
        # a restatement marked as such
        "The ministry repeated that the centres had been set up to fight extremism.",
        "She reiterated the group's call for an international investigation.",
        "HARTWIG: To recap, two investors wanted the board to bring in outside auditors.",
        "As we reported last month, the fund sold its stake in the smelter.",
        "As a reminder, Beijing declined to extend her press visa in March 2023.",
        "Human rights organisations have said for years that Uyghurs are put to forced labour.",
        "Rights groups have for years accused Beijing of abuses against the Uyghurs.",
        "PRESENTER: For listeners who don't know the story, you came here as a nurse in 2017.",
        "Beijing insists the UN report was concocted by Washington and its allies.",
        "Xinjiang affairs are purely China's internal affairs, and no outside party may meddle.",
        "Beijing's earlier position, given at a briefing in March 2024, was that he is a suspect.",
        "China has long been accused of using forced labour on a mass scale in the region.",
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
        # a party's first answer to a charge is news
        "The company denied the allegations in a statement on its website.",
        "The spokesperson said the report was published too late to be of use.",
        "The council repeated the vote after a delegation's machine failed.",
        "The new report is due in March and will cover the prisons.",
        "Three trainers at the centre were charged with terrorism offences in May.",
        "The ministry said it would not interfere in the court's internal review.",
        # a so-called thing that is not said to be a lie
        "The so-called training centres were built in 2017, the report said.",
        # a reminder that is not a recap
        "The clean-up acted as a reminder that the army could yet be called in.",
        "The man who filed the complaint has for years taken part in separatist activities.",
        # the embassy's charge against a new critic (sets Z, AR, AS)
        "Ms Erkin has long been in contact with separatist organisations abroad.",
        "The delegation was made up of officials from three ministries.",
        # a recap of a document: recaps_a_document's
        "The assessment, made public minutes before Bachelet stepped down, judged the "
        "accounts credible.",
        "The UN assessment had asked China to free everyone held arbitrarily.",
        # a spinner's "on maintain" for "on hold" (set BM)
        "The corporate has since positioned all orders on maintain till an audit is done.",
    ],
)
def test_news_and_other_retellings(sentence: str) -> None:
    assert not restates_a_position(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The report itself warned that the conditions for grave abuses remained in place.",
        "The UN assessment had asked China to free everyone held arbitrarily.",
        "That 48-page assessment, released in the dying minutes of her term, found credible "
        "evidence of torture.",
        "Lund pointed out that the UN report itself had stopped short of using the word.",
        "The UN office had told China to let families know where their relatives are.",
        "She said the office had judged credible the accounts of torture.",
        "The UN human rights office's assessment said the detention might amount to crimes "
        "against humanity.",
        "All of this goes back to the UN human rights office's August 2022 assessment, which "
        "said the treatment of Uyghurs might amount to crimes against humanity.",
        "That assessment, published in the final minutes of Michelle Bachelet's term as High "
        "Commissioner, also judged credible the accounts of torture given by former detainees.",
        # its findings retold one after another, the document the subject before (BB and the
        # op-eds of AF to BA)
        "It also observed that detention had migrated from camps to courtrooms.",
        "It never used the word genocide, a restraint Chinese diplomats promptly spun.",
        "Its 48 pages concluded that the detentions could qualify as crimes against humanity.",
        "The office declined to put a number on those held.",
        "The report declined to put a number on how many people had been held.",
    ],
)
def test_a_document_recapped(sentence: str) -> None:
    assert recaps_a_document(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # a document first reported comes with "a", and names what it found
        "A new report by the Tarim Documentation Centre found 2,400 missing people.",
        # the office speaking now, not recalled
        "The UN human rights office said on Tuesday it remained concerned.",
        "The office will publish its findings in March.",
        "The council rejected a motion to debate the report by 19 votes to 17.",
        "The office said it would send a team to Urumqi in May.",
        "Its spokesperson warned on Monday that Beijing had not replied.",
    ],
)
def test_news_about_a_document(sentence: str) -> None:
    assert not recaps_a_document(sentence)
