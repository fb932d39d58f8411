"""Sentences that restate what is on record: a standing stance, a denial, a document's
findings.

A story's later articles retell its background in words of their own. Two forms of that
retelling are the same in news copy on any story, and the third is this story's own:

- a position already taken, marked as such: "Beijing has long described the sites as
  schools", "continues to describe the document as illegal", "maintains that", "keeps
  insisting", "recalled that", "repeated that", "reiterated", "have said for years"; or any
  restatement marked as one ("to recap", "as we reported", a live blog's "As a reminder,
  ...");
- a denial in the standard words: "dismissed the report as lies", "called the findings a
  fabrication", "rejected the allegations as groundless", "denies any abuse", "said the
  report was built on lies", "the document is nothing but a political instrument", "the
  so-called forced labour issue is a lie";
- Beijing's standing lines on Xinjiang, re-voiced in every rebuttal: the lies about it
  "collapsed", its affairs are China's internal affairs, the centres were set up against
  terrorism and extremism.

One more form retells a document on record: "the report itself warned that ...", "the UN
assessment had asked China to free everyone held arbitrarily", "the office had found that
...": the document (its report, assessment or findings, or the office that wrote it, in the
past perfect) as the subject of what it found, warned or asked.

The claims judge (novelty.py) takes such a sentence, still judged new by every test of its
words, for a restatement when it also names nothing and states no figure that no known
claim does: a new denial of a new thing names that thing. A document's findings retold
must also agree with the nearest known claim (figures, polarity, outcome).

Measured on 2026-12-06 (docs/claims.md, "Session of 2026-12-06: set R, and positions on
record", and "Fourth session of 2026-12-06"), line-level precision / recall of "new":

| sets | lexical | embedding |
|---|---|---|
| read (A to J, M), position | 0.820 / 0.901 -> 0.840 / 0.901 | 0.863 / 0.892 -> 0.879 / 0.892 |
| held out (K to R), same | 0.790 / 0.921 -> 0.800 / 0.918 | 0.822 / 0.895 -> 0.831 / 0.893 |
| read, then document | 0.840 / 0.901 -> 0.854 / 0.901 | 0.879 / 0.892 -> 0.893 / 0.892 |
| held out (K to S), the same | 0.805 / 0.913 -> 0.816 / 0.911 | 0.838 / 0.888 -> 0.846 / 0.886 |

Two wider forms were measured with the first two and not kept: any recap of a document in
an apposition that dates it ("A report, released on Tuesday, found ...") and what anybody
had said before, in the past perfect. On the sets read they took 18 more false "new" away
for one new line; on the held-out sets none more, for three new lines: a new report is
introduced in the same apposition, and reported speech puts news in the past perfect. The
document form kept asks for the document on record as the subject ("the", "its", "that"),
or the office that wrote it in the past perfect, and a verdict that contradicts nothing.
"""

from __future__ import annotations

import re

