"""Is a claim new for a profile? Judge it against every known claim, and record the answer.

Known claims live in the database (known_claims, one row per claim per profile): the seeds'
claims, loaded once, and every claim judged new since. Each process keeps a per-profile
index of them in memory and brings it up to date from the database at the start of every
judgement, so workers on other hosts see each other's claims once committed. Claims added
during a judgement are compared against too (an article that repeats itself says a thing
once), but enter the shared index only after their transaction commits, so a rolled-back
article leaves nothing behind.

A claim is known when a known claim of the profile contains most of its weighted content
words (KNOWN_AT) with the same figures, polarity and outcome (lexical.compatible). In
`embedding` mode a cosine similarity of at least EMBEDDING_KNOWN_AT, under the same
compatibility test, also makes it known: that is what catches rewording with other words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from worker.claims import embedding
from worker.claims.extract import claims_of
from worker.claims.lexical import (
    Features,
    LexicalIndex,
    compatible,
    containment,
    features_of,
    merged,
)
from worker.records import Claim, ClaimVerdict
from worker.store.models import ArticleClaim, KnownClaim

# Share of a claim's weighted content words that a known claim must hold for the two to say
# the same thing; set on the labelled set in tests/eval/claims (see docs/claims.md).
KNOWN_AT = 0.4
# Cosine similarity of all-MiniLM-L6-v2 vectors from which two claims say the same thing.
EMBEDDING_KNOWN_AT = 0.7
# Or when the three best-placed known claims together hold this share of its words.
UNION_KNOWN_AT = 0.7
UNION_OF = 3
EMBEDDING_MIN_SHARED = 0.2
CANDIDATES = 25  # lexical candidates examined per claim, best containment first
# Known claims are loaded by id; transactions commit out of id order, so each sync looks this
# far back for ids it has not seen yet.
SYNC_OVERLAP = 1000
_Vector = np.ndarray[Any, np.dtype[np.float32]]


@dataclass(frozen=True, slots=True)
class _Judged:
    claim: Claim
    features: Features
    vector: _Vector | None


@dataclass(slots=True)
class _ProfileIndex:
    """What one process holds of one profile's known claims."""

    lexical: LexicalIndex = field(default_factory=LexicalIndex)
    vector_ids: list[int] = field(default_factory=list)
    vectors: list[_Vector] = field(default_factory=list)
    matrix: _Vector | None = None  # vectors stacked, rebuilt when stale
    last_id: int = 0

    def add(self, claim_id: int, features: Features, vector: _Vector | None) -> None:
        if claim_id in self.lexical:
            return
        self.lexical.add(claim_id, features)
        if vector is not None:
            self.vector_ids.append(claim_id)
            self.vectors.append(vector)
            self.matrix = None

    def cosine(self, vector: _Vector) -> list[tuple[int, float]]:
        """Known claims by cosine similarity to `vector`, best first (top CANDIDATES)."""
        if not self.vectors:
            return []
        if self.matrix is None:
            self.matrix = np.vstack(self.vectors)
        sims = self.matrix @ vector
        top = np.argsort(-sims)[:CANDIDATES]
        return [(self.vector_ids[i], float(sims[i])) for i in top]


@dataclass(frozen=True, slots=True)
class _Nearest:
    claim_id: int | None
    similarity: float
    same: bool
    clash: bool = False  # a close known claim states another figure, outcome or negation


