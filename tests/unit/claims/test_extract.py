"""Claim extraction: what is a claim, who makes it, of which kind."""

from __future__ import annotations

import pytest

from worker.claims.extract import claims_of, is_claim, speaker_of


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('"We reject this so-called assessment," Wang Wenbin said.', "Wang Wenbin"),
        ('"It is a farce," said Mao Ning, a foreign ministry spokesperson.', "Mao Ning"),
        ("According to Amnesty International, the figure is far higher.", "Amnesty International"),
        ("The report said the detention may amount to crimes against humanity.", "The report"),
        (
            "Sophie Richardson, China director at Human Rights Watch, said the report was vital.",
            "Sophie Richardson",
        ),
        (
            "China's foreign ministry spokesperson Mao Ning said on Friday that it was a farce.",
            "China's foreign ministry spokesperson Mao Ning",
        ),
        ("The council rejected the motion by 19 votes to 17.", None),
    ],
)
def test_speakers(sentence: str, speaker: str | None) -> None:
    assert speaker_of(sentence) == speaker


@pytest.mark.parametrize(
    "line",
    [
        "By Jamey Keaten",
        "GENEVA (AP) -",
        "Sign up for our daily newsletter to get the news first.",
        "A watchtower near a detention facility outside Kashgar, in a photo taken in 2019.",
        "Uyghur activists rally outside the U.N. offices in Geneva, August 31, 2023.",
        "What will the council do next about the report",
        "China denounces UN report on Xinjiang",
        "Our Standards: The Thomson Reuters Trust Principles.",
        # The furniture of a press release, a newsletter, an op-ed and a programme.
        "For interviews, call the coalition's office in London on weekdays.",
        "The full study can be downloaded from the coalition's website.",
        "Welcome back to the Monday briefing, our roundup of the week's trade news.",
        "That's all for today; see you next week with more from Geneva.",
        "Leila Haddad is a lawyer in Beirut who writes about migration and asylum.",
        "The Week in Review airs Saturdays at noon, and the full interview is on our website.",
        "Asia Today airs weeknights at 9 pm on Radio Kanto International.",
        "KARIN VOS: We spoke to Dilnur Hashim earlier today.",
        "Our city hall reporter Ben Okafor is with me;",
        'Full report: "Wrapped in Xinjiang" (PDF, 64 pages), on the foundation\'s website',
        "Marta Oyelaran writes about trade and labour rights for The Harbour Post.",
        # a wire story's credit line (set BS)
        "Reporting by Chiara Benedetti in Bari; additional reporting by Tom Whitcombe in"
        " London; editing by Sandra Holloway",
        "Writing by Anna Kovacs; editing by Peter Hall.",
        # a transcript's note (set BT)
        "(Excerpt; questions on other topics have been omitted.)",
        "Good evening, and thanks for opening this week's letter.",
        "Hello and welcome to a shorter edition after the long weekend.",
        "Tags: Xinjiang, cotton, supply chains, China",
        "Related Posts: Ten Cotton Shirts For Summer Why Linen Is Back",
        "Leave a Reply Cancel reply",
        "This release contains forward-looking statements that involve risks and uncertainty.",
        "This week: a trade fair, a court and what they tell us about the follow-up.",
        "You may also like: 10 Best Mop Brands For Hospital Floors In 2023",
        "Disclaimer: This article is for information purposes only.",
        "The views expressed here are not advice and are for informational purposes only.",
        # a spinner's "Read also:" and a transcript's procedure (set AD)
        "Learn additionally: Prime 10 EV battery shares to observe in 2023",
        "PRESENTER: Our correspondent Lena Hartwig was at the meeting.",
        "PRESENTER: Lena Hartwig in Stuttgart, thank you.",
        "THE CHAIR: The subcommittee will come to order.",
        "The Convener: Thank you both; I suspend the meeting briefly to allow a change.",
        "Thank you, Mr President.",
        # a disclaimer run on after a share bar, an op-ed's author line (set AF)
        "WhatsApp Disclaimer: This content material is for informational functions solely.",
        "Astrid Vollan writes on business and human rights; the views here are her own.",
        # a spokesperson's stock non-answer (set AG)
        "Mao Ning: I am not aware of the specific situation of this company.",
        # a live blog's close and a call's (set AH)
        "This live blog has now ended; thank you for following.",
        "That concludes today's call, and we appreciate your questions this morning.",
        # a parliament's procedure (set AI)
        "The Chair: I give the floor to Ms Ter Haar-Brink of the Labour group.",
        # a newsletter's footer (set AK)
        "You are receiving this because you subscribed to Supply Chain & Rights Monthly.",
        # a caption labelled so (set AQ)
        "Caption: Arslan Tursun at a club in Almaty, where he trains most evenings.",
        # an op-ed's author line on its own (set AP)
        "Helen Marsh-Okafor writes on human rights and diaspora communities.",
        # a reader appeal, a pointer to a document on the site, a share prompt (set AO)
        "Advertising revenue goes some way to support our mission, but it has not been enough.",
        "Read the court's press summary on our website.",
        "Share this story with your friends and family today.",
        # a stock non-answer, a written answer's full text (set AN); a credit's label
        "Wang Wenbin: I am not aware of the specifics you mentioned.",
        "The full text of the question and answer, in Norwegian, is available on its website.",
        "Cover image: an artist's impression of the lighting installation at the festival.",
        # a written answer's source line (set AM)
        "Source: Tweede Kamer, Aanhangsel Handelingen, no. 1432 (summary prepared by us).",
        # the full report named in an apposition (set AT)
        'The full report, "Bitter Fibre", is available to journalists on request.',
        # a presenter's hand-over, a newsletter's offer (set AV)
        "Farid Osman has represented the men for almost a decade, and he joins me from Kota Seri.",
        "Get The Ledgerline's weekly briefing on tech and human rights.",
        # a stock deflection, a station's identification (sets AW and AX)
        "Mao Ning: That is not for the foreign ministry; I would refer you to the competent "
        "authorities.",
        "You're listening to Bay Evening on KQSF, the evening programme.",
        # a transcript's editorial notes (sets AW and AY)
        "This transcript has been edited for length and clarity.",
        "(Excerpt from the transcript published on the ministry's website.)",
        "(The transcript continues with questions on other topics.)",
        # a programme's and a sitting's procedure (sets AA, AB and AL)
        "PRESENTER: Also on the line from Istanbul is the architect Alim Yusup.",
        "PRESENTER: That was Alim Yusup in Istanbul; the news and weather are next.",
        "Council President Declercq: We now vote on the motion as amended.",
        "CHAIR: The time allotted to the member has expired.",
        # a transcript's note in the past tense, a paid newsletter's offer, an author line (AZ)
        "(The press conference continued on other topics.)",
        "You're reading the free edition; upgrade to Pro for the full supplier database.",
        "Tomasz Wielgosz is a senior fellow at the Centre for Supply Chain Ethics in Warsaw.",
        "Gulnar Tursun is a Uyghur translator based in Brussels.",
        # a spokesperson's stock answer when it is the whole answer (BA)
        "Mao Ning: I have noted the relevant reports.",
        # a committee's procedure, a byline run on into its author's post (BB, BA)
        "Ms LATHAM: I will take the remaining figures on notice.",
        "CHAIR: Senator Prior, please direct that question to the minister.",
        "By Harriet Okonkwo-Lange, who teaches business ethics at the Red River Institute.",
        "By Maria Holmgren, health procurement correspondent",
        # a presenter's greeting run on into the programme's name (BC)
        "KESSLER: Good evening and welcome to Weltjournal.",
        # a programme's sign-off, a correction's notice, a transcript's provenance, the
        # stock non-answer, op-ed authors' lines (BU, AZ, BA)
        "And that's Europe Tonight for this Thursday, with more on the vote tomorrow.",
        "That's it for this week; you can find us wherever you get your podcasts.",
        "Correction: An earlier version of this article misspelled the name of the city.",
        "An earlier version of this story gave the wrong date for the council's vote.",
        "The following excerpt was transcribed and translated by Beijing Briefing Monitor.",
        "Spokesperson: I have answered that question already.",
        "Pieter Hollander is a former Dutch diplomat who served in Beijing and Astana.",
        "Carmen Ortuno Vidal teaches supply-chain law in Seville.",
        "Hanneke Vos lectures in supply-chain ethics at a Dutch university of applied sciences.",
        # a programme's credit, a caption's picture with its adjectives (BW, G)
        "The Geneva Brief is produced by Lea Brandt.",
        # a long excerpt's note, a bio's relative clause, the ministry's stock line (BY, BZ)
        "Excerpt from the Chinese Foreign Ministry spokesperson's regular press conference.",
        "Corinne Matthey is a Geneva lawyer who represents families of people detained there.",
        "A: China has made its position clear on many occasions.",
        "The Stewardship Dispatch is edited by Maren Holt",
        "Rows of vines outside Yanqi, in a 2021 promotional photograph released by the winery.",
        # a briefing excerpt's note and the stock non-answer, contracted (CB)
        "The following exchanges are excerpted from the transcript released by the ministry.",
        "Other questions have been omitted.",
        "Spokesperson: I'm not aware of the specifics you mentioned.",
        # notes on the page itself, the stock non-answer, a presenter's turns (CE, CF)
        "This transcript was generated automatically and lightly edited, so please check "
        "against the audio before quoting.",
        "This article was amended on 30 August 2024 to correct the name of the Gdańsk court.",
        "Spokesperson: I have no further information to offer at the moment.",
        "AGATA NOWICKA: Juha Ketola, let's turn to Finland.",
        "KIRI MASON: I'm joined by one of the students who complained, who has asked us to "
        "call her Aynur.",
        # an excerpt's note, a newsletter's masthead (CG)
        "The following is an excerpt of the transcript.",
        # an excerpt's heading and note, a presenter's hand-over (CH)
        "Transcript excerpt: Ministry of Foreign Affairs regular press conference, Beijing",
        "Other questions at the briefing are not included in this excerpt.",
        "RUTH ADEYEMI-LIND: Now to the second story we have been following.",
        # a podcast's sign-off (CI)
        "The Supply Line is back next Friday, and the full transcript is on our website.",
        # a presenter's guest and reporter brought in, an author line, a credit run on (CJ)
        "ROISIN DALY: Marat Iskakov is with me from Almaty;",
        "Niamh Costigan has been following the Cork story;",
        "The author lectures in technology ethics.",
        "The Podium Line is produced by Eoin Farrell, and we're back next Thursday.",
        "The Xinjiang Tracker – Issue 41 – your weekly digest of business and human rights news",
        # a presenter's guests brought in, a sign-off, a newsletter's footer (CL)
        "JANE MORROW: Joining me today from Melbourne is the chef Gulnar Eziz, and from Oslo, "
        "Henrik Dahl of the pension fund.",
        "Gulnar Eziz and Henrik Dahl, thank you; that's it for this week's episode.",
        "Forward this digest to a colleague who should be reading it.",
        # a newsletter's credit (CM)
        "Chokepoint Weekly is written by Ana Lindqvist.",
        # a handout photo's caption and credit, a guest named, a podcast's schedule (CN)
        "Rolls of coated battery separator film at a Hanwol Separator plant in Cheongju, "
        "South Korea, in an undated handout photo.",
        "Hanwol Separator/Handout via Pacific Wire",
        "HANNAH OKAFOR: My guest is the trade lawyer Marcus Bell;",
        "The Supply Line is produced by Tomás Reyes, and new episodes come out every Thursday.",
        "The Long Thread is produced by Northline Audio, with new episodes every Thursday.",
        # a programme's greeting without "the" (CP)
        "MARTA KELLER: Welcome to Borderlines, I'm Marta Keller, and this is the programme "
        "about people who report across frontiers.",
        # the presenter alone (CR)
        "ANNA KRISTIANSEN: I'm Anna Kristiansen, and today we follow a bottle of ketchup from a "
        "Tokyo shelf back to Xinjiang.",
        # a programme's masthead and tagline (CS)
        "MARGINS - a podcast about books and power.",
        "a podcast about books and power.",
        # an op-ed author's post and work, a transcript's note on itself (CV), a presenter's
        # "Today we follow ..." (CW)
        "Hélène Marchetti is a former supply-chain compliance officer who teaches business "
        "ethics in Lyon.",
        "The transcript above is an abridged excerpt.",
        "Today we follow two stories that lead back to that report.",
        # ... and with no verb (CY)
        "MIRJAM KELLER: Today, two stories tied to that report, with the chess coach Erkin "
        "Sabit and the Vienna business reporter Anna Weber.",
        # a transcript's home and a programme's (CX)
        "The full transcript is available on the Ministry's website.",
        "MAYA OKAFOR: Supply Lines is produced by Rota Audio, and transcripts are on our website.",
        # a presenter's guests after "With me" (CT)
        "MEERA SETHI: With me are Zeynep Arslan, legal counsel at the Turkish players' union, "
        "and Farhan Qureshi of TraceLine Asia.",
    ],
)
def test_furniture_headings_and_captions_are_not_claims(line: str) -> None:
    assert not is_claim(line)