_CHARGED = "said|argued|claimed|alleged|accused|denied|insisted|warned|urged"
# Words that call a thing invented, in every form of denial below ("the UN report was
# concocted by Washington"; not "a delegation made up of").
_MADE_UP = r"concoct\w*|cooked up|made up(?! of)"
_STANCE = re.compile(
    # Not "has long been in contact with separatists": a state of its subject, and the
    # embassy's charge against a new critic comes in that form (sets Z, AR, AS); "has long
    # been accused" is the charge on record again.
    r"\b(?:has|have) (?:long|already|repeatedly)\b"
    r"(?! been\b(?! (?:accused|criticised|criticized|condemned|blamed|charged)\b))"
    r"|\bcontinues? to\b|(?<!\bon )\bmaintains?\b"  # a spinner's "on maintain" is "on hold"
    r"|\brecalled\b|\bkeeps? insisting\b"
    r"|\brepeated (?:that|its|his|her|their)\b|\breiterated\b"
    # "Beijing's earlier position, given at a briefing in March 2024, ..." (set AK)
    r"|(?:['’]s|\bits|\bhis|\bher|\btheir|\bthe) (?:earlier|previous|long-?standing)"
    r" (?:position|stance|line)\b"
    # "have said for years", "has for years accused" (set AI)
    rf"|\b(?:has|have) (?:(?:{_CHARGED}) for (?:many )?years|for (?:many )?years (?:{_CHARGED}))\b"
    # a restatement that says it is one, at a sentence's start as often as not
    r"|(?i:\bto recap\b|^as a reminder\b|\bfor (?:listeners|viewers|readers|those) who"
    r" (?:don'?t|do not|may not|might not|didn'?t|did not) (?:know|follow|remember)\b"
    r"|\bas (?:we|previously|earlier) reported\b"
    r"|\bas reported (?:earlier|before)\b)"
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|describ(?:es|ed|ing)"
    r"|call(?:s|ed|ing)?"
    r"|brand(?:s|ed)|label(?:s|led)|decr(?:y|ies|ied))\b.*\b(?:lies?|fabricat\w*|smear\w*"
    r"|slander\w*|baseless|groundless|unfounded|unlawful|illegal|invalid|void|farce"
    rf"|{_MADE_UP}"
    r"|falsehoods?|disinformation|misinformation"
    r"|political (?:tool|weapon|instrument|manipulation|device))\b",
    re.IGNORECASE,
)
# The wire's background denial, with no word of lies in it: "China denies any abuse",
# "Beijing rejects all the allegations". Not "the company denied the allegations": a party's
# first answer to a charge is news, and comes with "the".
_DENIES_ALLEGATIONS = re.compile(
    r"\b(?:den(?:y|ies|ied)|reject(?:s|ed)?)\s+(?:any|all)\s+(?:the\s+)?"
    r"(?:\w+\s+)?(?:abuses?|wrongdoing|mistreatment|allegations|accusations)\b",
    re.IGNORECASE,
)
# The document on record said to be lies: "said the U.N. document was 'illegal and
# invalid'", "said the report was built on lies spread by anti-China forces"; or the
# accusation itself: "the accusation of forced labour is a lie" (set AG).
_DOCUMENT_IS_LIES = re.compile(
    r"(?:\b(?:said|says|insisted|insists|claimed|claims)\b[^;]{0,40}|^(?:the|this|that)\s+)"
    r"\b(?:report|assessment|document|findings|accusations?|allegations?|charges?)\b[^;]{0,50}"
    r"\b(?:is|was|are|were|had been|has been)\b[^;]{0,40}"
    r"\b(?:lies?|fabricat\w*|smear\w*|slander\w*|baseless|groundless|unfounded|illegal"
    r"|invalid|farce|falsehoods?|disinformation|political (?:tool|weapon|instrument)"
    rf"|{_MADE_UP})\b",
    re.IGNORECASE,
)

# Beijing's standing answer in its own frame: "the so-called forced labour issue is a lie
# cooked up by anti-China forces", "the so-called genocide is a smear". The frame
# ("so-called") marks the thing denied as one already alleged: a new allegation is reported,
# not called so-called (set AC).
_SO_CALLED_IS_LIES = re.compile(
    r"\bso-called\b[^;]{0,60}\b(?:is|was|are|were|had been|has been)\b[^;]{0,40}"
    r"\b(?:lies?|fabricat\w*|smear\w*|slander\w*|baseless|groundless|unfounded|farce"
    rf"|falsehoods?|disinformation|hoax|{_MADE_UP})\b",
    re.IGNORECASE,
)