class ClaimJudge:
    """Extracts claims and judges them new or known per profile (one per process)."""

    def __init__(self, mode: str = "lexical", encoder: embedding.Encoder | None = None) -> None:
        self.mode = mode
        self._encoder = encoder
        self._indexes: dict[str, _ProfileIndex] = {}
        if mode == "embedding" and encoder is None:
            self._encoder = embedding.MiniLMEncoder()

    def judge_and_record(
        self,
        session: Session,
        text: str,
        profiles: Sequence[str],
        *,
        article_id: int | None,
        outlet: str | None,
        seen_at: datetime,
        origin: str = "article",
    ) -> list[ClaimVerdict]:
        """Judge the claims of `text` for each profile; store them and what is new."""
        base = _next_sentence_index(session, article_id)
        claims = [_shifted(c, base) for c in claims_of(text, outlet)]
        judged = self._prepare(claims)
        seen = _Seen(article_id, outlet, seen_at, origin)
        verdicts: list[ClaimVerdict] = []
        for profile in profiles:
            verdicts.extend(self._judge_profile(session, profile, judged, seen))
        return verdicts

    def judge(self, session: Session, claims: Sequence[Claim], profile: str) -> list[ClaimVerdict]:
        """Verdicts on `claims` for `profile`, recording nothing (the `claims` command)."""
        return self._judge_profile(session, profile, self._prepare(claims), None)

    def known_count(self, session: Session, profile: str) -> int:
        """How many known claims `profile` has, after bringing the index up to date."""
        return len(self._synced(session, profile).lexical)

    # --- internals ---------------------------------------------------------------------

    def _prepare(self, claims: Sequence[Claim]) -> list[_Judged]:
        vectors: Sequence[_Vector | None] = [None] * len(claims)
        if self._encoder is not None and claims:
            vectors = list(self._encoder.encode([c.text for c in claims]))
        return [_Judged(c, features_of(c.text), v) for c, v in zip(claims, vectors, strict=True)]

    def _judge_profile(
        self, session: Session, profile: str, judged: Sequence[_Judged], seen: _Seen | None
    ) -> list[ClaimVerdict]:
        shared = self._synced(session, profile)
        added = _ProfileIndex()  # this judgement's new claims, shared only once committed
        added_texts: dict[int, str] = {}
        verdicts: list[ClaimVerdict] = []
        for i, item in enumerate(judged):
            nearest = self._nearest(shared, added, item)
            if nearest.claim_id is None:
                known_text = None
            else:
                known_text = added_texts.get(nearest.claim_id) or _text_of(
                    session, nearest.claim_id
                )
            verdict = ClaimVerdict(item.claim, profile, not nearest.same, known_text,
                                   nearest.similarity, nearest.claim_id)  # fmt: skip
            verdicts.append(verdict)
            # Not stored (seen is None): a stand-in id, unique within this judgement.
            own_id = -1 - i if seen is None else _record(session, verdict, item, seen)
            if verdict.is_new:
                added.add(own_id, item.features, item.vector)
                added_texts[own_id] = item.claim.text
        return verdicts

    def _nearest(self, shared: _ProfileIndex, added: _ProfileIndex, item: _Judged) -> _Nearest:
        best = _Nearest(None, 0.0, same=False)
        pooled: list[tuple[float, Features]] = []
        for index in (shared, added):
            lexical = index.lexical.ranked(item.features, CANDIDATES, weigh=shared.lexical.weight)
            best = _better(best, index, item, lexical, KNOWN_AT)
            pooled += [(score, index.lexical.features(i)) for i, score in lexical[:UNION_OF]]
            if item.vector is not None:
                # A high cosine alone is not enough: it also needs some shared wording,
                # else sentences on one event with different content pass for one claim.
                near = [
                    (i, s)
                    for i, s in index.cosine(item.vector)
                    if s >= EMBEDDING_KNOWN_AT and _shared(index, i, item) >= EMBEDDING_MIN_SHARED
                ]
                best = _better(best, index, item, near, EMBEDDING_KNOWN_AT)
        if best.same or best.claim_id is None:
            return best
        return _against_union(best, item, pooled, shared.lexical.weight)

    def _synced(self, session: Session, profile: str) -> _ProfileIndex:
        index = self._indexes.setdefault(profile, _ProfileIndex())
        rows = session.execute(
            select(KnownClaim.id, KnownClaim.text, KnownClaim.signature, KnownClaim.embedding)
            .where(KnownClaim.profile == profile, KnownClaim.id > index.last_id - SYNC_OVERLAP)
            .order_by(KnownClaim.id)
        ).all()
        missing = [r for r in rows if r.id not in index.lexical]
        vectors = self._vectors_for(missing)
        for row, vector in zip(missing, vectors, strict=True):
            stored = row.signature
            features = Features.from_signature(stored) if stored else features_of(row.text)
            index.add(row.id, features, vector)
            index.last_id = max(index.last_id, row.id)
        return index

    def _vectors_for(self, rows: Sequence[Any]) -> list[_Vector | None]:
        if self._encoder is None:
            return [None] * len(rows)
        stored = [embedding.from_bytes(r.embedding) if r.embedding else None for r in rows]
        todo = [i for i, v in enumerate(stored) if v is None]  # known before embedding mode
        if todo:
            fresh = self._encoder.encode([rows[i].text for i in todo])
            for i, vector in zip(todo, fresh, strict=True):
                stored[i] = vector
        return stored


def _shared(index: _ProfileIndex, claim_id: int, item: _Judged) -> float:
    known = index.lexical.features(claim_id)
    return containment(item.features, known, index.lexical.weight)


def _better(
    best: _Nearest,
    index: _ProfileIndex,
    item: _Judged,
    ranked: Sequence[tuple[int, float]],
    threshold: float,
) -> _Nearest:
    """`best`, or the first ranked known claim that says the same thing, or a closer miss."""
    clash = best.clash
    for claim_id, score in ranked:
        if score < threshold:
            break
        if compatible(item.features, index.lexical.features(claim_id)):
            if not best.same or score > best.similarity:
                return _Nearest(claim_id, score, same=True)
            return best
        clash = True
    if not best.same and ranked and ranked[0][1] > best.similarity:
        return _Nearest(ranked[0][0], ranked[0][1], same=False, clash=clash)
    return _Nearest(best.claim_id, best.similarity, best.same, clash)


