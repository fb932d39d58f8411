"""The detection transaction: match, dedupe, store, judge claims, write alerts.

Everything here runs inside the caller's one session, so an alert row exists exactly when
the detection that caused it was committed (the outbox rule). The caller holds the dedupe
index lock around this transaction (see worker/dedupe/index.py for the protocol).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from worker import metrics
from worker.claims.novelty import Prejudged
from worker.dedupe.decide import (
    DedupeDecision,
    PreviousVersion,
    added_sentences,
    decide,
    join_story,
    start_story,
)
from worker.dedupe.fingerprint import Fingerprint
from worker.dedupe.index import DedupeIndex
from worker.records import Article, ClaimVerdict, MatchResult, RewriteOf, StoryRef
from worker.services import Services
from worker.store import articles
from worker.store.db import after_commit
from worker.store.models import Article as ArticleRow
from worker.store.models import Story


@dataclass(frozen=True, slots=True)
class DetectOutcome:
    """What became of one article: its row id and its label (newswatch_articles_total).

    Its metrics (article, matches, claims, alerts) are counted once the detection commits
    (`after_commit`), never for a rollback."""

    article_id: int | None
    label: str  # stored | duplicate | revision | unchanged | off_topic


@dataclass(frozen=True, slots=True)
class Detection:
    """The inputs of one detection, gathered once."""

    article: Article
    fp: Fingerprint
    matches: tuple[MatchResult, ...]
    feed_id: int | None
    first_seen: datetime
    now: datetime
    prejudged: Prejudged | None = None  # its claims' first pass (ClaimJudge.prejudge)

    @property
    def matched(self) -> list[MatchResult]:
        """The profiles the article matched."""
        return [m for m in self.matches if m.matched]


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time one pipeline stage into newswatch_stage_seconds{stage} (one of metrics.STAGES)."""
    started = time.monotonic()
    try:
        yield
    finally:
        metrics.STAGE_SECONDS.labels(name).observe(time.monotonic() - started)


def detect_and_store(
    session: Session,
    svc: Services,
    article: Article,
    fp: Fingerprint,
    matches: tuple[MatchResult, ...],
    index: DedupeIndex,
    *,
    feed_id: int | None,
    first_seen: datetime,
    prejudged: Prejudged | None = None,
) -> DetectOutcome:
    """Run every detection stage on one article inside `session`, given its fingerprint,
    profile matches and its claims' first pass (computed outside the transaction); returns
    its outcome."""
    found = Detection(article, fp, matches, feed_id, first_seen, svc.clock(), prejudged)
    outcome = _detect(session, svc, found, index)
    after_commit(session, metrics.ARTICLES.labels(outcome.label).inc)
    return outcome


def _detect(session: Session, svc: Services, found: Detection, index: DedupeIndex) -> DetectOutcome:
    row = articles.find_by_canonical(session, found.article.canonical_url)
    if row is not None and articles.is_downgrade(row, found.article):
        return DetectOutcome(row.id, "unchanged")
    previous = PreviousVersion(row.id, row.story_id, row.text) if row is not None else None
    with stage("dedupe"):
        decision = decide(found.fp, index, previous=previous)
    if decision.kind == "unchanged" and row is not None:
        return DetectOutcome(row.id, "unchanged")
    if decision.kind == "revision" and row is not None:
        return _revise(session, svc, index, found, row)
    if decision.is_copy and _exists(session, decision.original_article_id):
        return _store_duplicate(session, index, found, decision)
    return _store_original(session, svc, index, found)


def _exists(session: Session, article_id: int | None) -> bool:
    # A shared (Redis) index may name an article whose transaction later rolled back.
    return article_id is not None and session.get(ArticleRow, article_id) is not None


def _store_original(
    session: Session, svc: Services, index: DedupeIndex, found: Detection
) -> DetectOutcome:
    with stage("store"):
        row = articles.insert_article(session, found.article, feed_id=found.feed_id,
                                      now=found.now, dedupe_kind="original",
                                      duplicate_of=None, similarity=None)  # fmt: skip
        articles.save_matches(session, row.id, found.matches, new=True)
    verdicts = _judge_claims(session, svc, found, row.id, found.article.text)
    rewrite = _rewrite_saying_nothing_new(verdicts)
    # Read as the rewrite of a row still there (see _exists): joins that row's story.
    source = session.get(ArticleRow, rewrite.article_id) if rewrite is not None else None
    if rewrite is not None and source is not None:
        return _store_rewrite(session, index, found, row, rewrite, source.story_id)
    with stage("dedupe"):  # the story too: one observation of each stage an article
        row.story_id = start_story(session, row.id, found.article.outlet, found.now)
        index.add(row.id, row.story_id, found.fp)
    for match in found.matched:
        after_commit(session, metrics.MATCHES.labels(match.profile).inc)
    _raise_alerts(session, svc, found, row, verdicts, only_new_claims=False)
    return DetectOutcome(row.id, "stored" if found.matched else "off_topic")


