"""SQLAlchemy 2.x models: one Base, the whole schema of newswatch.

Unique constraints are what make writes idempotent: a task run twice meets the constraint
instead of storing twice (feed url, entry key per feed, article canonical_url, alert per
article and profile, delivery idempotency key). Times are stored in UTC and come back aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The one declarative base; Alembic reads its metadata."""

    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012  (SQLAlchemy reads it at class creation)
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


# --- feeds and their entries (owned by sources/ and pipeline) ---------------------------


class Feed(Base):
    """A polled feed and its polling state."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    config_url: Mapped[str] = mapped_column(String(2048), unique=True)  # as configured
    url: Mapped[str] = mapped_column(String(2048))  # where it lives now (after a 301)
    name: Mapped[str] = mapped_column(String(200))
    interval_s: Mapped[float] = mapped_column(Float)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    body_hash: Mapped[str | None] = mapped_column(String(64))  # the last 200's document
    next_check_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entry(Base):
    """A feed item waiting for, or done with, fetch and processing (a database work lease)."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("feed_id", "key", name="uq_entries_feed_key"),
        Index("ix_entries_state_lease", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(2048))
    link: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    # pending (to fetch and process) -> done | failed; an updated item goes back to pending
    state: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(default=1)  # bumped when the feed updates the item
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]  # a worker holds the entry until then
    # The task holding the lease (its Celery id; none outside Celery): its own retry or
    # redelivery takes the lease back at once, and a crash counts only against what it held.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime | None]  # last handed to the broker: a lost message shows here
    error_reason: Mapped[str | None] = mapped_column(String(64))
    error_detail: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))


# --- articles, stories, revisions (owned by pipeline and dedupe/) ------------------------


class Story(Base):
    """A group of articles that are copies or reworded copies of one original."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_article_id: Mapped[int | None] = mapped_column(BigInteger)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    size: Mapped[int] = mapped_column(default=1)
    outlets: Mapped[list[Any]] = mapped_column(default=list)


class Article(Base):
    """A stored article: its latest text, where it came from, and its dedupe verdict."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    outlet: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(16))  # page|feed_summary|file
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    dedupe_kind: Mapped[str] = mapped_column(String(16), default="original")
    duplicate_of_id: Mapped[int | None] = mapped_column(BigInteger)
    dedupe_similarity: Mapped[float | None]
    revisions: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ArticleRevision(Base):
    """A later version of a stored article: the sentences it added are what is analysed."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    text_hash: Mapped[str] = mapped_column(String(64))
    added_text: Mapped[str] = mapped_column(Text, default="")
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Match(Base):
    """The score of one article against one profile, with its explanation."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("article_id", "profile", name="uq_matches_article"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    profile: Mapped[str] = mapped_column(String(100), index=True)
    score: Mapped[float]
    matched: Mapped[bool] = mapped_column(Boolean)
    explanation: Mapped[list[Any]] = mapped_column(default=list)


# --- dedupe index on the embedded default (owned by dedupe/index.py) ---------------------


class DedupeSentence(Base):
    """A sampled sentence key of an article (see dedupe/fingerprint.py): the search index.

    One B-tree keyed by (key, article) and no rowid on SQLite: at a few dozen keys an
    article this table is most of the index, and a separate rowid tree would double it.
    """

    __tablename__ = "dedupe_sentences"
    __table_args__ = ({"sqlite_with_rowid": False},)

    sentence_hash: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class DedupeSignature(Base):
    """The compact fingerprint of an article, kept to verify index candidates."""

    __tablename__ = "dedupe_signatures"

    # INTEGER on SQLite makes the key the rowid itself: no second B-tree for it
    article_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    text_hash: Mapped[str] = mapped_column(String(16), index=True)
    sentences: Mapped[bytes] = mapped_column(LargeBinary)  # packed per-sentence sketches
    sentence_count: Mapped[int] = mapped_column(default=0)
    story_id: Mapped[int | None] = mapped_column(BigInteger)


# --- claims (owned by claims/) -----------------------------------------------------------


class KnownClaim(Base):
    """A claim known for a profile: from the seeds or from an earlier article."""

    __tablename__ = "known_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    figures: Mapped[list[Any]] = mapped_column(default=list)
    signature: Mapped[list[Any]] = mapped_column(default=list)  # lexical features, see novelty
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    origin: Mapped[str] = mapped_column(String(16), default="article")  # seed|article
    first_article_id: Mapped[int | None] = mapped_column(BigInteger)
    first_outlet: Mapped[str | None] = mapped_column(String(255))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    repeat_count: Mapped[int] = mapped_column(default=0)
    speakers: Mapped[list[Any]] = mapped_column(default=list)


class ArticleClaim(Base):
    """A claim extracted from an article, and per profile whether it was new."""

    __tablename__ = "article_claims"
    __table_args__ = (
        UniqueConstraint("article_id", "sentence_index", "profile", name="uq_article_claims"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    sentence_index: Mapped[int]
    profile: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    figures: Mapped[list[Any]] = mapped_column(default=list)
    is_new: Mapped[bool] = mapped_column(Boolean)
    nearest_known_id: Mapped[int | None] = mapped_column(BigInteger)
    nearest_known_text: Mapped[str | None] = mapped_column(Text)
    similarity: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- alerts and their outbox (owned by alerts/) ------------------------------------------


class Alert(Base):
    """One alert per article per profile, written in the transaction that detected it."""

    __tablename__ = "alerts"
    # One alert per article, profile and revision: an update that brings a new claim alerts
    # again, a re-run of the same detection does not.
    __table_args__ = (
        UniqueConstraint("article_id", "profile", "revision", name="uq_alerts_article"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    profile: Mapped[str] = mapped_column(String(100))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(default=0)  # the article's revision it alerts on
    story_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[datetime | None]  # when the entry was first seen: latency metric
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Delivery(Base):
    """The outbox: one row per alert per channel, drained by the delivery task."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(64))
    # pending|sending|delivered|dead|digested|suppressed
    state: Mapped[str] = mapped_column(String(16), default="pending")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))
    digest_of: Mapped[list[Any]] = mapped_column(default=list)  # alert ids a digest carries
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
