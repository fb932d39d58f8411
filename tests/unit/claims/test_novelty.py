"""Novelty against the known claims in a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from worker.claims import novelty
from worker.claims.extract import claims_of
from worker.claims.novelty import ClaimJudge, load_seed_claims
from worker.extract import article_from_text
from worker.records import ClaimVerdict
from worker.store.db import Database
from worker.store.models import Article as ArticleRow
from worker.store.models import ArticleClaim, KnownClaim

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
PROFILES = ["xinjiang", "hrc-follow-up"]
NOW = datetime(2023, 10, 1, tzinfo=UTC)
BASE = (
    "The U.N. Human Rights Council rejected a motion to debate the Xinjiang report by 19 votes "
    "to 17, with 11 abstentions.\n"
    '"This is a dark day for the victims," said Sophie Richardson of Human Rights Watch.\n'
    "The report found that as many as one million Uyghurs had been held in camps.\n"
)


def record(db: Database, judge: ClaimJudge, text: str, **kw: Any) -> list[ClaimVerdict]:
    with db.session_scope() as session:
        return judge.judge_and_record(session, text, kw.pop("profiles", ["xinjiang"]),
                                      article_id=kw.pop("article_id", None), outlet="Wire",
                                      seen_at=NOW)  # fmt: skip


def judged(db: Database, judge: ClaimJudge, sentence: str) -> ClaimVerdict:
    with db.session_scope() as session:
        (verdict,) = judge.judge(session, claims_of(sentence), ["xinjiang"])
    return verdict


@pytest.fixture
def judge() -> ClaimJudge:
    return ClaimJudge("lexical")


@pytest.fixture
def known(sqlite_db: Database, judge: ClaimJudge) -> Database:
    assert all(v.is_new for v in record(sqlite_db, judge, BASE))
    return sqlite_db


@pytest.mark.parametrize(
    "sentence",
    [
        # reworded and reordered
        "By 19 votes to 17 and with 11 abstentions, the Human Rights Council rejected the "
        "motion to debate the report on Xinjiang.",
        # figures in words
        "The council rejected the motion to debate the Xinjiang report, nineteen votes to "
        "seventeen, with eleven abstentions.",
        # another speaker quoting the same line
        '"This is a dark day for the victims," the activist Dolkun Isa said, quoting Human '
        "Rights Watch.",
        # shortened
        "The report found that up to a million Uyghurs had been held in camps.",
        # dated otherwise ("on Thursday", "last month") and told with "even"
        "Last month the Human Rights Council even rejected the motion to debate the "
        "Xinjiang report by 19 votes to 17.",
        # a tally states both sides: "in favour" and "against" contradict neither
        "The Human Rights Council motion to debate the Xinjiang report was rejected with 17 "
        "in favour and 19 against.",
        # a claim split across two known sentences: the vote, and what the report found
        "The council rejected a debate on the report, which found one million Uyghurs held "
        "in camps, by 19 votes to 17.",
    ],
)
def test_repeats_are_known(known: Database, judge: ClaimJudge, sentence: str) -> None:
    verdict = judged(known, judge, sentence)
    assert not verdict.is_new, verdict
    assert verdict.nearest_known is not None
    assert verdict.known_by == "words"


@pytest.mark.parametrize(
    "sentence",
    [
        # a changed figure
        "The report found that as many as 1.8 million Uyghurs had been held in camps.",
        # the opposite outcome
        "The U.N. Human Rights Council adopted a motion to debate the Xinjiang report by 19 "
        "votes to 17, with 11 abstentions.",
        # a negation
        "The report did not find that Uyghurs had been held in camps.",
        # something else entirely
        "The European Union agreed to ban imports of goods made with forced labour.",
        # a new quote by a known speaker: his name and affiliation are not what he said
        '"We will keep documenting every case," said Sophie Richardson of Human Rights Watch.',
    ],
)
def test_new_claims_are_new_and_show_their_nearest_known(
    known: Database, judge: ClaimJudge, sentence: str
) -> None:
    verdict = judged(known, judge, sentence)
    assert verdict.is_new, verdict
    assert verdict.known_by is None


AUDIT = (
    "Brightwater's audit covered 212 suppliers in four countries.\n"
    "The audit found no direct evidence of forced labour among the company's suppliers.\n"
)


@pytest.mark.parametrize(
    ("sentence", "is_new"),
    [
        # the figure was given in the sentence before the finding: restated, not new
        ("The audit, which covered more than two hundred suppliers, found no direct evidence "
         "of forced labour among the company's suppliers.", False),
        # a changed figure of the same thing is new whatever else is known
        ("The audit, which covered more than 300 suppliers, found no direct evidence of "
         "forced labour among the company's suppliers.", True),
    ],
)  # fmt: skip
def test_a_figure_stated_in_another_known_sentence_is_known(
    sqlite_db: Database, judge: ClaimJudge, sentence: str, is_new: bool
) -> None:
    assert all(v.is_new for v in record(sqlite_db, judge, AUDIT))
    assert judged(sqlite_db, judge, sentence).is_new is is_new


@pytest.mark.parametrize(
    ("sentence", "is_new"),
    [
        # background told back from the article's day: 0.32 of the known words, fewer than a
        # restatement needs, and still the finding
        ("Two years ago, UN investigators said up to a million Uyghurs were locked up.", False),
        # ... as many words in common, but not placed in the past: another claim
        ("In the past, UN investigators said up to a million Uyghurs were locked up.", True),
        # ... a changed figure stays news, however it is placed
        ("Two years ago, UN investigators wrote that 1.8 million Uyghurs were held.", True),
    ],
)
def test_a_line_told_as_past_background_needs_fewer_of_the_known_words(
    known: Database, judge: ClaimJudge, sentence: str, is_new: bool
) -> None:
    verdict = judged(known, judge, sentence)
    assert verdict.is_new is is_new
    assert novelty.RETOLD_KNOWN_AT <= verdict.similarity < novelty.KNOWN_AT


def test_only_the_lexical_mode_lowers_the_bar_for_past_background(sqlite_db: Database) -> None:
    # the embedding mode's blend has its own reach: its bar for words stays KNOWN_AT
    line = "Two years ago, UN investigators said up to a million Uyghurs were locked up."
    judge = ClaimJudge("embedding", encoder=TableEncoder({line: [1.0, 0.0, 0.0]}))
    assert all(v.is_new for v in record(sqlite_db, judge, BASE))
    verdict = judged(sqlite_db, judge, line)
    assert verdict.is_new
    assert novelty.RETOLD_KNOWN_AT <= verdict.similarity < novelty.KNOWN_AT


def test_the_seeds_fed_back_bring_no_new_claim(sqlite_db: Database, judge: ClaimJudge) -> None:
    with sqlite_db.session_scope() as session:
        added = load_seed_claims(session, SEEDS, PROFILES, judge=judge)
    assert added > 100
    for path in sorted(SEEDS.glob("*.txt")):
        article = article_from_text(path.read_text(encoding="utf-8"), path.name)
        for profile in PROFILES:
            with sqlite_db.session_scope() as session:
                new = [v for v in judge.judge(session, claims_of(article.text), [profile])
                       if v.is_new]  # fmt: skip
            assert new == [], f"{path.name} {profile}: {new[0].claim.text}"


RESTATED_POSITIONS = (
    # Far from any seed line in words, but a denial and a stance the seeds already hold.
    "Beijing's foreign ministry has dismissed the UN document as a pack of lies.",
    "Chinese officials keep insisting that the camps were schools that kept young people "
    "from extremism.",
)
NEW_POSITIONS = (
    # The same forms, with a name or a figure no seed line holds.
    "Beijing has dismissed the sanctions announced by Lithuania as a pack of lies.",
    "Chinese officials keep insisting that 4,200 camps were schools.",
)
RECAPPED_DOCUMENT = (
    # Far from any seed line in words, but what the assessment found or asked, as the seeds
    # already say it.
    # (Its "free everyone held arbitrarily" is now known by its words: "free" of people is
    # "release"; so since SIGNATURE_VERSION 25 is "let everyone held arbitrarily go home and
    # tell families where their relatives are": "held arbitrarily" is "arbitrarily
    # detained", "tell families where" is "clarify the whereabouts". This wording has none.)
    "The UN assessment had asked China to send every arbitrary detainee home and to give "
    "families news of their relatives.",
    "She said the office had judged credible the accounts of beatings and abuse in the facilities.",
)
NEW_FROM_A_DOCUMENT = (
    "The report itself warned that 300 factories in Hotan used forced labour.",
    "The UN assessment had asked Kazakhstan to stop deporting Uyghurs.",
)


@pytest.mark.parametrize(
    ("retold", "news", "known_by"),
    [
        (RESTATED_POSITIONS, NEW_POSITIONS, "position"),
        (RECAPPED_DOCUMENT, NEW_FROM_A_DOCUMENT, "recap"),
    ],
    ids=["a-position", "a-document"],
)
def test_a_line_retelling_the_record_is_known_unless_it_names_news(
    sqlite_db: Database,
    judge: ClaimJudge,
    retold: tuple[str, ...],
    news: tuple[str, ...],
    known_by: str,
) -> None:
    with sqlite_db.session_scope() as session:
        load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
    for sentence in retold:
        verdict = judged(sqlite_db, judge, sentence)
        assert not verdict.is_new, sentence
        assert verdict.known_by == known_by, sentence
        assert verdict.similarity < novelty.KNOWN_AT  # its words alone would not say so
        assert verdict.nearest_known is not None
    assert all(judged(sqlite_db, judge, sentence).is_new for sentence in news)


def test_seed_loading_is_once_per_profile(sqlite_db: Database, judge: ClaimJudge) -> None:
    with sqlite_db.session_scope() as session:
        first = load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
    with sqlite_db.session_scope() as session:
        again = load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
        later_profile = load_seed_claims(session, SEEDS, ["xinjiang", "hrc-follow-up"], judge=judge)
    assert first > 0
    assert again == 0
    assert later_profile == first  # a profile added later gets the seeds too


def test_seed_claims_a_profile_lacks_are_added_at_the_next_load(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    # As a store seeded by an earlier release, whose extraction missed some seed sentences.
    texts = select(KnownClaim.text).where(KnownClaim.origin == "seed")
    with sqlite_db.session_scope() as session:
        load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
        every = set(session.scalars(texts))
    lost = sorted(every)[:3]
    with sqlite_db.session_scope() as session:
        session.execute(delete(KnownClaim).where(KnownClaim.text.in_(lost)))
    with sqlite_db.session_scope() as session:
        again = load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
        assert set(session.scalars(texts)) == every
    assert again >= 3  # one row a seed that says it
    fresh = ClaimJudge()  # nothing of the seeds is new again
    for path in sorted(SEEDS.glob("*.txt")):
        article = article_from_text(path.read_text(encoding="utf-8"), path.name)
        with sqlite_db.session_scope() as session:
            verdicts = fresh.judge(session, claims_of(article.text), ["xinjiang"])
        assert not [v.claim.text for v in verdicts if v.is_new], path.name


def test_repeats_are_counted_with_their_speakers(db: Database, judge: ClaimJudge) -> None:
    record(db, judge, BASE)
    repeat = '"This is a dark day for the victims," Agnès Callamard said.'
    record(db, judge, repeat)
    record(db, judge, repeat.replace("Agnès Callamard", "Dolkun Isa"))
    with db.session_scope() as session:
        row = session.scalars(select(KnownClaim).where(KnownClaim.text.like("%dark day%"))).one()
        assert row.repeat_count == 2
        assert row.first_outlet == "Wire"
        assert set(row.speakers) >= {"Agnès Callamard", "Dolkun Isa"}


def test_an_article_that_repeats_itself_says_each_thing_once(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    twice = BASE + "\n" + BASE.replace("The report found", "The U.N. report found")
    verdicts = record(sqlite_db, judge, twice)
    assert [v.is_new for v in verdicts] == [True, True, True, False]


def test_a_line_that_adds_to_its_own_lede_is_new(sqlite_db: Database, judge: ClaimJudge) -> None:
    lede = (
        'The Pemberton Museum of Asian Art said it had postponed "Oasis Kingdoms", a show of '
        "112 objects lent by three institutions in Xinjiang.\n"
    )
    adds = (
        '"Oasis Kingdoms" was to run until January and was the Pemberton Museum\'s biggest show '
        "of objects lent by institutions abroad.\n"
    )
    assert [v.is_new for v in record(sqlite_db, judge, lede + adds)] == [True, True]
    # Against another article's line (for another profile), the same words are a repeat.
    record(sqlite_db, judge, lede, profiles=["hrc-follow-up"])
    with sqlite_db.session_scope() as session:
        (verdict,) = judge.judge(session, claims_of(adds), ["hrc-follow-up"])
    assert not verdict.is_new
    assert novelty.KNOWN_AT <= verdict.similarity < novelty.OWN_KNOWN_AT


def test_a_line_that_joins_two_of_its_own_article_s_lines_is_new(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    text = (
        "The Pemberton Museum postponed its exhibition of 112 objects from Xinjiang museums.\n"
        "The exhibition had been due to open in Philadelphia on 14 October with a gala.\n"
        "The exhibition of 112 objects from Xinjiang museums was due to open in Philadelphia "
        "on 14 October.\n"
    )
    # The third line holds most of the first two between them: against another article's
    # lines that makes it known (the union test), not against its own article's.
    assert [v.is_new for v in record(sqlite_db, judge, text)] == [True, True, True]


def test_each_profile_has_its_own_known_claims(known: Database, judge: ClaimJudge) -> None:
    verdicts = record(known, judge, BASE, profiles=["xinjiang", "hrc-follow-up"])
    by_profile = {
        p: [v.is_new for v in verdicts if v.profile == p] for p in ("xinjiang", "hrc-follow-up")
    }
    assert by_profile == {"xinjiang": [False] * 3, "hrc-follow-up": [True] * 3}


def test_a_rolled_back_article_leaves_nothing_known(sqlite_db: Database, judge: ClaimJudge) -> None:
    def judge_then_fail() -> None:
        with sqlite_db.session_scope() as session:
            judge.judge_and_record(session, BASE, ["xinjiang"], article_id=None, outlet="Wire",
                                   seen_at=NOW)  # fmt: skip
            raise RuntimeError("the detection transaction failed after judging")

    with pytest.raises(RuntimeError):
        judge_then_fail()
    assert all(v.is_new for v in record(sqlite_db, judge, BASE))


def test_claims_committed_by_another_worker_are_known(db: Database) -> None:
    record(db, ClaimJudge(), BASE)
    other_process = ClaimJudge()
    assert not any(v.is_new for v in record(db, other_process, BASE))


def test_article_claims_are_stored_and_a_revision_numbers_on(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    with sqlite_db.session_scope() as session:
        session.add(ArticleRow(id=7, url="http://x/a", canonical_url="http://x/a", title="t",
                               text=BASE, text_hash="h", outlet="x", source="feed"))  # fmt: skip
    record(sqlite_db, judge, BASE, article_id=7)
    record(sqlite_db, judge, "Forty-one states signed a joint statement urging a council debate.",
           article_id=7)  # fmt: skip
    with sqlite_db.session_scope() as session:
        rows = session.execute(select(ArticleClaim.sentence_index, ArticleClaim.is_new)
                               .where(ArticleClaim.article_id == 7)
                               .order_by(ArticleClaim.sentence_index)).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [(0, True), (1, True), (2, True), (3, True)]


class BagOfWordsEncoder:
    """A stand-in sentence encoder at the edge: hashed word counts, unit length."""

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, hash(word.strip('.,"')) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def test_embedding_mode_stores_vectors_and_judges_with_them(sqlite_db: Database) -> None:
    judge = ClaimJudge("embedding", encoder=BagOfWordsEncoder())
    record(sqlite_db, judge, BASE)
    with sqlite_db.session_scope() as session:
        sizes = session.scalars(select(func.length(KnownClaim.embedding))).all()
    assert sizes == [64 * 4] * 3
    fresh = ClaimJudge("embedding", encoder=BagOfWordsEncoder())  # loads the stored vectors
    assert not any(v.is_new for v in record(sqlite_db, fresh, BASE))


class TableEncoder:
    """A stand-in encoder at the edge: each text's vector set by the test (unit length)."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        rows = np.array([self.vectors.get(t, [0.0, 0.0, 1.0]) for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("cosine", "new_text", "is_new"),
    [
        # Other words, few shared ("schools", "extremism"): known only when the vectors
        # say it is the same thing.
        (0.95, "China insists the camps were vocational schools for tackling extremism.", False),
        (0.5, "China insists the camps were vocational schools for tackling extremism.", True),
        # No word shared: a high cosine alone is not enough.
        (0.99, "Officials in Urumqi later described every site as a trade college.", True),
    ],
)
def test_embedding_mode_blends_cosine_and_shared_words(
    sqlite_db: Database, cosine: float, new_text: str, is_new: bool
) -> None:
    known_text = "Beijing has denied the claims, saying the schools counter extremism."
    angle = float(np.arccos(cosine))
    turned = [float(np.cos(angle)), float(np.sin(angle)), 0.0]
    encoder = TableEncoder({known_text: [1.0, 0.0, 0.0], new_text: turned})
    judge = ClaimJudge("embedding", encoder=encoder)
    record(sqlite_db, judge, known_text)
    assert [v.is_new for v in record(sqlite_db, judge, new_text)] == [is_new]


