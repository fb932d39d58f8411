"""Slack incoming webhooks: Block Kit.

Limits (api.slack.com/reference/block-kit): 50 blocks per message, 3000 characters per
section text, 150 per header. Success is 200 `ok`; 429 carries Retry-After; 4xx bodies such
as `invalid_payload` or `channel_is_archived` mean the message or the URL will never work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from worker.alerts import compose
from worker.alerts.channels import render
from worker.alerts.channels.base import clip, post

MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
FALLBACK_CHARS = 3000  # the notification text; Slack allows more, phones show far less


def escape(text: str) -> str:
    """Slack mrkdwn escaping: only &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, text: str) -> str:
    """A mrkdwn link; `|` and `>` would end the URL early, so they are percent-encoded."""
    safe = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe}|{escape(text)}>" if safe else escape(text)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_CHARS)}}


def alert_blocks(s: render.Summary) -> list[dict[str, Any]]:
    """The blocks of one alert."""
    header = {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(s.headline, HEADER_CHARS)},
    }
    published = f" · published {s.published}" if s.published else ""
    blocks = [
        header,
        _section(f"*{link(s.url, s.title)}*\n{escape(s.outlet)}{published}"),
        _section(f"*Why:* {escape(s.why)}"),
    ]
    if s.claims:
        lines = "\n".join(f"• {escape(c)}" for c in s.claims)
        blocks.append(_section(f"*New claims*\n{lines}"))
    story = {"type": "mrkdwn", "text": clip(escape(s.story), SECTION_CHARS)}
    blocks.append({"type": "context", "elements": [story]})
    return blocks


def digest_blocks(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One header, then one section per alert; past 50 blocks a last line counts the rest."""
    headline = clip(render.digest_headline(message), HEADER_CHARS)
    header = {"type": "header", "text": {"type": "plain_text", "text": headline}}
    summaries = [render.summarize(a) for a in message.get("alerts", [])]
    room = MAX_BLOCKS - 2  # the header, and the "more" line if needed
    shown = summaries if len(summaries) <= room + 1 else summaries[:room]
    blocks: list[dict[str, Any]] = [header]
    for s in shown:
        blocks.append(_section(f"*{escape(s.headline)}* — {link(s.url, s.title)}\n{escape(s.why)}"))
    if len(shown) < len(summaries):
        blocks.append(_section(f"…and {len(summaries) - len(shown)} more alerts"))
    return blocks


def format_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """The Slack JSON body of an alert or digest message."""
    if compose.is_digest(message):
        text = render.digest_headline(message)
        blocks = digest_blocks(message)
    else:
        s = render.summarize(message)
        text, blocks = f"{s.headline}: {s.title}", alert_blocks(s)
    return {"text": clip(text, FALLBACK_CHARS), "blocks": blocks, "unfurl_links": False}


class SlackChannel:
    """A Slack incoming webhook."""

    def __init__(self, name: str, url: str, client: httpx.Client) -> None:
        self.name, self._url, self._client = name, url, client

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """POST the Block Kit message; Slack has no idempotency key to pass `delivery_id` in."""
        post(
            self._client, self._url, channel=self.name, json_body=format_message(message), ok=(200,)
        )
