"""Poll one feed: conditional GET, status handling, tolerant parsing. No database here.

feedparser has no timeout of its own, so the document is fetched with our client and handed
to feedparser with the response headers (which carry the charset and content type).
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx

from worker.errors import NewswatchError, PermanentError
from worker.net import Fetched, fetch, status_error
from worker.records import FeedEntry, PollResult
from worker.urls import canonicalize

# Markers of a document that is HTML rather than a feed (feedparser still "parses" those).
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def poll(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    deadline_s: float,
    max_entries: int,
    body_hash: str | None = None,
) -> PollResult:
    """Fetch and parse one feed; every failure comes back as a PollResult status, not raised.

    `body_hash` is the hash of the last document: many servers send no validators (or ignore
    them) and answer 200 with the same bytes, which then count as not modified, unparsed.
    """
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        got = fetch(client, url, max_bytes=max_bytes, deadline_s=deadline_s, headers=headers)
    except NewswatchError as exc:
        return PollResult(status=exc.reason, retry_after=getattr(exc, "retry_after", None))
    moved = got.final_url if any(s in (301, 308) for s in got.redirect_statuses) else None
    if got.status == 304:
        return PollResult(status="not_modified", etag=etag, last_modified=last_modified,
                          new_url=moved, http_status=304)  # fmt: skip
    if got.status == 410:
        return PollResult(status="gone", http_status=410)
    if got.status >= 400:
        error = status_error(got.status, got.headers.get("retry-after"))
        return PollResult(status=error.reason, http_status=got.status,
                          retry_after=getattr(error, "retry_after", None))  # fmt: skip
    return _document(got, moved, body_hash, max_entries)


def _document(got: Fetched, moved: str | None, body_hash: str | None,
              max_entries: int) -> PollResult:  # fmt: skip
    """The result of a 200: the same bytes as last time, or the entries parsed."""
    etag, last_modified = got.headers.get("etag"), got.headers.get("last-modified")
    digest = hashlib.sha256(got.content).hexdigest()
    if digest == body_hash:
        return PollResult(status="not_modified", new_url=moved, http_status=got.status,
                          body_hash=digest, etag=etag, last_modified=last_modified)  # fmt: skip
    try:
        entries, bozo_reason = parse_entries(got.content, got.headers, got.final_url, max_entries)
    except PermanentError as exc:
        return PollResult(status=exc.reason, http_status=got.status)
    return PollResult(status="ok", entries=entries, new_url=moved, bozo_reason=bozo_reason,
                      http_status=got.status, body_hash=digest, etag=etag,
                      last_modified=last_modified)  # fmt: skip


def parse_entries(
    content: bytes, headers: Mapping[str, str], base_url: str, max_entries: int
) -> tuple[tuple[FeedEntry, ...], str | None]:
    """Entries of a feed document; ill-formed ("bozo") feeds keep what feedparser could read.

    Raises PermanentError("not_a_feed") when the document is not a feed at all.
    """
    parsed = feedparser.parse(
        content, response_headers={"content-location": base_url, **dict(headers)}
    )
    is_feed = bool(parsed.get("version")) or bool(parsed.entries)
    if not is_feed:
        looks_html = headers.get("content-type", "").startswith(_HTML_TYPES)
        raise PermanentError(
            "the document is not a feed" + (" (an HTML page)" if looks_html else ""),
            reason="not_a_feed",
        )
    entries = []
    for raw in parsed.entries[:max_entries]:
        entry = _entry(raw, base_url)
        if entry is not None:
            entries.append(entry)
    bozo = _bozo_reason(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    return tuple(entries), bozo


def _entry(raw: Any, base_url: str) -> FeedEntry | None:
    link = str(raw.get("link") or "").strip()
    guid = str(raw.get("id") or "").strip()
    title = str(raw.get("title") or "").strip()
    if link and not link.startswith(("http://", "https://")):
        link = str(httpx.URL(base_url).join(link))
    key = guid or (canonicalize(link) if link else "")
    if not key:
        if not title:
            return None  # nothing to identify it by, and nothing to show
        key = "title:" + hashlib.sha256(title.encode()).hexdigest()
    return FeedEntry(
        key=key[:2048],
        link=link,
        title=title,
        summary=_summary(raw),
        # dict.get skips FeedParserDict's deprecated updated->published fallback mapping.
        published=_when(dict.get(raw, "published_parsed")),
        updated=_when(dict.get(raw, "updated_parsed")),
    )


def _summary(raw: Any) -> str:
    for content in raw.get("content") or ():
        value = content.get("value")
        if value:
            return str(value)
    return str(raw.get("summary") or "")


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _bozo_reason(exc: object) -> str:
    """A fixed label for why a feed was ill-formed (never the exception text)."""
    name = type(exc).__name__
    if "CharacterEncoding" in name:
        return "charset"
    if "NonXMLContentType" in name:
        return "content_type"
    if "SAX" in name or "Parse" in name or "Undeclared" in name:
        return "xml"
    return "other"
