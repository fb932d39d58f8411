"""Known claims packed into a few numpy arrays: how a large lexical index holds them.

As Python objects (a tuple of interned tokens per claim, an `array` of rows per word, a
dict entry per claim id) a known claim cost 0.75 KB: 747 MB a profile a process at a million
(benchmarks/claims_scale.py), and every worker process holds every profile. Packed, a claim
is its word numbers and its row in each word's postings (4 bytes each), its id and its
quantities; a word is its text in one byte string, its hash and two offsets.

`LexicalIndex` appends new claims to its Python structures (cheap to add to) and packs them
in here in bulk once they are many (`PackedClaims.with_added`); rows keep the order they were
added in, so postings stay sorted and the index ranks exactly as before.

Words are found by Python's hash of the token, which is stable within a process (all an
in-memory index needs), then checked against the word's text: two words with one hash stay
apart.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

# A known claim as the index keeps it: tokens, quantities, years, hedged, negated, stances,
# atoms, statuses, all tuples.
Compact = tuple[tuple[Any, ...], ...]
_Ints = np.ndarray[Any, np.dtype[np.int64]]
_Rows = np.ndarray[Any, np.dtype[np.int32]]
_NONE: tuple[tuple[Any, ...], ...] = ((), (), (), (), (), ())  # years ... statuses, for most
NAMES_MEMO = 50_000  # decoded words a packed index remembers (a few MB a process at most)


class PackedClaims:
    """Known claims in arrays, rows 0 to size - 1 (immutable once built, but for a memo of
    decoded words)."""

    __slots__ = (
        "_hashes", "_largest_id", "_name_memo", "_name_start", "_names", "_posting_rows",
        "_posting_start", "_quantities", "_quantity_start", "_rare", "_row_of_sorted",
        "_sorted_ids", "_token_start", "_token_words", "_word_of_hash", "ids",
    )  # fmt: skip

    def __init__(self) -> None:
        self.ids: _Ints = np.zeros(0, np.int64)  # row -> claim id
        self._sorted_ids: _Ints = self.ids  # ids sorted, and the row of each
        self._row_of_sorted: _Ints = self.ids
        self._largest_id = 0
        self._token_start: _Ints = np.zeros(1, np.int64)  # row -> its words in _token_words
        self._token_words: _Rows = np.zeros(0, np.int32)
        self._quantity_start: _Ints = np.zeros(1, np.int64)
        self._quantities = np.zeros(0, np.float64)
        # row -> (years, hedged, negated, stances, atoms, statuses), for claims with any of them
        self._rare: dict[int, tuple[tuple[Any, ...], ...]] = {}
        self._names = b""  # the words' texts, UTF-8, one after another, by word number
        self._name_memo: dict[int, str] = {}  # compact()'s decoded words (see _name)
        self._name_start: _Ints = np.zeros(1, np.int64)
        self._hashes: _Ints = np.zeros(0, np.int64)  # the words' hashes, sorted
        self._word_of_hash: _Rows = np.zeros(0, np.int32)
        self._posting_start: _Ints = np.zeros(1, np.int64)  # word -> its rows
        self._posting_rows: _Rows = np.zeros(0, np.int32)

    @property
    def size(self) -> int:
        return len(self.ids)

    def row_of(self, claim_id: int) -> int | None:
        if not self.size or claim_id > self._largest_id:  # as when a profile is loaded by id
            return None
        at = int(np.searchsorted(self._sorted_ids, claim_id))
        if at < self.size and self._sorted_ids[at] == claim_id:
            return int(self._row_of_sorted[at])
        return None

    def word_of(self, token: str) -> int:
        """The word number of `token`, or -1 when no packed claim has it."""
        key = hash(token)
        at = int(np.searchsorted(self._hashes, key))
        while at < len(self._hashes) and self._hashes[at] == key:
            word = int(self._word_of_hash[at])
            if self._name(word) == token:
                return word
            at += 1
        return -1

    def postings(self, word: int) -> _Rows:
        """The rows holding word number `word`, ascending (a view, not a copy)."""
        if word < 0:
            return self._posting_rows[:0]
        return self._posting_rows[self._posting_start[word] : self._posting_start[word + 1]]

    def words_of_rows(self, rows: _Rows) -> tuple[_Ints, _Rows]:
        """The word numbers of the claims at `rows` (packed rows only), each claim's in the
        order it was packed with, and for each the index in `rows` of the claim holding it."""
        starts = self._token_start[rows]
        lengths = self._token_start[rows + 1] - starts
        owners = np.repeat(np.arange(len(rows)), lengths)
        # Each word's place in _token_words: its claim's start plus its place in the claim.
        offsets = np.arange(len(owners)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return owners, self._token_words[np.repeat(starts, lengths) + offsets]

    def compact(self, row: int) -> Compact:
        """The claim at `row` as LexicalIndex keeps its unpacked claims."""
        words = self._token_words[self._token_start[row] : self._token_start[row + 1]]
        quantities = self._quantities[self._quantity_start[row] : self._quantity_start[row + 1]]
        tokens = tuple(self._name(word) for word in words.tolist())
        return (tokens, tuple(quantities.tolist()), *self._rare.get(row, _NONE))

    def with_added(self, ids: Sequence[int], claims: Sequence[Compact]) -> PackedClaims:
        """These claims and `claims` after them (rows size, size + 1, ...). Takes over this
        object's arrays and dicts: drop it afterwards."""
        packed = PackedClaims()
        size = self.size
        tokens = [token for claim in claims for token in claim[0]]  # (C loops where it counts)
        word_of = self._words_of(set(tokens))
        new_names = [token for token, word in word_of.items() if word >= len(self._hashes)]
        self._pack_names(packed, new_names)
        lengths = np.fromiter((len(claim[0]) for claim in claims), np.int64, len(claims))
        added_words = np.fromiter(map(word_of.__getitem__, tokens), np.int32, len(tokens))
        packed._token_words = np.concatenate([self._token_words, added_words])
        packed._token_start = _extended(self._token_start, lengths)
        self._pack_postings(
            packed, added_words, np.repeat(np.arange(size, size + len(claims)), lengths)
        )
        quantities = [claim[1] for claim in claims]
        packed._quantity_start = _extended(
            self._quantity_start, np.fromiter(map(len, quantities), np.int64, len(claims))
        )
        packed._quantities = np.concatenate(
            [self._quantities, np.fromiter((q for qs in quantities for q in qs), np.float64)]
        )
        packed._rare = self._rare
        for offset, claim in enumerate(claims):
            if any(claim[2:]):
                packed._rare[size + offset] = tuple(claim[2:])
        packed.ids = np.concatenate([self.ids, np.asarray(ids, np.int64)])
        order = np.argsort(packed.ids, kind="stable")
        packed._sorted_ids, packed._row_of_sorted = packed.ids[order], order.astype(np.int64)
        packed._largest_id = int(packed._sorted_ids[-1]) if packed.size else 0
        return packed

    def _words_of(self, tokens: set[str]) -> dict[str, int]:
        """The word number of each of `tokens`, numbering the new ones on from the last
        (in the dict's order). One vectorised search; a word's text is checked only where
        its hash was found."""
        listed = list(tokens)
        words: dict[str, int] = {}
        if len(self._hashes):
            keys = np.fromiter(map(hash, listed), np.int64, len(listed))
            at = np.minimum(np.searchsorted(self._hashes, keys), len(self._hashes) - 1)
            for token, hit in zip(listed, (self._hashes[at] == keys).tolist(), strict=True):
                word = self.word_of(token) if hit else -1
                if word >= 0:
                    words[token] = word
        next_word = len(self._hashes)
        for token in listed:
            if token not in words:
                words[token] = next_word
                next_word += 1
        return words

    def _pack_names(self, packed: PackedClaims, new_names: list[str]) -> None:
        encoded = [name.encode("utf-8", "surrogatepass") for name in new_names]
        packed._names = self._names + b"".join(encoded)
        packed._name_start = _extended(
            self._name_start, np.fromiter(map(len, encoded), np.int64, len(encoded))
        )
        hashes = np.concatenate([self._hashes, np.fromiter(map(hash, new_names), np.int64)])
        words = np.concatenate(
            [self._word_of_hash, np.arange(len(self._hashes), len(hashes), dtype=np.int32)]
        )
        order = np.argsort(hashes, kind="stable")
        packed._hashes, packed._word_of_hash = hashes[order], words[order]

    def _pack_postings(self, packed: PackedClaims, words: _Rows, rows: _Ints) -> None:
        """Each word's rows: the packed ones, then the added ones (all larger)."""
        vocabulary = len(packed._hashes)
        before = np.zeros(vocabulary, np.int64)
        before[: len(self._posting_start) - 1] = np.diff(self._posting_start)
        added = np.bincount(words, minlength=vocabulary)
        packed._posting_start = _extended(np.zeros(1, np.int64), before + added)
        by_word = np.argsort(words, kind="stable")  # then by row, as they were added
        sorted_words = words[by_word]
        nth = np.arange(len(words)) - np.searchsorted(sorted_words, sorted_words)
        where = packed._posting_start[sorted_words] + before[sorted_words] + nth
        out = np.empty(int(packed._posting_start[-1]), np.int32)
        is_added = np.zeros(len(out), bool)
        is_added[where] = True
        out[~is_added] = self._posting_rows  # each word's block keeps its order
        out[where] = rows[by_word]
        packed._posting_rows = out

    def _name(self, word: int) -> str:
        """The text of word number `word`, remembered: the candidates whose features a
        judgement reads share their common words, and decoding each of them again (about 30
        a claim judged) was 7% of the claims stage at a million known claims."""
        name = self._name_memo.get(word)
        if name is None:
            if len(self._name_memo) >= NAMES_MEMO:
                self._name_memo.clear()
            start, end = self._name_start[word], self._name_start[word + 1]
            name = self._name_memo[word] = self._names[start:end].decode("utf-8", "surrogatepass")
        return name


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return cast(Callable[[int], int], ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim)
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, musl): nothing to call
        return None


_MALLOC_TRIM = _malloc_trim()


def release_freed_memory() -> None:
    """Hand the memory freed by packing back to the system. Packing a million claims frees
    arrays of tens of MB; glibc had taken them from its heap (its mmap threshold rises as
    large blocks are freed) and kept 180 MB a process that no claim used."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _extended(starts: _Ints, lengths: _Ints) -> _Ints:
    """Offsets `starts` (ending at the total so far) followed by those of `lengths`."""
    return np.concatenate([starts, starts[-1] + np.cumsum(lengths, dtype=np.int64)])