def test_a_sign_off_with_the_date_of_the_next_episode_is_no_claim() -> None:
    # The semicolon ends a sentence: the date of the next episode was left a claim (CT).
    turn = (
        "MEERA SETHI: That's all for this week; The Supply Line is back on the twenty-eighth "
        "of June."
    )
    assert claims_of(turn) == []


@pytest.mark.parametrize(
    "line",
    [
        "The embassy's press office said the audit was biased and politically motivated.",
        "She is the first envoy to visit the region since the report was published.",
        "The council said it would welcome a visit by the High Commissioner's team.",
        "The envoy writes about the camps for the first time in her memoir, out in March.",
        "Kadir writes on the detentions for The Ledger, and says 300 relatives are missing.",
        "Officials said they would welcome back the monitors after the election.",
        "A podcast about Xinjiang was taken down on Monday by the platform.",
        "The festival is back on 3 May with a Uyghur programme funded by the ministry.",
        "Ahmet Tursun is a former police officer who served in Kashgar.",
        "Rahima Abdukerim is a former teacher who was detained in 2018.",
        "Today we filed a complaint with the prosecutor in Lyon.",
        "The court said transcripts of the hearing would not be released.",
        "She said: With me are the memories of my father, who was jailed in 2018.",
        "This week the council rejected the motion by 19 votes to 17.",
        "The audit's disclaimer said its sample covered only two of the eight sites.",
        "Buyers may also like the new rules, the trade group said in its statement.",
        "He said: thank you to the 19 countries that stood with China in the vote.",
        "Thanks to the new law, 300 workers were released from the camps in May.",
        "Our correspondent was detained for three days in Urumqi last week.",
        "We have no information on the 300 workers who were moved, the ministry said.",
        "Let's turn to Finland, where the government said 300 workers were moved.",
        "Now to the story of 300 workers who were moved to Hubei, the ministry said.",
        "The council adjourned the session without voting on the Xinjiang motion.",
        "The blog's author said the company had ended its live updates on the audit.",
        "The interview was edited out of the broadcast after the embassy complained.",
        "The council will now vote on the motion in March, its chair said on Tuesday.",
        "That was the message the envoy carried to Beijing in May, diplomats said.",
        '"He was with us in the camp until 2019," his sister said on the programme.',
        "NTEN is a network of 14 consumer and labour organisations, founded in 2019.",
        "Adil Tursun is a lawyer who was detained in 2019 for defending Uyghur clients.",
        "Rafael Ondarza is a former statistician, and he says the figures were doctored.",
        "The press office said the upgrade to the archive's servers ended in March.",
        "A: We have noted the relevant reports, and we hope the German side will not be misled.",
        "By Monday, the council had taken the petition on notice and scheduled a vote.",
        "Joining the boycott from Oslo is the pension fund, which sold its 3.8 percent stake.",
        "The firm said it would forward the digest of audits to the customs authority.",
        "That is it for the company's Xinjiang plant, which will close in May, it said.",
        "The report is written by Ana Lindqvist and two researchers of the university.",
        "DONNELLY: My guest is Ekrem Memtimin, who runs Pamir Table, a Uyghur restaurant.",
        "I'm Ekrem Memtimin, and I have not heard from my brother since 2017.",
        "The ministry said a handout of 300 yuan was paid to each of the 40 families.",
        "By March 2024, three of the firms had stopped buying from the Hami mine.",
        "Reporting by the Guardian showed that 40 firms had closed their plants.",
        # words of those lines inside claims (BU's)
        "That's a big change for this town, the mayor said of the council's 34 to 21 vote.",
        "The collection was translated by Helen Marsh and brought out by a London publisher.",
        "Adil Tursun is a former official who was detained in 2019 after he spoke out.",
        "A Uyghur imam who teaches Koran classes in Istanbul says he learned of it by letter.",
        "Kessler teaches its suppliers' staff about forced labour, the firm said on Friday.",
        "I answered that question in court, and I will answer it again, said Ilham Tohti.",
        "The fibre was produced by Changji Tianyuan Beet Sugar Co., which processes beet.",
        "Much of the yarn is produced by Huafu Fashion in Aksu, the audit found.",
        "Mao Ning: The embassy in Belgium has made China's position clear to the parties.",
        # a picture named in a claim is no caption (17 sentences of the real articles were)
        "A photo of the meeting was denied by Andrew, hinting that it was a fake.",
        "The Oslo house prints picture books in the Uyghur language for diaspora children.",
        "Turbulent polling has created a murky picture of the top tier of the 2020 class.",
        # words of sign-ups and adverts inside claims (26 sentences of the real articles)
        "Disney patched the software as the company continued to sign up more subscribers.",
        "Hege is the CEO of DH, the Spokane advertising and branding firm behind the campaign.",
        "It really means a lot and I share this recognition with the entire Experience team.",
        "For taste receptors, this cascade lets us recognise a chocolate chip cookie.",
        "We reached out to both sites for more information on how they arrived at the figure.",
        "The advertiser argued that the word referred to its traceability documents (set AO).",
        # a non-answer that goes on to answer (set AM)
        "Mao Ning: I am not aware of the specifics, but the authorities will reply in due course.",
        # a report named and described is news (sets AO and AM)
        'The full report, "Threads of Transfer", runs to 64 pages and is available online.',
        'The 64-page report, "Rented Watchtowers", can be downloaded from Glasswall\'s website.',
    ],
)
def test_furniture_words_inside_a_claim_leave_it_a_claim(line: str) -> None:
    assert is_claim(line)


