"""Fingerprints of article text: what dedupe compares, computed once per article (pure).

A `Fingerprint` holds two views of one text, each aimed at one kind of copy:

- `text_hash`: the exact copy after normalisation (case, accents, quotes, whitespace) and
  after in-page repetition is removed, so a page holding the article four times (seed 002)
  hashes like the article once.
- `sentences` and `keys`: one small sketch per sentence of its *content-word skeletons*
  (stop words dropped, vowels dropped, plural s dropped, so "Uighurs"/"Uyghurs" and
  "centres"/"centers" agree). A reworded sentence keeps most of its names, numbers and
  rare words, so its sketch stays close (Jaccard about 0.3 to 0.8) while distinct coverage
  of the same event rarely does. `keys` are hashed pairs of a sentence's lowest-hashing
  skeletons: what the index is searched by, so one shared sentence is enough to find an
  original among millions.

`minhash_of()` (b-bit MinHash of word 5-gram shingles) is kept as the measured baseline of
`newswatch eval dedupe`: it finds only near-exact copies (recall 0.54 on the eval set,
none that sentences miss; seed 002 against 000 has a 5-gram Jaccard near 0.1), so it is
neither stored nor used to decide.

Everything here is deterministic across processes and hosts (no `hash()`, which is salted).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

SketchMatrix = np.ndarray[Any, np.dtype[np.uint16]]

# Sentences with fewer content words (numbers not counted) are datelines, bylines, captions
# and widget text ("By Staff | 3 May 2024", "Read more"): no evidence of copying, and they
# would match across unrelated articles.
MIN_SENTENCE_TOKENS = 4
# Each sentence is sketched by its 8 lowest 16-bit skeleton hashes: news sentences hold
# about 10 content words, so 8 keeps most of them while a sketch stays 16 bytes.
SKETCH_SIZE = 8
# Only the first 48 sentences are sketched (about 1,000 words; the benchmark corpus median
# is 529): copies and truncations share an article's start, and the cap bounds storage.
MAX_SENTENCES = 48
# Retrieval keys: 2 independent bottom-2 pairs per sentence. One pair survives a reworded
# sentence with probability about J^2 (J the sentence Jaccard), two nearly double it.
KEYS_PER_SENTENCE = 2
# A key is indexed only when key % 2 == 0. Sampling by value is consistent (a shared
# sentence is kept or dropped in both texts), and halves the index while a copy still
# shares a dozen keys with its original.
KEY_SAMPLING = 2
# Texts of at most 16 sentences keep every key: a short reworded copy may otherwise share
# no sampled key at all with its (also short) original. Long texts are most of the index.
SHORT_TEXT_SENTENCES = 16
# MinHash: 64 permutations, 8 bits kept of each (b-bit MinHash): 64 bytes an article,
# Jaccard error about 0.06 at the 0.5 level it is used at.
MINHASH_PERMUTATIONS = 64
# Two sentences are counterparts from a sketch Jaccard of 0.34: on the seeds a reworded
# sentence scores 0.3 to 0.8, while same-event sentences of other outlets mostly stay
# under 0.25 (they share names, not the rest of the wording).
SENTENCE_MATCH = 0.34
# A matched sentence counts for its content words, 12 at most: a shared byline or footer
# line (4-7 words) weighs less than a shared paragraph sentence, and one run-on sentence
# (a list, a table row) cannot outweigh the rest of the text.
WEIGHT_CAP = 12
SHINGLE_WORDS = 5  # 5-gram shingles: standard for near-duplicate web text (Broder)
_PAD = 0xFFFF  # fills a sketch of fewer than SKETCH_SIZE values; never a real value
_KEY_MASK = 0x7FFF_FFFF  # keys fit a signed 32-bit column on every backend
_MASK64 = (1 << 64) - 1

_STOP_WORDS = """a about above after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your said says say told according mr ms
    mrs dr s t new year years"""
_STOP = frozenset(_STOP_WORDS.split())
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "‐": "-", "\u00a0": " "})  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
_VOWELS = re.compile(r"[aeiouyhw]")
_REPEATS = re.compile(r"(.)\1+")

_rng = np.random.default_rng(20240901)  # fixed seed: every host draws the same permutations
_MH_A = _rng.integers(1, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_MH_B = _rng.integers(0, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedupe knows of one text; `sentences` are sorted 16-bit skeleton sketches."""

    text_hash: str
    sentences: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]  # per sentence: its content words, capped at WEIGHT_CAP
    keys: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        """True when the text had no sentence worth comparing (only exact hashes apply)."""
        return not self.sentences


def normalise(text: str) -> str:
    """Fold Unicode, accents, case, typographic quotes and dashes; keep line breaks."""
    folded = text.translate(_QUOTES)
    if not folded.isascii():  # the accent stripping below is slow; most text needs none
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = folded.casefold()
    return "\n".join(_SPACE.sub(" ", line).strip() for line in folded.splitlines())


