"""Mattermost incoming webhooks: Slack-compatible `text` plus `attachments`.

A post holds at most 16383 characters (Mattermost's `MaxMessageSize` by default) and
attachment text counts towards it, so both are clipped. Success is 200 `ok`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from worker.alerts import compose
from worker.alerts.channels import render
from worker.alerts.channels.base import clip, post

MAX_CHARS = 16383
ATTACHMENT_TEXT_CHARS = 4000  # leaves most of the post budget to the text and the fields
FIELD_CHARS = 1000


def attachment(s: render.Summary) -> dict[str, Any]:
    """One alert as a message attachment."""
    fields = [
        {"short": False, "title": "Why", "value": clip(s.why, FIELD_CHARS)},
        {"short": True, "title": "Story", "value": s.story},
        {"short": True, "title": "Outlet", "value": clip(s.outlet, FIELD_CHARS)},
    ]
    text = "\n".join(f"- {c}" for c in s.claims)
    return {
        "fallback": clip(f"{s.headline}: {s.title}", FIELD_CHARS),
        "color": f"#{s.colour:06X}",
        "pretext": s.headline,
        "title": clip(s.title, FIELD_CHARS),
        "title_link": s.url,
        "text": clip(f"**New claims**\n{text}" if text else "", ATTACHMENT_TEXT_CHARS),
        "fields": fields,
        "footer": "newswatch",
    }


def _digest_text(message: Mapping[str, Any]) -> str:
    lines = [f"#### {render.digest_headline(message)}"]
    for payload in message.get("alerts", []):
        s = render.summarize(payload)
        lines.append(f"- **{s.headline}**: [{s.title}]({s.url}) — {s.why}")
    return clip("\n".join(lines), MAX_CHARS)


def format_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """The Mattermost JSON body of an alert or digest message."""
    if compose.is_digest(message):
        return {"text": _digest_text(message)}
    s = render.summarize(message)
    return {"text": clip(f"{s.headline}: {s.title}", FIELD_CHARS), "attachments": [attachment(s)]}


class MattermostChannel:
    """A Mattermost incoming webhook."""

    def __init__(self, name: str, url: str, client: httpx.Client) -> None:
        self.name, self._url, self._client = name, url, client

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """POST the message; Mattermost has no idempotency key either."""
        post(
            self._client,
            self._url,
            channel=self.name,
            json_body=format_message(message),
            ok=(200, 201),
        )
