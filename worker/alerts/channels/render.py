"""Plain-text pieces of an alert that every chat format arranges in its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KIND_LABELS = {"new_coverage": "New coverage", "new_claim": "New claim"}
# Claims shown in a chat message: a handful says "why"; the webhook payload carries them all.
CHAT_CLAIMS = 5
# Colours of the side bar where a format has one: new claims stand out from coverage.
COLOURS = {"new_claim": 0xD9480F, "new_coverage": 0x1C7ED6}


@dataclass(frozen=True, slots=True)
class Summary:
    """What a chat message says about one alert."""

    kind: str
    headline: str  # "New claim · ports"
    title: str
    url: str
    outlet: str
    published: str | None
    why: str  # the matched terms and the score
    story: str  # "story 12: 4 articles from 3 outlets"
    claims: tuple[str, ...]  # new claims, one line each, at most CHAT_CLAIMS

    @property
    def colour(self) -> int:
        """The side-bar colour of this alert's kind."""
        return COLOURS.get(self.kind, COLOURS["new_coverage"])


def summarize(payload: Mapping[str, Any]) -> Summary:
    """The chat-ready pieces of one alert payload."""
    article = payload.get("article", {})
    kind = str(payload.get("kind", ""))
    return Summary(
        kind=kind,
        headline=f"{KIND_LABELS.get(kind, kind)} · {payload.get('profile', '')}",
        title=str(article.get("title") or article.get("url") or "(untitled)"),
        url=str(article.get("url") or ""),
        outlet=str(article.get("outlet") or ""),
        published=article.get("published"),
        why=_why(payload),
        story=_story(payload.get("story") or {}),
        claims=tuple(_claim_line(c) for c in payload.get("claims", []) if c.get("is_new"))[
            :CHAT_CLAIMS
        ],
    )


def _why(payload: Mapping[str, Any]) -> str:
    terms = [f"{h['term']} ({h['where']} ×{h['count']})" for h in payload.get("matched", [])]
    matched = ", ".join(terms) if terms else "the profile query"
    through = f" (through {payload['through']})" if payload.get("through") else ""
    return f"matched {matched}{through}; score {payload.get('score')}"


def _story(story: Mapping[str, Any]) -> str:
    outlets = story.get("outlets") or []
    size = story.get("size", 1)
    ident = f"story {story['id']}" if story.get("id") is not None else "new story"
    return f"{ident}: {size} article{'s' if size != 1 else ''} from {len(outlets)} outlet(s)"


def _claim_line(claim: Mapping[str, Any]) -> str:
    speaker = f" — {claim['speaker']}" if claim.get("speaker") else ""
    nearest = claim.get("nearest_known")
    if nearest:
        known = f" (nearest known, similarity {claim.get('similarity')}: “{nearest}”)"
    else:
        known = " (nothing like it known)"
    return f"“{claim.get('text', '')}”{speaker}{known}"


def digest_headline(message: Mapping[str, Any]) -> str:
    """The first line of a digest message."""
    count = int(message.get("count", 0))
    return f"newswatch digest: {count} alert{'s' if count != 1 else ''}"
