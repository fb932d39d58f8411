"""Discord webhooks: embeds, posted with `?wait=true`.

Without `wait=true` Discord answers 204 before it saves the message, so a message it then
drops returns no error; with it, success is 200 with the saved message. Limits
(discord.com/developers/docs/resources/message#embed-object-embed-limits): content 2000,
title 256, description 4096, 25 fields of name 256 / value 1024, footer 2048, 10 embeds and
6000 characters over all embeds of a message. 429 answers carry `retry_after` (seconds) in
their JSON body. Mentions are switched off: article text must never ping @everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from worker.alerts import compose
from worker.alerts.channels import render
from worker.alerts.channels.base import MAX_RETRY_AFTER_S, clip, post, status_error

CONTENT_CHARS = 2000
TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
MAX_EMBEDS = 10
EMBED_TOTAL_CHARS = 6000


def embed(s: render.Summary, budget: int = EMBED_TOTAL_CHARS) -> dict[str, Any]:
    """One alert as an embed whose characters stay within `budget`."""
    fields: list[dict[str, Any]] = [
        {"name": "Why", "value": clip(s.why, min(FIELD_VALUE_CHARS, budget // 3))},
        {"name": "Story", "value": clip(s.story, FIELD_VALUE_CHARS), "inline": True},
    ]
    title = clip(s.title, min(TITLE_CHARS, budget // 6))
    footer = clip(s.outlet or "newswatch", min(FOOTER_CHARS, budget // 10))
    used = (
        len(title) + len(footer) + sum(len(str(f["name"])) + len(str(f["value"])) for f in fields)
    )
    description = "\n".join(f"• {c}" for c in s.claims)
    result: dict[str, Any] = {"title": title, "color": s.colour, "fields": fields}
    if s.url:
        result["url"] = s.url
    if description:
        result["description"] = clip(description, max(0, min(DESCRIPTION_CHARS, budget - used)))
    result["footer"] = {"text": footer}
    if s.published:
        result["timestamp"] = s.published
    return result


def format_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """The Discord JSON body of an alert or digest message."""
    if not compose.is_digest(message):
        s = render.summarize(message)
        content, embeds = s.headline, [embed(s)]
    else:
        summaries = [render.summarize(a) for a in message.get("alerts", [])]
        shown = summaries[:MAX_EMBEDS]
        budget = EMBED_TOTAL_CHARS // max(1, len(shown))
        embeds = [embed(s, budget) for s in shown]
        # Alerts past the tenth embed are listed in `content`, a line each, titles shortened.
        rest = [f"• {s.headline}: {clip(s.title, 150)} <{s.url}>" for s in summaries[MAX_EMBEDS:]]
        content = "\n".join([render.digest_headline(message), *rest])
    return {
        "content": clip(content, CONTENT_CHARS),
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }


def retry_after_of(response: httpx.Response) -> float | None:
    """Discord's `retry_after` from a 429's JSON body (seconds), if it sent one."""
    try:
        value = response.json().get("retry_after")
    except (ValueError, AttributeError):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(max(0.0, float(value)), MAX_RETRY_AFTER_S)
    return None


class DiscordChannel:
    """A Discord webhook."""

    def __init__(self, name: str, url: str, client: httpx.Client) -> None:
        self.name, self._url, self._client = name, url, client

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """POST the embeds with `wait=true`; a 429's JSON `retry_after` is honoured."""
        body = format_message(message)
        response = post(
            self._client, self._url, channel=self.name, json_body=body,
            params={"wait": "true"}, ok=(200, 201, 202, 204, 429),
        )  # fmt: skip
        if response.status_code == 429:
            raise status_error(response, self.name, retry_after_of(response))
