"""Sentence segmentation for claims: quotes, abbreviations and "U.N." kept whole.

syntok does the segmenting: it knows abbreviations ("U.N.", "Dr.", "Dept."), initials,
decimals and quotes closing after the full stop ("... proof."), and it is fast (about 10 ms
for a 1,200-word article, against about 60 ms for pysbd). Each line of the extracted text is
segmented on its own, because extractors put one paragraph (or heading, or caption) a line
and a heading has no full stop to end it.
"""

from __future__ import annotations

from dataclasses import dataclass

from syntok import segmenter

_SPACE = str.maketrans({"\u00a0": " ", "\t": " "})


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as written and its position among the article's sentences."""

    text: str
    index: int


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` in order, each distinct sentence once.

    Pages sometimes print one article several times (seed 002 holds four copies): a sentence
    repeated word for word is one sentence.
    """
    out: list[Sentence] = []
    seen: set[str] = set()
    for line in text.translate(_SPACE).splitlines():
        if not line.strip():
            continue
        for span in _segment_line(line):
            key = " ".join(span.split())
            if key and key not in seen:
                seen.add(key)
                out.append(Sentence(key, len(out)))
    return out


def _segment_line(line: str) -> list[str]:
    spans: list[str] = []
    for paragraph in segmenter.analyze(line):
        for tokens in paragraph:
            real = [t for t in tokens if t.value]
            if not real:
                continue
            start, last = real[0], real[-1]
            spans.append(line[start.offset : last.offset + len(last.value)])
    return spans