def test_a_long_sentence_that_lost_its_full_stop_is_a_claim() -> None:
    # Seed 004 ends a paragraph so; later articles restate it ("narrowly rejected a debate").
    assert is_claim(
        "A few months later, Human Rights Council member states rejected by a narrow margin a"
        " resolution that would have called for a debate on the report - an initiative that"
        " already fell short of calls from 50 of the council's own appointed experts"
    )


@pytest.mark.parametrize(
    "fragment",
    [
        "Can the council still be persuaded to hold a special session on Xinjiang before the"
        " end of this year's autumn session?",
        "The council's members voted as follows, with the abstentions listed by region and"
        " then by alphabetical order of country name:",
        "A painted silk banner from Turpan, one of the objects that was to go on display in"
        " Philadelphia (Pemberton Museum of Asian Art)",
        "China Denounces Un Report Citing Possible Crimes In Xinjiang Posted by admin |"
        " November 20, 2022 | World News",
        "Read the full statement by the High Commissioner and the annex with the list of"
        " cases at https://example.org/statement",
    ],
)
def test_a_long_fragment_without_a_full_stop_is_not_always_a_claim(fragment: str) -> None:
    assert not is_claim(fragment)


def test_a_word_of_captions_inside_a_quote_does_not_make_a_caption() -> None:
    assert is_claim(
        'The letter urged the museum not to "let ancient objects be used to polish the image'
        ' of a place where a people is being erased."'
    )


