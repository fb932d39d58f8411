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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select
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
# far back for ids it has not seen yet (a few hundred: workers x claims per article).
SYNC_OVERLAP = 200
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
        pending: list[tuple[_Judged, _Nearest]] = []
        for i, item in enumerate(judged):
            nearest = self._nearest(shared, added, item)
            pending.append((item, nearest))
            if not nearest.same:
                # Until stored, a new claim goes by a stand-in id, unique in this judgement.
                added.add(-1 - i, item.features, item.vector)
        return _settle(session, profile, pending, seen)

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
        wanted = select(KnownClaim.id, KnownClaim.text, KnownClaim.signature, KnownClaim.embedding)
        if len(index.lexical):
            recent = session.scalars(select(KnownClaim.id).where(
                KnownClaim.profile == profile, KnownClaim.id > index.last_id - SYNC_OVERLAP
            ))  # fmt: skip
            missing = [i for i in recent if i not in index.lexical]
            if not missing:
                return index
            wanted = wanted.where(KnownClaim.id.in_(missing))
        else:  # first use in this process: load them all
            wanted = wanted.where(KnownClaim.profile == profile)
        rows = session.execute(wanted.order_by(KnownClaim.id)).all()
        vectors = self._vectors_for(rows)
        for row, vector in zip(rows, vectors, strict=True):
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
    for claim_id, score in ranked:
        if score < threshold:
            break
        if compatible(item.features, index.lexical.features(claim_id)):
            if not best.same or score > best.similarity:
                return _Nearest(claim_id, score, same=True)
            return best
    if not best.same and ranked and ranked[0][1] > best.similarity:
        return _Nearest(ranked[0][0], ranked[0][1], same=False)
    return best


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


def _settle(
    session: Session, profile: str, pending: list[tuple[_Judged, _Nearest]], seen: _Seen | None
) -> list[ClaimVerdict]:
    """Verdicts with the nearest known claims' texts; when `seen`, store them all at once:
    new claims become known, known ones count a repeat, and each is an article claim."""
    new_rows: dict[int, KnownClaim] = {}  # stand-in id -> row
    if seen is not None:
        for i, (item, nearest) in enumerate(pending):
            if not nearest.same:
                new_rows[-1 - i] = _known_row(profile, item, seen)
        session.add_all(new_rows.values())
        session.flush()  # one flush gives every new row its id
    real = {stand_in: row.id for stand_in, row in new_rows.items()}
    texts = _texts(session, {n.claim_id for _, n in pending if n.claim_id and n.claim_id > 0})
    texts.update({-1 - i: item.claim.text for i, (item, _) in enumerate(pending)})
    verdicts = [
        ClaimVerdict(
            item.claim,
            profile,
            not n.same,
            texts.get(n.claim_id or 0),
            n.similarity,
            real.get(n.claim_id or 0, n.claim_id),
        )
        for item, n in pending
    ]
    if seen is not None:
        _count_repeats(session, [v for v in verdicts if not v.is_new], new_rows, real)
        if seen.article_id is not None:
            session.add_all(_article_claim(seen.article_id, v) for v in verdicts)
    return verdicts


def _known_row(profile: str, item: _Judged, seen: _Seen) -> KnownClaim:
    claim = item.claim
    return KnownClaim(
        profile=profile, text=claim.text, speaker=claim.speaker, kind=claim.kind,
        figures=list(claim.figures), signature=item.features.to_signature(),
        embedding=embedding.to_bytes(item.vector) if item.vector is not None else None,
        origin=seen.origin, first_article_id=seen.article_id, first_outlet=seen.outlet,
        first_seen_at=seen.seen_at, repeat_count=0, speakers=_speakers([], claim.speaker),
    )  # fmt: skip


def _article_claim(article_id: int, verdict: ClaimVerdict) -> ArticleClaim:
    claim = verdict.claim
    return ArticleClaim(
        article_id=article_id, sentence_index=claim.sentence_index, profile=verdict.profile,
        text=claim.text, speaker=claim.speaker, kind=claim.kind, figures=list(claim.figures),
        is_new=verdict.is_new, nearest_known_id=verdict.nearest_known_id,
        nearest_known_text=verdict.nearest_known, similarity=verdict.similarity,
    )  # fmt: skip


def _count_repeats(
    session: Session,
    repeats: Sequence[ClaimVerdict],
    new_rows: dict[int, KnownClaim],
    real: dict[int, int],
) -> None:
    """One more repeat, and its speaker, on the known claim each repeat matched."""
    by_id: dict[int, list[str | None]] = {}
    for verdict in repeats:
        assert verdict.nearest_known_id is not None
        by_id.setdefault(verdict.nearest_known_id, []).append(verdict.claim.speaker)
    own = {real[stand_in]: row for stand_in, row in new_rows.items()}
    stored = [i for i in by_id if i not in own]
    query = select(KnownClaim).where(KnownClaim.id.in_(stored))
    rows = {row.id: row for row in session.scalars(query)} if stored else {}
    rows.update(own)
    for claim_id, speakers in by_id.items():
        row = rows.get(claim_id)
        if row is None:
            continue
        # Incremented in SQL, not in Python: concurrent workers never lose a repeat.
        row.repeat_count = KnownClaim.repeat_count + len(speakers)
        merged = list(row.speakers)
        for speaker in speakers:
            merged = _speakers(merged, speaker)
        if merged != row.speakers:
            row.speakers = merged


def _speakers(current: list[Any], speaker: str | None) -> list[Any]:
    # Who repeated a claim: the first 20 distinct speakers are enough to show "by whom".
    if not speaker or speaker in current or len(current) >= 20:
        return list(current)
    return [*current, speaker]


def _texts(session: Session, claim_ids: set[int]) -> dict[int, str]:
    if not claim_ids:
        return {}
    query = select(KnownClaim.id, KnownClaim.text).where(KnownClaim.id.in_(claim_ids))
    return {row.id: row.text for row in session.execute(query)}


def _next_sentence_index(session: Session, article_id: int | None) -> int:
    """Sentence numbers go on after an article's earlier claims (a revision adds some)."""
    if article_id is None:
        return 0
    last = session.scalar(select(func.max(ArticleClaim.sentence_index))
                          .where(ArticleClaim.article_id == article_id))  # fmt: skip
    return 0 if last is None else last + 1


def _shifted(claim: Claim, base: int) -> Claim:
    return replace(claim, sentence_index=claim.sentence_index + base) if base else claim


def _seed_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