# Beijing's standing lines on Xinjiang, which every rebuttal re-voices in words of its own
# (sets AC and AE, seeds 000 and 001): the lies about the region "collapsed" or "fell
# apart"; its affairs are China's internal affairs, and no interference is acceptable; the
# training centres were set up to fight terrorism and extremism; the US uses Xinjiang to
# contain China (set AF).
_STANDING_LINES = re.compile(
    r"\blies?\b[^.;]{0,60}\b(?:collapsed|fell apart|fallen apart|crumbled|been exposed"
    r"|been debunked)\b"
    r"|\binternal (?:affairs|matters)\b[^.;]{0,80}\b(?:interfer|meddl)\w*"
    r"|\b(?:interfer|meddl)\w*[^.;]{0,80}\binternal (?:affairs|matters)\b"
    r"|\b(?:vocational|training) (?:[\w-]+ ){0,4}?cent(?:re|er)s?\b[^.;]{0,80}"
    r"\b(?:terroris\w*|extremis\w*)"
    r"|\b(?:us(?:e|es|ed|ing)|exploit\w*)\s+(?:the\s+)?Xinjiang\b[^.;]{0,40}?\bto\s+"
    r"(?:contain|curb|control|suppress|hold back|block)\s+China\b",
    re.IGNORECASE,
)


def restates_a_position(text: str) -> bool:
    """Whether the sentence `text` restates a stance on record or a denial, in the forms
    news copy uses for background (the module's docstring lists them)."""
    return any(
        form.search(text)
        for form in (
            _STANCE, _DENIAL, _DENIES_ALLEGATIONS, _DOCUMENT_IS_LIES, _SO_CALLED_IS_LIES,
            _STANDING_LINES,
        )
    )  # fmt: skip


# What a document did, said of the document or of its office: it found, warned, declined to
# say (_DOCUMENT and _IT_FOUND add their own).
_FINDING = (
    "found|concluded|warned|judged|documented|stopped short|declined to|refused to|avoided"
    "|never used"
)
# The document as the subject of what it found: "the report itself warned", "the UN
# assessment had asked", "that 48-page assessment, released in ..., found". Not "a new
# report": a document first reported is news, and it comes with "a".
_DOCUMENT = re.compile(
    r"\b(?:the|its|that|this|whose)\s+"
    r"(?:(?:UN|U\.N\.|United Nations|human|rights|Geneva|office's|office’s|[\w-]+-page"
    r"|January|February|March|April|May|June|July|August|September|October|November|December"
    r"|\d{4})\s+)*"
    r"(?:own\s+)?"
    r"(?:assessment|report|document|findings?)\b[^.;]{0,120}?\b"
    rf"(?:{_FINDING}|finds|said|says|noted|asked|urged|called|described|cited|did not"
    r"|recommended|told)\b",
    re.IGNORECASE,
)
# The office that wrote it, recalled in the past perfect: "the UN office had told China".
_OFFICE_HAD = re.compile(
    r"\b(?:the|its)\s+(?:(?:UN|U\.N\.|United Nations|Geneva|rights|human rights)\s+)*"
    r"office\s+had\s+(?:\w+\s+)?(?:found|warned|told|asked|urged|said|complained"
    r"|concluded|judged|called|described|noted|stopped short)\b",
    re.IGNORECASE,
)


# Its findings retold one after another, the document or the office the subject of the
# sentence before: "It also observed that detention had migrated from camps to courtrooms",
# "Its 48 pages concluded ...", "The office declined to put a number on those held" (the
# op-eds of AF to BB). The office now saying or asking something is news; finding, warning
# and declining to say are what its assessment did.
_IT_FOUND = re.compile(
    r"^(?:It|Its (?:[\d,]+|forty-eight) pages|Its (?:authors|findings)"
    r"|The (?:UN |U\.N\. |UN's |rights |human rights )*office)\s+"
    rf"(?:also\s+)?(?:{_FINDING}|observed|made no mention)\b"
)


def recaps_a_document(text: str) -> bool:
    """Whether the sentence `text` retells what a document on record found, warned or asked
    (the module's docstring)."""
    return bool(_DOCUMENT.search(text) or _OFFICE_HAD.search(text) or _IT_FOUND.search(text))