def test_a_caption_line_ending_on_a_photo_tag_is_not_a_claim() -> None:
    text = (
        "A security fence outside a facility in the region. (File photo)\n"
        "The council rejected the motion by 19 votes to 17, with 11 abstentions."
    )
    assert [c.text[:11] for c in claims_of(text)] == ["The council"]


@pytest.mark.parametrize(
    "credit",
    # sets CA and BZ; and CD's staff photo
    ["(Fennick/Marta Lenihan)", "Meridian Wire/Daniel Okafor", "Meridian/Staff photo"],
)
def test_a_caption_line_ending_on_an_agency_and_photographer_is_not_a_claim(
    credit: str,
) -> None:
    # sets CA and BZ; a figure's slash ("its 24/7 hotline") is no credit
    text = (
        f"Milk tankers queue at the creamery near Cashel on 28 August 2023. {credit}\n"
        "The ministry said its 24/7 hotline received 300 calls in a week."
    )
    assert [c.text[:12] for c in claims_of(text)] == ["The ministry"]


def test_a_paragraph_that_runs_into_a_caption_keeps_its_claims() -> None:
    # A page's last paragraph ran on into its caption (set AE): the caption is the sentence
    # before the tag, not the paragraph.
    text = (
        "The company said the decision would not affect its operations. The fund is the first"
        " in the country to exclude the producer, a campaign group said. Photo caption:"
        " Aluminium ingots stacked in a warehouse. File photo."
    )
    assert [c.text[:11] for c in claims_of(text)] == ["The company", "The fund is"]