def _against_union(
    best: _Nearest, item: _Judged, pooled: list[tuple[float, Features]], weigh: Any
) -> _Nearest:
    """A claim that restates what two or three known claims say between them is known:
    "Eleven of the council's 47 members abstained" after "47-member council" and "11
    abstentions". The bar is higher than for a single claim (UNION_KNOWN_AT)."""
    parts = [f for _, f in sorted(pooled, key=lambda sf: -sf[0])[:UNION_OF]]
    if len(parts) < 2:
        return best
    together = merged(parts)
    score = containment(item.features, together, weigh)
    if score >= UNION_KNOWN_AT and compatible(item.features, together):
        return _Nearest(best.claim_id, score, same=True)
    return best


def load_seed_claims(
    session: Session, seeds_dir: Path, profiles: Sequence[str], judge: ClaimJudge | None = None
) -> int:
    """Make every claim of seeds/*.txt known for each profile that has no seed claims yet."""
    from worker.extract import article_from_text

    judge = judge or ClaimJudge()
    have = set(session.scalars(select(KnownClaim.profile).where(KnownClaim.origin == "seed")
                               .distinct()))  # fmt: skip
    todo = [p for p in profiles if p not in have]
    if not todo:
        return 0
    before = session.scalar(select(func.count()).select_from(KnownClaim)) or 0
    for path in sorted(seeds_dir.glob("*.txt")):
        article = article_from_text(path.read_text(encoding="utf-8"), path.name)
        judge.judge_and_record(session, article.text, todo, article_id=None, outlet=path.name,
                               seen_at=_seed_time(path), origin="seed")  # fmt: skip
    after = session.scalar(select(func.count()).select_from(KnownClaim)) or 0
    return after - before


@dataclass(frozen=True, slots=True)
class _Seen:
    """Where and when the judged text was seen: what a stored claim remembers."""

    article_id: int | None
    outlet: str | None
    seen_at: datetime
    origin: str


def _record(session: Session, verdict: ClaimVerdict, item: _Judged, seen: _Seen) -> int:
    """Store a verdict: a new claim becomes known, a known one counts one more repeat.

    Returns the id of the known claim this claim now is (its own row when new)."""
    claim = item.claim
    if verdict.is_new:
        row = KnownClaim(
            profile=verdict.profile, text=claim.text, speaker=claim.speaker, kind=claim.kind,
            figures=list(claim.figures), signature=item.features.to_signature(),
            embedding=embedding.to_bytes(item.vector) if item.vector is not None else None,
            origin=seen.origin, first_article_id=seen.article_id, first_outlet=seen.outlet,
            first_seen_at=seen.seen_at, repeat_count=0, speakers=_speakers([], claim.speaker),
        )  # fmt: skip
        session.add(row)
        session.flush()
        own_id = row.id
    else:
        assert verdict.nearest_known_id is not None
        own_id = verdict.nearest_known_id
        _count_repeat(session, own_id, claim.speaker)
    if seen.article_id is not None:
        session.add(ArticleClaim(
            article_id=seen.article_id, sentence_index=claim.sentence_index,
            profile=verdict.profile, text=claim.text, speaker=claim.speaker, kind=claim.kind,
            figures=list(claim.figures), is_new=verdict.is_new,
            nearest_known_id=verdict.nearest_known_id, nearest_known_text=verdict.nearest_known,
            similarity=verdict.similarity,
        ))  # fmt: skip
    return own_id


def _count_repeat(session: Session, claim_id: int, speaker: str | None) -> None:
    # The count is incremented in SQL so concurrent workers never lose a repeat.
    session.execute(
        update(KnownClaim).where(KnownClaim.id == claim_id)
        .values(repeat_count=KnownClaim.repeat_count + 1)
    )  # fmt: skip
    row = session.get(KnownClaim, claim_id)
    if row is not None and speaker and speaker not in row.speakers:
        row.speakers = _speakers(row.speakers, speaker)


def _speakers(current: list[Any], speaker: str | None) -> list[Any]:
    # Who repeated a claim: the first 20 distinct speakers are enough to show "by whom".
    if not speaker or speaker in current or len(current) >= 20:
        return list(current)
    return [*current, speaker]


def _text_of(session: Session, claim_id: int) -> str | None:
    return session.scalar(select(KnownClaim.text).where(KnownClaim.id == claim_id))


def _next_sentence_index(session: Session, article_id: int | None) -> int:
    """Sentence numbers go on after an article's earlier claims (a revision adds some)."""
    if article_id is None:
        return 0
    last = session.scalar(select(func.max(ArticleClaim.sentence_index))
                          .where(ArticleClaim.article_id == article_id))  # fmt: skip
    return 0 if last is None else last + 1


def _shifted(claim: Claim, base: int) -> Claim:
    if not base:
        return claim
    from dataclasses import replace

    return replace(claim, sentence_index=claim.sentence_index + base)


def _seed_time(path: Path) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
