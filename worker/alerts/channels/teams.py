"""Microsoft Teams through a Workflows (Power Automate) webhook: an Adaptive Card.

Office 365 connectors are retired; a Workflows URL takes `{"type": "message",
"attachments": [an Adaptive Card]}` and answers 202 Accepted. Teams caps a message at about
28 KB, so cards are kept under CARD_BYTES, dropping digest entries from the end if need be.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from worker.alerts import compose
from worker.alerts.channels import render
from worker.alerts.channels.base import clip, post

CARD_BYTES = 25_000  # under Teams' ~28 KB message cap, with room for its own envelope
TEXT_CHARS = 2000  # one TextBlock: longer text is unreadable in a card anyway
CARD_VERSION = "1.4"  # the newest Adaptive Card version Teams renders everywhere


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": clip(text, TEXT_CHARS), "wrap": True, **style}


def alert_items(s: render.Summary) -> list[dict[str, Any]]:
    """The card elements of one alert."""
    facts = [{"title": "Why", "value": clip(s.why, TEXT_CHARS)}]
    facts.append({"title": "Story", "value": s.story})
    if s.outlet:
        facts.append({"title": "Outlet", "value": s.outlet})
    if s.published:
        facts.append({"title": "Published", "value": s.published})
    items = [
        _text(s.headline, weight="Bolder", size="Medium"),
        _text(f"[{s.title}]({s.url})" if s.url else s.title),
        {"type": "FactSet", "facts": facts},
    ]
    if s.claims:
        items.append(_text("New claims:\n\n" + "\n".join(f"- {c}" for c in s.claims)))
    return items


def card(body: list[dict[str, Any]], url: str | None = None) -> dict[str, Any]:
    """The Workflows message envelope around an Adaptive Card."""
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }
    if url:
        content["actions"] = [{"type": "Action.OpenUrl", "title": "Open article", "url": url}]
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": content,
    }
    return {"type": "message", "attachments": [attachment]}


def _size(body: Mapping[str, Any]) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode())


def format_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """The Teams JSON body of an alert or digest message."""
    if not compose.is_digest(message):
        s = render.summarize(message)
        return card(alert_items(s), s.url or None)
    summaries = [render.summarize(a) for a in message.get("alerts", [])]
    shown = len(summaries)
    while True:
        body: list[dict[str, Any]] = [_text(render.digest_headline(message), weight="Bolder")]
        for s in summaries[:shown]:
            body.append({"type": "Container", "separator": True, "items": alert_items(s)})
        if shown < len(summaries):
            body.append(_text(f"…and {len(summaries) - shown} more alerts"))
        result = card(body)
        if shown <= 1 or _size(result) <= CARD_BYTES:
            return result
        shown -= 1


class TeamsChannel:
    """A Teams Workflows webhook."""

    def __init__(self, name: str, url: str, client: httpx.Client) -> None:
        self.name, self._url, self._client = name, url, client

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """POST the card; Workflows answers 202 (200 from some tenants' flows)."""
        post(
            self._client,
            self._url,
            channel=self.name,
            json_body=format_message(message),
            ok=(200, 202),
        )