def test_a_transcript_s_speaker_tags_are_its_speakers_and_a_dateline_is_not() -> None:
    transcript = (
        "PRESENTER: Shareholders voted down the proposal to force an independent audit.\n\n"
        "HARTWIG: The founding family had already said it would side with management.\n\n"
        "Euan Macrae (Managing Director, Glenmorvan): We only found out last autumn, he said."
    )
    speakers = [c.speaker for c in claims_of(transcript, "Radio")]
    assert speakers == ["PRESENTER", "HARTWIG", "Euan Macrae"]  # not "family", "We only"
    wire = "BEIJING: The council rejected the motion by 19 votes to 17 on Thursday."
    assert [c.speaker for c in claims_of(wire, "Wire")] == ["Wire"]


def test_an_earnings_call_s_tags_are_its_speakers_and_the_operator_says_nothing() -> None:
    call = (
        "Operator: Good morning and welcome to the Hallbeck third-quarter results call.\n"
        "Mette Lindqvist, Chief Executive Officer: Revenue for the quarter was 1.12 billion"
        " kroner, up 3 percent.\n"
        "Operator: Our first question comes from Priya Raman with Nordic Equity Partners.\n"
        "Priya Raman, Nordic Equity Partners: How sure are you that no Xinjiang leather is left?\n"
        "Anders Holm, Chief Financial Officer, Hallbeck: We booked a charge of 22 million kroner."
    )
    found = [(c.speaker, c.text[:11]) for c in claims_of(call, "CallScript")]
    # The tag is who speaks, not part of what is said; the operator hands over.
    assert found == [("Mette Lindqvist", "Revenue for"), ("Anders Holm", "We booked a")]
    prose = "Sophie Richardson, China director at Human Rights Watch: The vote was a setback."
    assert [c.speaker for c in claims_of(prose, "Wire")] == ["Wire"]  # one tag: no transcript


