"""store/articles.py: the rows an article's matches become."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from worker.records import Article, MatchResult, TermHit
from worker.store import articles
from worker.store.db import Database
from worker.store.models import Match

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
MATCHES = (
    MatchResult("climate", 2.5, True, (TermHit("flood", "title", 1), TermHit("rain", "text", 3))),
    MatchResult("courts", 0.0, False),
)


def _stored_matches(db: Database, *, new: bool) -> list[tuple[str, float, bool, object]]:
    url = f"https://example.org/{new}"
    article = Article(url=url, canonical_url=url, title="t", text="Some text.",
                      outlet="example.org", source="page")  # fmt: skip
    with db.session_scope() as session:
        row = articles.insert_article(session, article, feed_id=None, now=NOW,
                                      dedupe_kind="original", duplicate_of=None,
                                      similarity=None)  # fmt: skip
        articles.save_matches(session, row.id, MATCHES, new=new)
        article_id = row.id
    with db.session_scope() as session:
        query = select(Match).where(Match.article_id == article_id).order_by(Match.profile)
        return [(m.profile, m.score, m.matched, m.explanation) for m in session.scalars(query)]


def test_a_new_articles_matches_are_stored_as_the_orm_path_stores_them(db: Database) -> None:
    bulk = _stored_matches(db, new=True)
    assert bulk == _stored_matches(db, new=False)
    assert bulk[0] == (
        "climate", 2.5, True,
        [{"term": "flood", "where": "title", "count": 1},
         {"term": "rain", "where": "text", "count": 3}],
    )  # fmt: skip