def _rewrite_saying_nothing_new(verdicts: Sequence[ClaimVerdict]) -> RewriteOf | None:
    """The earlier article these verdicts read their text as a rewrite of, when no claim of
    it is new for any profile: a content farm's spin in words of its own, which the
    sentence sketches of dedupe miss (docs/dedupe.md). One that brings a new claim stays an
    original, and alerts with it."""
    if not verdicts or any(v.is_new or v.rewrite_of is None for v in verdicts):
        return None
    return max((v.rewrite_of for v in verdicts if v.rewrite_of), key=lambda r: r.share)


def _store_rewrite(
    session: Session,
    index: DedupeIndex,
    found: Detection,
    row: ArticleRow,
    rewrite: RewriteOf,
    story_id: int | None,
) -> DetectOutcome:
    """The stored row of a rewrite saying nothing new becomes a copy of the article it
    restates: it joins that article's story (`story_id`) and, as every copy, never alerts."""
    with stage("dedupe"):
        row.dedupe_kind, row.duplicate_of_id = "duplicate", rewrite.article_id
        row.dedupe_similarity, row.story_id = rewrite.share, story_id
        if story_id is not None:
            join_story(session, story_id, found.article.outlet, found.now)
        index.add(row.id, row.story_id, found.fp)
    return DetectOutcome(row.id, "duplicate")


def _store_duplicate(
    session: Session, index: DedupeIndex, found: Detection, decision: DedupeDecision
) -> DetectOutcome:
    """A copy joins its original's story; it never alerts (house rule of the alert issue)."""
    with stage("store"):
        row = articles.insert_article(session, found.article, feed_id=found.feed_id,
                                      now=found.now, dedupe_kind="duplicate",
                                      duplicate_of=decision.original_article_id,
                                      similarity=decision.similarity)  # fmt: skip
        row.story_id = decision.story_id
        if decision.story_id is not None:
            join_story(session, decision.story_id, found.article.outlet, found.now)
        articles.save_matches(session, row.id, found.matches, new=True)
    with stage("dedupe"):
        index.add(row.id, row.story_id, found.fp)
    return DetectOutcome(row.id, "duplicate")


def _revise(
    session: Session, svc: Services, index: DedupeIndex, found: Detection, row: ArticleRow
) -> DetectOutcome:
    """An update in place: only the sentences it adds are judged for claims."""
    added = added_sentences(row.text, found.article.text)
    with stage("store"):
        articles.apply_revision(session, row, found.article, added_text=added, now=found.now)
        articles.save_matches(session, row.id, found.matches)
    with stage("dedupe"):
        index.add(row.id, row.story_id, found.fp)
    verdicts = _judge_claims(session, svc, found, row.id, added) if added else []
    _raise_alerts(session, svc, found, row, verdicts, only_new_claims=True)
    return DetectOutcome(row.id, "revision")


def _judge_claims(
    session: Session, svc: Services, found: Detection, article_id: int, text: str
) -> list[ClaimVerdict]:
    """Claims of `text`, judged new or known for each matched profile, and recorded."""
    profiles = [m.profile for m in found.matched]
    if not profiles or not text.strip():
        return []
    with stage("claims"):
        verdicts = svc.claims.judge_and_record(
            session, text, profiles, article_id=article_id, outlet=found.article.outlet,
            seen_at=found.now, prejudged=found.prejudged, published=found.article.published,
        )  # fmt: skip
    for verdict in verdicts:
        counter = metrics.CLAIMS.labels(verdict.profile, "new" if verdict.is_new else "known")
        after_commit(session, counter.inc)
    return verdicts


def _raise_alerts(
    session: Session,
    svc: Services,
    found: Detection,
    row: ArticleRow,
    verdicts: Sequence[ClaimVerdict],
    *,
    only_new_claims: bool,
) -> None:
    """One alert per matched profile, written to the outbox in this transaction."""
    from worker.alerts import compose, outbox

    story = _story_ref(session, row.story_id)
    with stage("alert"):
        for match in found.matched:
            if only_new_claims and not any(v.is_new and v.profile == match.profile
                                           for v in verdicts):  # fmt: skip
                continue
            payload = compose.build_payload(
                profile=match.profile, article=found.article, article_id=row.id,
                first_seen=found.first_seen, match=match, verdicts=verdicts, story=story,
                revision=row.revisions,
            )  # fmt: skip
            alert = outbox.write_alert(session, payload, config=svc.settings.alerts, now=found.now)
            if alert is not None:
                after_commit(session, metrics.ALERTS_CREATED.labels(alert.kind, alert.profile).inc)


def _story_ref(session: Session, story_id: int | None) -> StoryRef | None:
    story = session.get(Story, story_id) if story_id is not None else None
    if story is None:
        return None
    return StoryRef(id=story.id, size=story.size, outlets=tuple(story.outlets))