def test_a_reporter_s_question_is_no_claim_of_the_page_but_the_answer_is() -> None:
    # sets AJ, BJ, BZ: a briefing's question opens on its premise; the spokesperson answers
    briefing = (
        "Q: A Uyghur nurse living in Ireland says her husband was jailed for 15 years. Will"
        " China let the children leave?\n\n"
        "Mao Ning: China handles exit applications in accordance with the law.\n\n"
        "Bloomberg: A German piano maker, Veltrup, has suspended orders from a felt supplier"
        " in Xinjiang. What is China's response?\n\n"
        "Mao Ning: Normal business cooperation must not be disrupted.\n\n"
        "Kyodo News: The chain said yesterday it had dropped the paste."
    )
    assert [c.text[:12] for c in claims_of(briefing, "MFA")] == [
        "China handle",
        "Normal busin",
        "The chain sa",  # a turn that asks nothing is not a question
    ]


def test_a_live_blog_entry_s_time_is_not_part_of_its_claim() -> None:
    text = (
        "09:15 – Her series named twenty-three people whose relatives had heard nothing.\n"
        "10.45am BST: The committee said it would invite the ambassador in June.\n"
        "09:10 Three years ago today, the UN office published its assessment of Xinjiang."
    )
    found = claims_of(text)
    assert [c.text[:9] for c in found] == ["Her serie", "The commi", "Three yea"]
    # not "9", "15", "10.45", nor "9" and "10" (no mark after the time: set AW)
    assert [c.figures for c in found] == [("23",), (), ()]


