"""Fingerprints: normalisation, in-page repetition, sketches, keys, packing, MinHash."""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.dedupe.fingerprint import (
    MAX_SENTENCES,
    SHORT_TEXT_SENTENCES,
    content_words,
    fingerprint,
    minhash_jaccard,
    minhash_of,
    normalise,
    pack_sentences,
    sentence_overlap,
    skeleton,
    sketches_of,
    split_sentences,
    unpack_sentences,
)

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text()


def test_normalise_folds_case_accents_quotes_and_spaces() -> None:
    assert normalise("Volker  Türk’s “REPORT”\u00a0—  now") == 'volker turk\'s "report" - now'


def test_normalise_keeps_line_breaks_for_sentence_splitting() -> None:
    assert split_sentences(normalise("First line\nSecond line")) == ["first line", "second line"]


def test_split_sentences_drops_repeated_sentences() -> None:
    text = "The report was published. It was late. The report was published."
    assert split_sentences(normalise(text)) == ["the report was published.", "it was late."]


@pytest.mark.parametrize(
    ("a", "b"),
    [("uighurs", "uyghurs"), ("centres", "centers"), ("organisation", "organization")],
)
def test_skeleton_merges_spelling_variants(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_skeleton_keeps_numbers() -> None:
    assert skeleton("2019") == "2019"


def test_content_words_drop_stop_words_and_fragments() -> None:
    assert content_words("the report of the un on xinjiang, a 48 page text") == [
        "report",
        "xinjiang",
        "48",
        "page",
        "text",
    ]


def test_repeated_page_fingerprints_like_one_copy() -> None:
    body = "\n".join(seed("002").split("\n")[:2])  # the article once; the page holds it 4 times
    once, page = fingerprint(body), fingerprint(seed("002"))
    assert page.sentences[: len(once.sentences)] == once.sentences
    assert len(page.sentences) - len(once.sentences) <= 3  # front-matter lines only


def test_exact_hash_ignores_case_whitespace_and_repetition() -> None:
    text = "A storm hit the northern coast on Monday. Thousands lost power overnight."
    noisy = "A  STORM hit the northern coast on Monday.\n\nThousands lost power overnight. " * 2
    assert fingerprint(text).text_hash == fingerprint(noisy).text_hash


def test_short_lines_and_bylines_are_not_sentences() -> None:
    fp = fingerprint("Read more\nBy Staff | 3 May 2024\nShare this")
    assert fp.is_empty


def test_sentences_are_capped() -> None:
    text = " ".join(
        f"Sentence number {i} mentions Zorblat{i} and Quuxville{i} again." for i in range(80)
    )
    assert len(fingerprint(text).sentences) == MAX_SENTENCES


def test_short_texts_keep_every_key_long_texts_a_sample() -> None:
    def text(n: int) -> str:
        return " ".join(
            f"Minister Alpha{i} opened bridge Beta{i} in town Gamma{i}." for i in range(n)
        )

    short, long_ = fingerprint(text(SHORT_TEXT_SENTENCES)), fingerprint(text(60))
    assert len(short.keys) > 1.5 * SHORT_TEXT_SENTENCES  # two keys a sentence, none dropped
    assert len(long_.keys) < 1.5 * 60  # about one key a sentence: half are sampled out


def test_keys_are_deterministic_and_positive_32_bit() -> None:
    fp = fingerprint(seed("000"))
    assert fp == fingerprint(seed("000"))
    assert all(0 <= k < 2**31 for k in fp.keys)


def test_pack_round_trips() -> None:
    fp = fingerprint(seed("003"))
    back = unpack_sentences(pack_sentences(sketches_of(fp)))
    assert [tuple(int(v) for v in row if v != 0xFFFF) for row in back.matrix] == [
        tuple(s) for s in fp.sentences
    ]
    assert back.weights.tolist() == list(fp.weights)


def test_overlap_of_identical_truncated_and_unrelated_texts() -> None:
    full = fingerprint(seed("000"))
    head = fingerprint("\n".join(seed("000").split("\n")[:30]))
    assert sentence_overlap(full, full) == 1.0
    assert sentence_overlap(head, full) == 1.0  # divides by the shorter
    assert sentence_overlap(fingerprint(seed("004")), full) < 0.1


def test_reworded_seed_overlaps_while_distinct_coverage_does_not() -> None:
    original, reworded = fingerprint(seed("000")), fingerprint(seed("002"))
    assert sentence_overlap(original, reworded) > 0.35
    for other in ("001", "003", "004"):
        assert sentence_overlap(original, fingerprint(seed(other))) < 0.15


def test_minhash_sees_copies_but_not_rewording() -> None:
    a, b = minhash_of(seed("000")), minhash_of("Comments are closed.\n" + seed("000"))
    assert minhash_jaccard(a, b) > 0.8
    assert minhash_jaccard(a, minhash_of(seed("002"))) < 0.3  # spun: about 0.1


def test_empty_text() -> None:
    fp = fingerprint("")
    assert fp.is_empty
    assert fp.keys == ()
    assert sentence_overlap(fp, fingerprint(seed("000"))) == 0.0