def test_every_seed_claim_is_known_even_one_close_to_another_seed(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    with sqlite_db.session_scope() as session:
        added = load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
    claims = sum(len(claims_of(p.read_text(encoding="utf-8"))) for p in SEEDS.glob("*.txt"))
    assert added == claims  # the baseline is all of it, not only what looked new


def _two_passes(db: Database, judge: ClaimJudge, text: str, between: str | None = None,
                **kw: Any) -> list[ClaimVerdict]:  # fmt: skip
    """`text` judged as the pipeline does: a first pass outside the detection transaction,
    then the second inside it; `between` is recorded by another worker in the meantime."""
    profiles = kw.pop("profiles", ["xinjiang"])
    with db.session_scope() as session:
        first = judge.prejudge(session, text, profiles, outlet="Wire")
    if between is not None:
        record(db, ClaimJudge(), between, profiles=profiles)
    with db.session_scope() as session:
        return judge.judge_and_record(session, text, profiles, article_id=None, outlet="Wire",
                                      seen_at=NOW, prejudged=first)  # fmt: skip


def _as_compared(verdicts: list[ClaimVerdict]) -> list[tuple[object, ...]]:
    return [(v.profile, v.claim.text, v.is_new, v.nearest_known, v.similarity) for v in verdicts]


def test_two_passes_give_the_verdicts_of_one(tmp_path: Path) -> None:
    from worker.evaluate.claims import EVAL_DIR, SET_DIR, load_set
    from worker.store.migrate import upgrade

    dbs = []
    for name in ("whole", "split"):
        upgrade(f"sqlite:///{tmp_path / name}.db")
        dbs.append(Database.from_url(f"sqlite:///{tmp_path / name}.db"))
        with dbs[-1].session_scope() as session:
            load_seed_claims(session, SEEDS, PROFILES, judge=ClaimJudge())
    one, two = dbs
    whole, split = ClaimJudge(), ClaimJudge()
    # The labelled articles of two sets, in their order: later ones repeat earlier ones.
    texts = [a.text for d in (SET_DIR, EVAL_DIR / "set-b") for a in load_set(d)]
    assert len(texts) >= 8
    for text in texts:
        expected = record(one, whole, text, profiles=PROFILES)
        assert _as_compared(_two_passes(two, split, text, profiles=PROFILES)) == _as_compared(
            expected
        )
    for db in dbs:
        db.dispose()


def test_a_claim_committed_between_the_passes_is_known(sqlite_db: Database) -> None:
    judge = ClaimJudge()
    vote = "The U.N. Human Rights Council rejected a motion to debate the report by 19 votes to 17."
    again = "By 19 votes to 17, the U.N. rights council rejected a motion to debate the report."
    verdicts = _two_passes(sqlite_db, judge, f"{vote}\n{again}\n", between=vote)
    assert [v.is_new for v in verdicts] == [False, False]
    with sqlite_db.session_scope() as session:
        (stored_id,) = session.scalars(select(KnownClaim.id)).all()  # nothing stored twice
    # The later sentence, a repeat of the first in the first pass, now names the known claim.
    assert [v.nearest_known_id for v in verdicts] == [stored_id, stored_id]


def test_loaded_claims_are_packed_and_an_inherited_copy_catches_up(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker's main process loads every profile before its pool forks (ClaimJudge.load);
    # the pool's processes start from that copy and must know what was committed since,
    # even more claims than one batch of the catching-up read.
    with db.session_scope() as session:
        seeds = load_seed_claims(session, SEEDS, PROFILES, judge=ClaimJudge())
    parent = ClaimJudge()
    with db.session_scope() as session:
        assert parent.load(session, PROFILES) == seeds
    packed = {p: (i.lexical._packed.size, len(i.lexical)) for p, i in parent._indexes.items()}
    assert set(packed) == set(PROFILES) and all(size == n > 0 for size, n in packed.values())
    monkeypatch.setattr(novelty, "LOAD_BATCH", 2)
    later = (
        "The Brightwater audit covered 212 suppliers in four countries.\n"
        "The ministry fined three cotton firms 4.5 million yuan for mislabelling.\n"
        '"We will publish every finding," said Mara Lindqvist, who led the audit.\n'
    )
    assert all(v.is_new for v in record(db, ClaimJudge(), later))  # by another process
    assert not any(v.is_new for v in record(db, parent, later))


WIRE_STORY = (
    "The Baltic Rowing League said on Monday it had cancelled its 2024 regatta in Kashgar. "
    "League president Anna Berg said the decision followed the UN findings on forced labour. "
    "The regatta was to have drawn 600 rowers from 24 nations. "
    "Kashgar had paid a hosting fee of 1.2 million euros, which the league will return. "
    "Sponsors including the shipping firm Nordlys had threatened to pull their support.\n"
)
LOOSELY_RESTATED = "Backers such as Nordlys, a shipping company, had warned they would walk away."
NEW_IN_THE_REWRITE = (
    "The league said the regatta would move to Tallinn in 2025 instead.",
    "Kashgar's sports bureau said 900 rowers had already registered.",
)
REWRITE = (
    "She linked the move to what UN investigators found about forced labour. "
    "The regatta had been expected to draw 600 rowers from 24 countries. "
    "The league will hand back the 1.2 million euro fee that Kashgar paid. "
    f"{LOOSELY_RESTATED} {' '.join(NEW_IN_THE_REWRITE)}\n"
)


def recorded(db: Database, judge: ClaimJudge, text: str, outlet: str, day: int) -> dict[str, bool]:
    """Each claim of `text`, new or not, as an article of `outlet` seen on day `day`."""
    with db.session_scope() as session:
        verdicts = judge.judge_and_record(session, text, ["xinjiang"], article_id=None,
                                          outlet=outlet, seen_at=NOW.replace(day=day))  # fmt: skip
    return {v.claim.text: v.is_new for v in verdicts}


def test_a_rewrite_of_an_earlier_article_restates_it_in_looser_words(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    verdicts = recorded(sqlite_db, judge, REWRITE, "Content farm", 2)
    # Three lines restate the wire story closely: the text is read as a rewrite of it, and
    # a line that holds less of its words (under KNOWN_AT) is a restatement too ...
    assert not verdicts[LOOSELY_RESTATED]
    # ... but not a line with a new venue, nor one with a new figure.
    assert [verdicts[line] for line in NEW_IN_THE_REWRITE] == [True, True]


def test_a_loose_restatement_alone_is_not_read_as_a_rewrite(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    assert novelty.KNOWN_AT > 0.36 > novelty.REWRITE_KNOWN_AT  # its containment: in between
    verdicts = recorded(sqlite_db, judge, LOOSELY_RESTATED + "\n", "Blog", 2)
    assert verdicts == {LOOSELY_RESTATED: True}


HEAVY_REWRITE = (
    "Kashgar will no longer stage next year's Baltic Rowing League regatta, organisers "
    "confirmed. Anna Berg, who heads the league, tied the call to what UN investigators found "
    "about forced labour. Some 600 oarsmen and women from two dozen countries had been expected "
    "to compete. The hosting money Kashgar handed over, 1.2 million euros, is to be paid back. "
    f"{LOOSELY_RESTATED} {NEW_IN_THE_REWRITE[0]}\n"
)


def test_a_heavy_rewrite_is_read_as_one_by_where_its_lines_are_closest(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    verdicts = recorded(sqlite_db, judge, HEAVY_REWRITE, "Content farm", 2)
    # Only two of its lines hold KNOWN_AT of a wire line's words (too few to tell a rewrite
    # by), but all six are closest to the wire story's lines: it is read as a rewrite of it,
    # and its other restatements are known (one with "two dozen" for 24) ...
    assert sum(not new for new in verdicts.values()) == 5
    # ... but not the line with the new venue.
    assert verdicts[NEW_IN_THE_REWRITE[0]]


# A content farm's spin, synonym by synonym (set AY's), of a wire story that retold the
# seeds' background too: the spin retells that background as well, and those lines are
# closest to the seeds', not to the wire story's.
BACKGROUND = (
    "Rights groups have long accused Beijing of abuses against Uyghurs, a mostly Muslim "
    "minority of about ten million people in Xinjiang. In August the UN human rights office "
    "said the detention of Uyghurs and other Muslim groups may amount to crimes against "
    "humanity.\n"
)
SPUN = (
    "The Baltic Oar Organization stated on Monday it had actually called off its 2024 boat "
    "race in Kashgar. League head Anna Berg specified the choice complied with the UN "
    "searchings for on compelled work. The boat race was to have actually attracted six "
    "hundred rowing crews from twenty-four countries. Kashgar had actually paid an organizing "
    "charge of 1.2 million euros, which the organization will definitely return. Sponsors "
    "consisting of the delivery company Nordlys had actually endangered to draw their "
    "assistance. Rights teams have lengthy accused Beijing of abuses in opposition to Uyghurs, "
    "a principally Muslim minority of round ten million individuals in Xinjiang. In August the "
    "UN human rights workplace stated the detention of Uyghurs and different Muslim teams "
    "might quantity to crimes towards humanity.\n"
)


def test_a_spin_of_a_story_that_retold_the_seeds_is_read_by_its_other_lines(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    with sqlite_db.session_scope() as session:
        load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
    story = recorded(sqlite_db, judge, WIRE_STORY.strip() + " " + BACKGROUND, "Wire", 1)
    assert sum(story.values()) == 5  # the background is the seeds'
    verdicts = recorded(sqlite_db, judge, SPUN, "Content farm", 2)
    # Four of its seven lines are closest to the wire story's, under REWRITE_NEAREST_SHARE
    # of all seven; the two closest to the seeds' say nothing of what it spins, and of the
    # other five, four are the story's: it is read as a rewrite, and nothing in it is new.
    assert not any(verdicts.values())


# Restatements in words of their own: neither holds REWRITE_KNOWN_AT of a wire line's words.
REWORDED_AWAY = (
    "Corporate backers of the event had been getting ready to walk away from it.",
    "The organisers tied the decision to the findings of investigators into compelled work.",
)
NAMING_SOMETHING_NEW = (
    "Tallinn, in Estonia, is now expected to take the event over.",
    "The league first staged the race in 1987.",
)


def test_a_rewrite_s_line_that_names_nothing_new_restates_its_source(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    text = f"{REWRITE.strip()} {' '.join(REWORDED_AWAY + NAMING_SOMETHING_NEW)}\n"
    verdicts = recorded(sqlite_db, judge, text, "Content farm", 2)
    # Read as a rewrite of the wire story, its lines with no name, figure or year that a
    # known claim lacks are more of its restatements, however far their words stray ...
    assert [verdicts[line] for line in REWORDED_AWAY] == [False, False]
    # ... but a new place or a new year is news, as are the rewrite's new venue and figure.
    assert [verdicts[line] for line in NAMING_SOMETHING_NEW] == [True, True]
    assert [verdicts[line] for line in NEW_IN_THE_REWRITE] == [True, True]


def test_a_body_s_common_noun_swapped_in_a_rewrite_names_nothing_new(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    # "Federation" for "League": a body's common noun, swapped as a spinner swaps any word
    # (set AC); the body is named by its proper part, which the wire story gave.
    swapped = "The Rowing Federation's corporate partners had been preparing to quit the event."
    verdicts = recorded(sqlite_db, judge, f"{REWRITE.strip()} {swapped}\n", "Content farm", 2)
    assert verdicts[swapped] is False


def test_a_statement_by_a_party_the_story_names_answers_it_and_does_not_rewrite_it(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    speaking_of_itself = (
        "Nordlys has read the league's statement on the regatta with regret.",
        "Nordlys will keep backing the league's races in the Baltic states.",
    )
    text = f"{REWRITE.strip()} {' '.join(speaking_of_itself + REWORDED_AWAY)}\n"
    # From the shipping firm the wire story names, opening its own lines (set AI: a
    # company's statement on the report that named it), what it adds in words of its own
    # is its news; its close restatements stay known.
    answer = recorded(sqlite_db, judge, text, "Nordlys Shipping (statement)", 2)
    assert [answer[line] for line in REWORDED_AWAY] == [True, True]
    assert not answer[REWRITE.split(". ")[1] + "."]


def test_an_outlet_the_story_names_that_opens_none_of_its_lines_may_rewrite_it(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    text = f"{REWRITE.strip()} {' '.join(REWORDED_AWAY)}\n"
    spun = recorded(sqlite_db, judge, text, "Nordlys Shipping (statement)", 2)
    # The outlet is named in the wire story, but opens none of the text's lines: a local
    # paper named after a place of its source's is no party to it (set E's "Laval Weekly").
    assert [spun[line] for line in REWORDED_AWAY] == [False, False]


def test_a_transcript_records_what_was_said_and_rewrites_nothing(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    # The rewrite's lines spoken in turns (set AL: a city council's debate of the story):
    # the close restatements are still known by their words, but the text is no rewrite,
    # so its lines in words of their own that name nothing new are what was said there.
    sentences = [*REWRITE.strip().split(". "), *REWORDED_AWAY]
    spoken = [
        f"{'CHAIR' if i % 2 else 'BERG'}: {line.rstrip('.')}." for i, line in enumerate(sentences)
    ]
    said = recorded(sqlite_db, judge, "\n".join(spoken) + "\n", "City council", 2)
    assert [said[line] for line in REWORDED_AWAY] == [True, True]
    assert not said[REWRITE.split(". ")[1] + "."]
    # (Unspoken, the same lines are a rewrite's: test_a_rewrite_s_line_that_names_nothing_new.)


def test_a_line_naming_nothing_new_is_new_outside_a_rewrite(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    verdicts = recorded(sqlite_db, judge, "\n".join(REWORDED_AWAY) + "\n", "Blog", 2)
    assert verdicts == dict.fromkeys(REWORDED_AWAY, True)


# What a follow-up adds of its own, beyond retelling the story it follows.
ITS_OWN = (
    "The Estonian Rowing Union said 40 clubs had already entered the Tallinn race. "
    "Nordlys said it would sponsor the June race in Tallinn instead. "
    "Tickets for the Tallinn finals go on sale in March, the union said.\n"
)
FOLLOWING_UP = f"{REWRITE.strip()} {ITS_OWN}"


def months_after_the_wire_story(
    db: Database, judge: ClaimJudge, text: str, outlet: str
) -> list[ClaimVerdict]:
    """The verdicts on `text`, seen two months past REWRITE_WITHIN after WIRE_STORY."""
    assert all(recorded(db, judge, WIRE_STORY, "Wire", 1).values())
    later = NOW + novelty.REWRITE_WITHIN + timedelta(days=60)
    with db.session_scope() as session:
        return judge.judge_and_record(session, text, ["xinjiang"], article_id=None,
                                      outlet=outlet, seen_at=later)  # fmt: skip


def test_a_restatement_months_later_is_a_follow_up_not_a_rewrite(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    verdicts = months_after_the_wire_story(sqlite_db, judge, FOLLOWING_UP, "Wire")
    # The rewrite above and as much again of its own, when the story it restates is months
    # old: its closely restated lines are known, the loose one is judged on its own words.
    new = {v.claim.text: v.is_new for v in verdicts}
    assert len(new) > novelty.SPIN_AT_MOST * 5  # the wire story brought five claims
    assert new[LOOSELY_RESTATED]
    assert sum(not is_new for is_new in new.values()) == 3


def test_a_spin_posted_months_later_is_still_a_rewrite(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    verdicts = months_after_the_wire_story(sqlite_db, judge, REWRITE, "Content farm")
    # It retells four of the wire story's five claims and adds two (sets AM and AT: spins
    # 98 and 101 days after their source): a rewrite, however late.
    by = {v.claim.text: v.known_by for v in verdicts}
    assert by[LOOSELY_RESTATED] == "rewrite"
    assert [v.is_new for v in verdicts if v.claim.text in NEW_IN_THE_REWRITE] == [True, True]


def test_a_late_spin_that_adds_next_to_nothing_is_a_rewrite_though_it_retells_less(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    # Three of the wire story's five claims retold, one of them twice, and one figure added:
    # no more claims than its source (sets AV, AW, BD and BG: spins 60 to 180 days late
    # retelling 0.64 to 0.78 of their source): a rewrite, its line in words of its own known.
    lean = ". ".join(REWRITE.split(". ")[:3]) + f". {REWORDED_AWAY[1]} {NEW_IN_THE_REWRITE[1]}\n"
    verdicts = months_after_the_wire_story(sqlite_db, judge, lean, "Content farm")
    assert len(verdicts) <= novelty.SPIN_LEAN_AT_MOST * 5
    by = {v.claim.text: v.known_by for v in verdicts}
    assert by[REWORDED_AWAY[1]] == "rewrite"
    assert [v.is_new for v in verdicts if v.claim.text == NEW_IN_THE_REWRITE[1]] == [True]


# A spinner's copy three weeks on is still a rewrite (sets U, X, Z and AB: 17 to 26 days);
# months on, only a copy that adds little (_spins: the stored source's claims are counted).
@pytest.mark.parametrize(
    ("days_apart", "text", "read_as_rewrite"),
    [(1, FOLLOWING_UP, True), (26, FOLLOWING_UP, True), (90, FOLLOWING_UP, False),
     (90, REWRITE, True)],
)  # fmt: skip
def test_a_rewrite_is_dated_by_publication_not_by_when_it_was_fetched(
    db: Database, judge: ClaimJudge, days_apart: int, text: str, read_as_rewrite: bool
) -> None:
    # A first poll of a feed's back issues fetches a story and its follow-up together: their
    # publication dates, not the fetch times, tell whether one can be a rewrite of the other.
    published = NOW - timedelta(days=120)
    with db.session_scope() as session:
        session.add(ArticleRow(id=3, url="http://x/w", canonical_url="http://x/w", title="t",
                               text=WIRE_STORY, text_hash="h", outlet="Wire", source="page",
                               published_at=published))  # fmt: skip
    with db.session_scope() as session:
        judge.judge_and_record(session, WIRE_STORY, ["xinjiang"], article_id=3, outlet="Wire",
                               seen_at=NOW, published=published)  # fmt: skip
        verdicts = judge.judge_and_record(
            session, text, ["xinjiang"], article_id=None, outlet="Content farm",
            seen_at=NOW, published=published + timedelta(days=days_apart),
        )  # fmt: skip
    new = {v.claim.text: v.is_new for v in verdicts}
    assert new[LOOSELY_RESTATED] is not read_as_rewrite
    by = {v.claim.text: v.known_by for v in verdicts}
    assert by[LOOSELY_RESTATED] == ("rewrite" if read_as_rewrite else None)
    # Every verdict of a rewrite names the stored article it restates (what dedupe joins).
    sources = {v.rewrite_of.article_id if v.rewrite_of else None for v in verdicts}
    assert sources == ({3} if read_as_rewrite else {None})


def test_a_publication_date_after_the_text_was_seen_is_not_believed(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    seen = NOW.replace(day=2)
    wrong = seen + timedelta(days=400)
    with sqlite_db.session_scope() as session:
        verdicts = judge.judge_and_record(session, REWRITE, ["xinjiang"], article_id=None,
                                          outlet="Content farm", seen_at=seen,
                                          published=wrong)  # fmt: skip
    # Dated by when it was seen, a day after the wire story: read as its rewrite.
    assert not {v.claim.text: v.is_new for v in verdicts}[LOOSELY_RESTATED]


FOLLOW_UP = (
    "The league confirmed on Friday that Tallinn will host the regatta in June 2025. "
    "The Baltic Rowing League had cancelled the Kashgar regatta after the UN findings. "
    "That race was to have drawn 600 rowers from 24 nations. "
    "Kashgar has been paid back the 1.2 million euro hosting fee, the league said. "
    "Tickets go on sale in March.\n"
)
BACKGROUND_ONLY = (
    "A Tallinn rowing club said on Friday it would open a second boathouse in June 2025. "
    "The UN human rights office found that the detention of Uyghurs may constitute crimes "
    "against humanity. China has rejected the report as a political tool of Western forces. "
    "The club has 400 members and plans to add 120 more by 2026.\n"
)


def follows(db: Database, judge: ClaimJudge, text: str, day: int) -> dict[str, object]:
    with db.session_scope() as session:
        return judge.follows(session, text, ["xinjiang"], outlet="Local paper",
                             dated=NOW + timedelta(days=day))  # fmt: skip


def test_a_follow_up_that_retells_one_earlier_story_follows_it(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    with sqlite_db.session_scope() as session:
        load_seed_claims(session, SEEDS, ["xinjiang"], judge=judge)
        row = ArticleRow(url="u", canonical_url="u", text_hash="h", source="page",
                         published_at=NOW)  # fmt: skip
        session.add(row)
        session.flush()
        judge.judge_and_record(session, WIRE_STORY, ["xinjiang"], article_id=row.id,
                               outlet="Wire", seen_at=NOW)  # fmt: skip
        wire_id = row.id
    # Three of its lines restate the wire story's (the cancellation, the rowers, the fee),
    # and one of them names the league, which the seeds never name:
    assert follows(sqlite_db, judge, FOLLOW_UP, day=200) == {"xinjiang": wire_id}
    # without the league's or the city's name, those lines share only the seeds' (the UN),
    unnamed = FOLLOW_UP.replace("The Baltic Rowing League had cancelled the Kashgar regatta",
                                "It had cancelled the regatta")  # fmt: skip
    assert follows(sqlite_db, judge, unnamed, day=200) == {}
    # but not once the wire story is older than FOLLOW_WITHIN,
    assert follows(sqlite_db, judge, FOLLOW_UP, day=novelty.FOLLOW_WITHIN.days + 1) == {}
    # and a text that retells only the seeds' background follows nothing.
    assert follows(sqlite_db, judge, BACKGROUND_ONLY, day=200) == {}


STATUS_REACHED = (
    "Sponsors including the shipping firm Nordlys have withdrawn their support.",
    "League president Anna Berg resigned over the Kashgar regatta and the UN findings.",
)


@pytest.mark.parametrize("sentence", STATUS_REACHED)
def test_a_status_reached_in_the_story_s_words_is_new(
    sqlite_db: Database, judge: ClaimJudge, sentence: str
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    # Most of its words are a known claim's (the threat to pull support, the president's
    # words on the decision), but that claim reached no status: this is what happened next.
    assert recorded(sqlite_db, judge, sentence + "\n", "Blog", 2) == {sentence: True}


def test_a_status_restated_stays_known(sqlite_db: Database, judge: ClaimJudge) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    restated = "The Baltic Rowing League has cancelled the 2024 Kashgar regatta, it said on Monday."
    assert recorded(sqlite_db, judge, restated + "\n", "Blog", 2) == {restated: False}


def test_a_status_told_before_stays_known_though_a_closer_line_named_none(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    withdrawn = STATUS_REACHED[0]
    assert recorded(sqlite_db, judge, withdrawn + "\n", "Blog", 2) == {withdrawn: True}
    # Nearest to the wire story's "had threatened to pull their support" (no status), but the
    # blog had told of the withdrawal (set BI: a fund's exclusion retold in a digest).
    retold = (
        "Sponsors including the shipping firm Nordlys had threatened and then withdrawn support."
    )
    assert recorded(sqlite_db, judge, retold + "\n", "Digest", 3) == {retold: False}


def test_a_claim_that_shares_only_a_year_with_a_known_one_is_new(
    sqlite_db: Database, judge: ClaimJudge
) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    # Its only word a known claim holds is the year of the regatta (set BR: "We have had no
    # news of him since 2021", nearest to "In 2021, Amnesty published a report").
    unheard = "We have had nothing from him at all since 2024."
    assert recorded(sqlite_db, judge, unheard + "\n", "Radio", 2) == {unheard: True}


def test_a_status_beyond_the_one_known_is_new(sqlite_db: Database, judge: ClaimJudge) -> None:
    assert all(recorded(sqlite_db, judge, WIRE_STORY, "Wire", 1).values())
    # The wire story's line reached a status (cancelled); this one reaches another, in the
    # same words otherwise (set BT: a certificate suspended, then restored).
    restored = (
        "The Baltic Rowing League said on Monday it had restored its 2024 regatta in Kashgar."
    )
    assert recorded(sqlite_db, judge, restored + "\n", "Digest", 2) == {restored: True}
    # The status it knows, in other words, stays known.
    scrapped = (
        "The Baltic Rowing League said on Monday it had scrapped its 2024 regatta in Kashgar."
    )
    assert recorded(sqlite_db, judge, scrapped + "\n", "Blog", 3) == {scrapped: False}