def test_a_list_item_s_number_is_not_part_of_its_claim() -> None:
    text = (
        "2. The OHCHR assessment of human rights concerns in Xinjiang was published in 2022.\n"
        "Answer 3: The minister says the 2023 report showed that 212 workers were moved.\n"
        "4) Kottebo removed the figurines from 64 stores.\n"
        "19: the number of countries that voted against the motion in October."
    )
    found = claims_of(text)
    assert [c.text[:9] for c in found] == ["The OHCHR", "The minis", "Kottebo r", "19: the n"]
    # "2", "3" and "4" are where the items sit; "19" before a lower-case word is a figure
    assert [c.figures for c in found] == [(), ("212",), ("64",), ("19",)]  # years are not figures


def test_a_release_s_close_run_into_its_notes_is_not_part_of_the_claim() -> None:
    # The set format joins "ENDS", "Notes to editors:" and the note into one paragraph (set AO)
    text = (
        "ENDS Notes to editors: The full report runs to 64 pages and is on the FJN website.\n"
        "Notes to editors: the full report and its methodology are available on our site.\n"
        "End Xinjiang forced labour now, the campaign urged its 22 member groups."
    )
    assert [c.text[:15] for c in claims_of(text)] == ["The full report", "End Xinjiang fo"]


def test_a_clause_ended_by_a_semicolon_is_a_sentence() -> None:
    # syntok cuts at a semicolon before a capital; the clause before it is a claim (set AP)
    text = (
        "OLLP shared its findings with Grauhorn on 27 March; Baiyun Feather gave no answer"
        " to any of them."
    )
    assert [c.text[:12] for c in claims_of(text)] == ["OLLP shared ", "Baiyun Feath"]