def split_sentences(normal: str) -> list[str]:
    """Sentences of a normalised text, each once: in-page repetition is dropped here."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in _SENTENCE_END.split(normal):
        sentence = raw.strip()
        if sentence and sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


def split_raw_sentences(text: str) -> list[str]:
    """Sentences of an unnormalised text, as written (for showing what a revision added)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def skeleton(word: str) -> str:
    """A spelling-tolerant form of a word: first letter, then its consonants, 5 at most.

    "uighurs"/"uyghurs" -> "ughr"; "centres"/"centers" -> "cntr"; numbers stay as they are.
    Five letters are enough to keep distinct content words apart within a sentence.
    """
    if word.isdigit():
        return word
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    consonants = _VOWELS.sub("", word[1:]).replace("z", "s")
    return (word[0] + _REPEATS.sub(r"\1", consonants))[:5]


def content_words(sentence: str) -> list[str]:
    """The words of a sentence that carry its meaning: no stop words, no one-letter noise."""
    return [w for w in _WORD.findall(sentence) if w not in _STOP and (len(w) > 2 or w.isdigit())]


def fingerprint(text: str) -> Fingerprint:
    """Fingerprint one article text (see the module docstring for what each part is for)."""
    sentences = split_sentences(normalise(text))
    token_sets = _token_sets(sentences)
    return Fingerprint(
        # 64 bits: a chance collision among a million stored texts has odds of 1 in 30 million
        text_hash=hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16],
        sentences=tuple(_sketch(t) for t in token_sets[:MAX_SENTENCES]),
        weights=tuple(min(len(t), WEIGHT_CAP) for t in token_sets[:MAX_SENTENCES]),
        keys=_keys(token_sets),
    )


def _token_sets(sentences: Sequence[str]) -> list[frozenset[int]]:
    sets: list[frozenset[int]] = []
    seen: set[frozenset[int]] = set()
    for sentence in sentences:
        words = content_words(sentence)
        tokens = frozenset(_word_hash(w) for w in words)
        if _wordy(words) and tokens not in seen:
            seen.add(tokens)  # repetition that differs only in stop words or punctuation
            sets.append(tokens)
    return sets


def _wordy(words: Sequence[str]) -> bool:
    return len({w for w in words if not w.isdigit()}) >= MIN_SENTENCE_TOKENS


@lru_cache(maxsize=1 << 16)  # news vocabulary is Zipfian: 64k words cover nearly all
def _word_hash(word: str) -> int:
    return _crc(skeleton(word))


def _crc(word: str) -> int:
    return zlib.crc32(word.encode())


def _sketch(tokens: frozenset[int]) -> tuple[int, ...]:
    # The top 16 bits of each hash (collisions inside a 10-word sentence are negligible),
    # 0xFFFF excepted: it pads short sketches.
    return tuple(sorted({min(t >> 16, _PAD - 1) for t in tokens})[:SKETCH_SIZE])


def _mix(value: int) -> int:
    """splitmix64 finaliser: spreads a 64-bit value so that its low bits are uniform."""
    value = (value + 0x9E37_79B9_7F4A_7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D0_49BB_1331_11EB) & _MASK64
    return value ^ (value >> 31)


def _keys(token_sets: Sequence[frozenset[int]]) -> tuple[int, ...]:
    sample = len(token_sets) > SHORT_TEXT_SENTENCES
    return tuple(sorted({k for t in token_sets for k in sentence_keys(t, sample=sample)}))


def sentence_keys(tokens: frozenset[int], *, sample: bool = True) -> list[int]:
    """The retrieval keys of one sentence: hashed pairs of its lowest tokens (sampled)."""
    keys = []
    for seed in range(KEYS_PER_SENTENCE):
        low = sorted(_mix(t ^ (seed << 40)) for t in tokens)[:2]
        key = _mix(low[0] * 31 + low[1]) & _KEY_MASK
        if not sample or key % KEY_SAMPLING == 0:
            keys.append(key)
    return keys


def minhash_of(text: str) -> bytes:
    """The b-bit MinHash of a text's word 5-grams, after normalisation and repetition."""
    sentences = split_sentences(normalise(text))
    return minhash(shingles([w for s in sentences for w in _WORD.findall(s)]))


