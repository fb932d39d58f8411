"""Persisting articles, revisions and matches. Functions take a Session and never commit."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from worker.records import Article, MatchResult
from worker.store.models import Article as ArticleRow
from worker.store.models import ArticleRevision, Match

_SPACE = re.compile(r"\s+")


def text_hash(text: str) -> str:
    """SHA-256 of the text after Unicode, case and whitespace normalisation."""
    normal = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def find_by_canonical(session: Session, canonical_url: str) -> ArticleRow | None:
    """The stored article with this canonical URL, if any."""
    query = select(ArticleRow).where(ArticleRow.canonical_url == canonical_url)
    return session.scalars(query).first()


def is_downgrade(row: ArticleRow, article: Article) -> bool:
    """A feed summary never replaces a page we already extracted: it is less, not newer."""
    return row.source == "page" and article.source == "feed_summary"


def insert_article(
    session: Session,
    article: Article,
    *,
    feed_id: int | None,
    now: datetime,
    dedupe_kind: str,
    duplicate_of: int | None,
    similarity: float | None,
) -> ArticleRow:
    """Insert a new article row (original or duplicate) and return it with its id."""
    row = ArticleRow(
        url=article.url,
        canonical_url=article.canonical_url,
        title=article.title,
        text=article.text,
        text_hash=text_hash(article.text),
        outlet=article.outlet,
        source=article.source,
        author=article.author,
        published_at=article.published,
        language=article.language,
        feed_id=feed_id,
        dedupe_kind=dedupe_kind,
        duplicate_of_id=duplicate_of,
        dedupe_similarity=similarity,
        first_seen_at=now,
        stored_at=now,
    )
    session.add(row)
    session.flush()
    return row


def apply_revision(
    session: Session, row: ArticleRow, article: Article, *, added_text: str, now: datetime
) -> None:
    """Record a new version of a stored article and make it the current text."""
    digest = text_hash(article.text)
    session.add(
        ArticleRevision(article_id=row.id, text_hash=digest, added_text=added_text, seen_at=now)
    )
    row.text, row.text_hash, row.title = article.text, digest, article.title or row.title
    row.source, row.revisions = article.source, row.revisions + 1
    session.flush()


def save_matches(
    session: Session, article_id: int, matches: Sequence[MatchResult], *, new: bool = False
) -> None:
    """Store (or replace) the score of the article against each profile.

    `new`: the article row was inserted in this transaction and has no matches yet. Its
    rows then go in as one multi-row INSERT, without looking for rows to replace: the ORM
    path cost a SELECT and an INSERT ... RETURNING a profile (4 statements an article for the
    three shipped profiles, the largest count of any statement of a stored article).
    """
    if new:
        if matches:
            session.execute(insert(Match), [_match_values(article_id, m) for m in matches])
        return
    existing = {
        m.profile: m for m in session.scalars(select(Match).where(Match.article_id == article_id))
    }
    for result in matches:
        row = existing.get(result.profile) or Match(article_id=article_id, profile=result.profile)
        row.score, row.matched = result.score, result.matched
        row.explanation = result.explanation()
        session.add(row)


def _match_values(article_id: int, result: MatchResult) -> dict[str, object]:
    return {"article_id": article_id, "profile": result.profile, "score": result.score,
            "matched": result.matched, "explanation": result.explanation()}  # fmt: skip
