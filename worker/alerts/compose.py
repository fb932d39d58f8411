"""The alert payload: the public JSON contract of the generic webhook (see docs/alerts.md).

Everything here is pure: plain values in, a JSON-ready dict out. Chat channels render the
same dict in their own formats, so what a Slack message says and what a webhook receiver
reads never disagree.

The contract is versioned by `schema`; fields are only ever added within one version.
Times are RFC 3339 in UTC with a `Z` and second precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from worker.records import Article, ClaimVerdict, MatchResult, StoryRef

SCHEMA = "newswatch.alert/1"
DIGEST_SCHEMA = "newswatch.digest/1"
AlertKind = Literal["new_coverage", "new_claim"]
KINDS: tuple[AlertKind, ...] = ("new_coverage", "new_claim")
# Claims carried per alert: every new one (never dropped: they are what the alert is for),
# then known ones up to MAX_CLAIMS in all. A long article yields about 10-40 claims; 60 keeps
# nearly every article whole and a payload far below any receiver's body limit (about 20 KB).
# Chat formats show only a few new ones (channels/render.py).
MAX_CLAIMS = 60
_DIGITS = 4  # scores and similarities are rounded: more digits are noise, not information


def choose_kind(verdicts: Iterable[ClaimVerdict], profile: str) -> AlertKind:
    """`new_claim` when the article brings at least one claim new for `profile`."""
    if any(v.is_new and v.profile == profile for v in verdicts):
        return "new_claim"
    return "new_coverage"


def iso(when: datetime | None) -> str | None:
    """RFC 3339 UTC with a `Z`, to the second; None stays None."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: object) -> datetime | None:
    """The datetime of an `iso()` string; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def build_payload(
    *,
    profile: str,
    article: Article,
    article_id: int,
    first_seen: datetime,
    match: MatchResult,
    verdicts: Sequence[ClaimVerdict],
    story: StoryRef | None,
    alert_id: int | None = None,
    created_at: datetime | None = None,
    revision: int = 0,
) -> dict[str, Any]:
    """The alert payload of one article for one profile (the webhook JSON contract).

    `verdicts` may hold other profiles' verdicts; only `profile`'s are used. `alert_id` and
    `created_at` are stamped by `outbox.write_alert` from the row it writes, so the pipeline
    leaves them out. `delivery_id` is added per channel when the message is sent.
    """
    own = [v for v in verdicts if v.profile == profile]
    return {
        "schema": SCHEMA,
        "id": alert_id,
        "delivery_id": None,
        "kind": choose_kind(own, profile),
        "profile": profile,
        "created_at": iso(created_at),
        "score": round(match.score, _DIGITS),
        "matched": match.explanation(),
        "through": match.through,
        "follows": match.follows,
        "article": _article(article, article_id, first_seen, revision),
        "story": _story(story, article.outlet),
        "claims": [_claim(v) for v in select_claims(own)],
        "claims_new": sum(1 for v in own if v.is_new),
        "claims_total": len(own),
    }


def _article(
    article: Article, article_id: int, first_seen: datetime, revision: int
) -> dict[str, Any]:
    return {
        "id": article_id,
        "revision": revision,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "language": article.language,
        "published": iso(article.published),
        "first_seen": iso(first_seen),
    }


def _story(story: StoryRef | None, outlet: str) -> dict[str, Any]:
    if story is None:  # not assigned (yet): the article is a story of its own
        return {"id": None, "size": 1, "outlets": [outlet] if outlet else []}
    return {"id": story.id, "size": story.size, "outlets": list(story.outlets)}


def select_claims(verdicts: Sequence[ClaimVerdict]) -> list[ClaimVerdict]:
    """Every new claim, then known ones up to MAX_CLAIMS in all; returned in article order."""
    new = [v for v in verdicts if v.is_new]
    known = [v for v in verdicts if not v.is_new]
    chosen = new + known[: max(0, MAX_CLAIMS - len(new))]
    return sorted(chosen, key=lambda v: v.claim.sentence_index)


def _claim(verdict: ClaimVerdict) -> dict[str, Any]:
    return {
        "text": verdict.claim.text,
        "speaker": verdict.claim.speaker,
        "kind": verdict.claim.kind,
        "is_new": verdict.is_new,
        "nearest_known": verdict.nearest_known,
        "similarity": round(verdict.similarity, _DIGITS),
        "known_by": verdict.known_by,
    }


def stamp(payload: Mapping[str, Any], *, alert_id: int, created_at: datetime) -> dict[str, Any]:
    """A copy of `payload` carrying its alert row's id and creation time."""
    return {**payload, "id": alert_id, "created_at": iso(created_at)}


def for_delivery(payload: Mapping[str, Any], delivery_id: str) -> dict[str, Any]:
    """A copy of `payload` carrying the delivery's idempotency key."""
    return {**payload, "delivery_id": delivery_id}


def build_digest(
    alerts: Sequence[Mapping[str, Any]], *, delivery_id: str, channel: str, created_at: datetime
) -> dict[str, Any]:
    """One message that carries several alert payloads (digest windows, rate-limit overflow)."""
    return {
        "schema": DIGEST_SCHEMA,
        "kind": "digest",
        "delivery_id": delivery_id,
        "channel": channel,
        "created_at": iso(created_at),
        "count": len(alerts),
        "alerts": [dict(a) for a in alerts],
    }


def is_digest(message: Mapping[str, Any]) -> bool:
    """True for a digest message, False for a single alert payload."""
    return message.get("kind") == "digest"


def sample_payload(now: datetime) -> dict[str, Any]:
    """A realistic payload for `newswatch alerts test CHANNEL` and the docs."""
    from worker.records import Claim, TermHit

    article = Article(
        url="https://example.org/news/2026/harbour-strike",
        canonical_url="https://example.org/news/2026/harbour-strike",
        title="Harbour workers strike over automation plans",
        text="",
        outlet="example.org",
        source="page",
        author="A. Reporter",
        published=now,
        language="en",
    )
    match = MatchResult("ports", 3.5, True, (TermHit("harbour", "title", 1),))
    claim = Claim("Automation will cut 400 jobs by 2027.", "the union", "figure", 2, ("400",))
    verdict = ClaimVerdict(claim, "ports", True, "Automation will cut jobs.", 0.41)
    story = StoryRef(1, 3, ("example.org", "example.net", "example.com"))
    return build_payload(
        profile="ports", article=article, article_id=1, first_seen=now, match=match,
        verdicts=[verdict], story=story, alert_id=0, created_at=now,
    )  # fmt: skip