def shingles(words: Sequence[str]) -> set[int]:
    """Hashed word 5-grams (the whole text as one shingle when it is shorter)."""
    n = SHINGLE_WORDS
    grams = (" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))
    return {_crc(g) for g in grams if g}


def minhash(hashes: Iterable[int]) -> bytes:
    """b-bit MinHash (8 bits of each of 64 multiply-shift permutations) of hashed shingles."""
    values = np.fromiter(hashes, dtype=np.uint64)
    if values.size == 0:
        return bytes(MINHASH_PERMUTATIONS)
    permuted = (values[:, None] * _MH_A[None, :] + _MH_B[None, :]) >> np.uint64(32)
    return bytes((permuted.min(axis=0) & np.uint64(0xFF)).astype(np.uint8).tobytes())


def minhash_jaccard(a: bytes, b: bytes) -> float:
    """Estimated shingle Jaccard of two b-bit MinHashes (corrected for 1/256 chance hits)."""
    equal = np.count_nonzero(np.frombuffer(a, np.uint8) == np.frombuffer(b, np.uint8))
    chance = 1 / 256
    return max(0.0, (equal / len(a) - chance) / (1 - chance))


def sentence_overlap(a: Fingerprint | Sketches, b: Fingerprint | Sketches) -> float:
    """Share of the shorter text that has a counterpart in the other text, by weight.

    Two sentences are counterparts when their sketches have a Jaccard of at least
    SENTENCE_MATCH. Dividing by the *shorter* text keeps truncated copies whole, and asks a
    lot of distinct coverage: a few shared quotes are a small share of a whole article.
    Each sentence weighs its content words (see WEIGHT_CAP): a shared footer line or byline
    is less evidence of copying than a shared paragraph.
    """
    return OverlapQuery(sketches_of(a)).overlap(sketches_of(b))


@dataclass(frozen=True, slots=True, eq=False)
class Sketches:
    """A text's sentence sketches as arrays: what is stored and what is compared."""

    matrix: SketchMatrix  # (sentences, SKETCH_SIZE) uint16, short sketches padded
    weights: np.ndarray[Any, np.dtype[np.float32]]  # content words a sentence, capped

    def __len__(self) -> int:
        return len(self.matrix)


def sketches_of(source: Fingerprint | Sketches) -> Sketches:
    """The array form of a fingerprint's sentences (a Sketches is returned as it is)."""
    if isinstance(source, Sketches):
        return source
    matrix = np.full((len(source.sentences), SKETCH_SIZE), _PAD, dtype=np.uint16)
    for row, sketch in enumerate(source.sentences):
        matrix[row, : len(sketch)] = sketch
    return Sketches(matrix, np.asarray(source.weights, dtype=np.float32))


class OverlapQuery:
    """One text's sketches prepared once, to be compared with many candidates.

    Sentences become rows of a 0/1 matrix over the text's own values; a candidate is
    projected on the same columns (its other values cannot intersect), and one matrix
    product gives every sentence-pair intersection.
    """

    def __init__(self, sketches: Sketches) -> None:
        matrix = sketches.matrix
        real = matrix != _PAD
        self.weights = sketches.weights
        self.count = len(matrix)
        self.sizes = real.sum(axis=1).astype(np.float32)
        self.vocab = np.unique(matrix[real])
        rows, cols = np.nonzero(real)
        self.incidence = np.zeros((self.count, len(self.vocab)), dtype=np.float32)
        self.incidence[rows, np.searchsorted(self.vocab, matrix[rows, cols])] = 1.0

    def overlap(self, other: Sketches) -> float:
        """`sentence_overlap` of the prepared text and `other`."""
        if not self.count or not len(other) or not len(self.vocab):
            return 0.0
        real = other.matrix != _PAD
        rows, cols = np.nonzero(real)
        values = other.matrix[rows, cols]
        where = np.minimum(np.searchsorted(self.vocab, values), len(self.vocab) - 1)
        known = self.vocab[where] == values
        projected = np.zeros((len(other), len(self.vocab)), dtype=np.float32)
        projected[rows[known], where[known]] = 1.0
        inter = self.incidence @ projected.T
        union = self.sizes[:, None] + real.sum(axis=1)[None, :] - inter
        matched = inter >= SENTENCE_MATCH * np.maximum(union, 1.0)
        mine = _share(matched.any(axis=1), self.weights)
        theirs = _share(matched.any(axis=0), other.weights)
        if self.count == len(other):
            return min(mine, theirs)  # as long as each other: the same answer both ways
        return mine if self.count < len(other) else theirs  # weigh the shorter text


def _share(matched: np.ndarray[Any, np.dtype[np.bool_]], weights: np.ndarray[Any, Any]) -> float:
    total = float(weights.sum())
    return float(weights[matched].sum()) / total if total else 0.0


def pack_sentences(sketches: Sketches) -> bytes:
    """Stored form: one weight byte a sentence, then SKETCH_SIZE big-endian uint16 each."""
    weights = np.minimum(sketches.weights, 255).astype(np.uint8).tobytes()
    return bytes(weights + sketches.matrix.astype(">u2").tobytes())


def unpack_sentences(data: bytes) -> Sketches:
    """The inverse of `pack_sentences`."""
    count = len(data) // (1 + 2 * SKETCH_SIZE)
    weights = np.frombuffer(data[:count], dtype=np.uint8).astype(np.float32)
    matrix = np.frombuffer(data[count:], dtype=">u2").astype(np.uint16)
    return Sketches(matrix.reshape(count, SKETCH_SIZE), weights)
