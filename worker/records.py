"""Frozen values that cross stage boundaries.

Each stage of the pipeline returns one of these; one repo function persists it. They hold
plain data only (str, int, float, datetime, tuples), so they are cheap to build in tests and
serialise to JSON for the alert payload. Queue messages never carry them: tasks pass ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ArticleSource = Literal["page", "feed_summary", "file"]
Where = Literal["title", "body"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a polled feed, before its page is fetched."""

    key: str  # GUID, else canonical link: what makes the entry "the same" across polls
    link: str
    title: str
    summary: str
    published: datetime | None
    updated: datetime | None


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one feed found; `status` is a fixed string (the metric label)."""

    status: str  # "ok" | "not_modified" | "gone" | "moved" | an error reason
    entries: tuple[FeedEntry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None  # set on a permanent redirect
    retry_after: float | None = None
    bozo_reason: str | None = None  # feed was ill-formed but entries were still read
    http_status: int | None = None
    body_hash: str | None = None  # sha256 of the document that answered 200


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched web page: the final URL after redirects and its decoded HTML."""

    url: str
    final_url: str
    html: str
    status: int
    content_type: str
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class PageResult:
    """An entry's page, or why there is none (then the feed's summary stands in)."""

    page: Page | None
    error: str | None = None  # the fixed reason the page is missing


@dataclass(frozen=True, slots=True)
class Article:
    """Extracted article text and metadata, ready for matching and dedupe."""

    url: str
    canonical_url: str
    title: str
    text: str
    outlet: str
    source: ArticleSource
    author: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class TermHit:
    """One query term or phrase that matched, where, and how often."""

    term: str
    where: Where
    count: int


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The score of one article against one profile, with the evidence for it."""

    profile: str
    score: float
    matched: bool
    hits: tuple[TermHit, ...] = ()
    # The included profile (a narrower topic inside this one) whose match this match is,
    # when the profile's own terms fell short; None when it matched on its own, or did not.
    through: str | None = None
    # The earlier stored article whose story this one continues, when it matched only by
    # following it (under the profile's floors, every other gate held; ClaimJudge.follows).
    follows: int | None = None

    def explanation(self) -> list[dict[str, object]]:
        """The hits as JSON-ready dicts: what alerts show under `matched`."""
        return [{"term": h.term, "where": h.where, "count": h.count} for h in self.hits]


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim made in one sentence of an article: who said what, of which kind."""

    text: str
    speaker: str | None
    kind: str  # "quote" | "reported" | "finding" | "figure" | "action" | "statement"
    sentence_index: int
    figures: tuple[str, ...] = ()


# Why a known claim is known: "words" (its words, and in embedding mode its vector, match
# the nearest known claim's), "rewrite" (it restates the article the text rewrites),
# "position" (it restates a position on record, naming nothing new) or "recap" (it retells
# what a document on record found or asked, naming nothing new).
KnownBy = Literal["words", "rewrite", "position", "recap"]


@dataclass(frozen=True, slots=True)
class RewriteOf:
    """The earlier stored article a text was read as a rewrite of (worker/claims/novelty.py),
    and the share of the text's claims that restate that article's."""

    article_id: int
    share: float


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """Whether a claim is new for a profile, and the nearest known claim that says so."""

    claim: Claim
    profile: str
    is_new: bool
    nearest_known: str | None
    similarity: float
    nearest_known_id: int | None = None
    rewrite_of: RewriteOf | None = None  # for every claim of a text read as a rewrite
    known_by: KnownBy | None = None  # None when new


@dataclass(frozen=True, slots=True)
class StoryRef:
    """The story an article belongs to, as alerts show it."""

    id: int
    size: int
    outlets: tuple[str, ...] = field(default_factory=tuple)