def test_a_masthead_run_before_a_sentence_is_not_part_of_its_claim() -> None:
    text = (
        "THE GENEVA LETTER | No. 41 | 2 March 2024 The council rejected the motion by 19"
        " votes to 17, with 11 abstentions.\n"
        "Home | World | Asia | 3 min read Diplomats said it was only the second such vote.\n"
        "Home » Business » Footwear As much as 30 p.c. of the hides came through that firm.\n"
        "«Ем все» » — she wrote, and the council rejected the motion by 19 votes to 17 then."
    )
    # What follows the last bar starts the claim; a reading time there is the page's, not
    # the claim's (its figure made a spin's restatement new: sets U, AZ, BD).
    assert [c.text[:16] for c in claims_of(text)] == [
        "2 March 2024 The", "Diplomats said i", "Footwear As much", "«Ем все» » — she"
    ]  # fmt: skip


def test_a_dateline_stripped_keeps_its_sentence_off_the_caption_line() -> None:
    # The sentence without its dateline keeps its line: it is not on the caption's (the
    # first), so it stays a claim.
    text = (
        "A security fence outside a facility in the region. (File photo)\n"
        "GENEVA (AP) - The council rejected the motion by 19 votes to 17, with 11 abstentions."
    )
    assert [c.text[:11] for c in claims_of(text)] == ["The council"]


@pytest.mark.parametrize(
    "dateline",
    ["GENEVA (AP) - ", "BEIJING, Oct 7 (Reuters) - ", "HANOI, Vietnam (AP) — ",
     "ANTWERP, Belgium, Dec 6 (Example Wire) - ", "CLEVELAND, Ohio – ",
     "COPENHAGEN, Denmark, Feb. 9, 2023 (EXAMPLEWIRE) -- ",
     "NEW YORK, Feb. 9, 2023 /Example Newswire/ -- ",
     "MEJILLONES, Chile, 14 February 2023 - ", "ANTOFAGASTA / LONDON, 20 June 2023 - ",
     "PRESS RELEASE OSLO, 3 March - "],
)  # fmt: skip
def test_a_dateline_with_or_without_its_country_is_not_part_of_the_claim(dateline: str) -> None:
    text = dateline + "The council rejected the motion by 19 votes to 17."
    assert [c.text for c in claims_of(text)] == [
        "The council rejected the motion by 19 votes to 17."
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The council rejected the motion by 19 votes to 17, with 11 abstentions.",
        "Diplomats said it was only the second time a motion had been voted down.",
        "The report found credible evidence of torture, the office said on Wednesday.",
        "Officials, speaking anonymously, denied it." + " x" * 130 + ", the ministry said.",
    ],
)
def test_the_speech_verb_search_finds_what_a_full_search_finds(sentence: str) -> None:
    from worker.claims import extract

    full = extract._WHO_SAID.search(sentence)
    fast = extract._who_said(sentence)
    assert (full and full.group("before")) == (fast and fast.group("before"))


def test_claims_keep_speaker_kind_figures_and_sentence_position() -> None:
    text = (
        "GENEVA (AP) - The council rejected the motion by 19 votes to 17, with 11 abstentions.\n"
        'Dolkun Isa, president of the World Uyghur Congress, called it "a disaster for victims".\n'
        "He said the group would keep pressing for an investigation.\n"
        "The assessment concluded that serious human rights violations had been committed."
    )
    found = claims_of(text, outlet="Example Wire")
    assert [c.text[:24] for c in found] == [
        "The council rejected the",
        "Dolkun Isa, president of",
        "He said the group would ",
        "The assessment concluded",
    ]
    vote, quote, pronoun, finding = found
    assert (vote.kind, vote.speaker, vote.figures) == ("action", "Example Wire", ("19", "17", "11"))
    assert quote.kind == "quote"
    assert pronoun.speaker == quote.speaker  # "He" is the person last named
    assert finding.kind == "finding"
    assert [c.sentence_index for c in found] == sorted(c.sentence_index for c in found)
