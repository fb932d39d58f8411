"""What every channel shares: the Channel Protocol, the one HTTP POST, error mapping, redaction.

A channel turns a message (one alert payload, or a digest of several; see
`worker.alerts.compose`) into its own format and POSTs it. Failures leave as the errors of
`worker.errors`, each with a fixed `reason` from this closed set:

    timeout, connect, network, rate_limited, http_5xx   -> TransientError (retried)
    rejected                                             -> PermanentError (dead-letter)

Webhook URLs carry their token in the path, so no URL ever enters an exception, a log line or
a metric label here. httpx exceptions (which carry the request and its URL) are replaced,
never chained, and httpx's own request log is redacted by `redact_urls_in_httpx_log`.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import httpx

from worker.errors import PermanentError, TransientError

# A chat webhook answers in well under a second; 10 s covers a slow day without letting one
# stuck receiver hold a delivery worker for long. Connecting takes milliseconds or never.
SEND_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# A Retry-After longer than a day is a misconfigured receiver; waiting longer helps nobody.
MAX_RETRY_AFTER_S = 86_400.0
USER_AGENT = "newswatch-alerts/1"


@runtime_checkable
class Channel(Protocol):
    """A destination for alert messages."""

    name: str

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """Deliver one message or raise TransientError / PermanentError with a fixed reason."""


def post(
    client: httpx.Client,
    url: str,
    *,
    channel: str,
    json_body: Any = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    ok: Collection[int] = (200, 201, 202, 204),
) -> httpx.Response:
    """POST to a webhook and return the response, or raise the typed error for the failure.

    The timeout is the client's (`registry.build_http_client` sets SEND_TIMEOUT).
    """
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        response = client.post(
            url,
            json=json_body,
            content=content,
            headers=all_headers,
            params=params,
            follow_redirects=False,  # a POST that redirects is a misconfigured URL, not a hop
        )
    except httpx.TimeoutException:
        raise TransientError(f"channel {channel}: timed out", reason="timeout") from None
    except httpx.ConnectError:
        raise TransientError(f"channel {channel}: cannot connect", reason="connect") from None
    except httpx.HTTPError as exc:
        kind = type(exc).__name__
        raise TransientError(f"channel {channel}: {kind}", reason="network") from None
    if response.status_code not in ok:
        raise status_error(response, channel)
    return response


def status_error(
    response: httpx.Response, channel: str, retry_after: float | None = None
) -> TransientError | PermanentError:
    """The typed error for a non-success status; `retry_after` overrides the header."""
    status = response.status_code
    detail = f"channel {channel}: HTTP {status}"
    if status == 429:
        wait = retry_after if retry_after is not None else parse_retry_after(response)
        return TransientError(detail, reason="rate_limited", retry_after=wait)
    if status == 408:  # the receiver timed out reading us: the same as our own timeout
        return TransientError(detail, reason="timeout")
    if status >= 500:
        return TransientError(detail, reason="http_5xx", retry_after=parse_retry_after(response))
    return PermanentError(detail, reason="rejected")


def parse_retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), capped at a day."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


class _RedactFilter(logging.Filter):
    """Replaces known secret URLs in log records with a fixed marker."""

    def __init__(self) -> None:
        super().__init__("newswatch-redact")
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted webhook url]")
            record.msg, record.args = message, None
        return True


_REDACT = _RedactFilter()


def redact_urls_in_httpx_log(urls: Iterable[str]) -> None:
    """Hide these URLs from the `httpx` logger, which logs every request URL at INFO."""
    _REDACT.secrets.update(url for url in urls if url)
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)
