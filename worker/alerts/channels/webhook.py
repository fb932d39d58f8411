"""The generic JSON webhook: the alert payload as is, signed, with a delivery id to dedupe on.

Request: `POST` with `Content-Type: application/json` and the body as the contract of
docs/alerts.md, plus these headers:

    X-Newswatch-Delivery   the delivery's idempotency key (also `delivery_id` in the body);
                           the same on every retry: receivers dedupe on it
    X-Newswatch-Event      new_coverage | new_claim | digest
    X-Newswatch-Timestamp  Unix seconds of this attempt (informational, not signed)
    X-Newswatch-Signature  sha256=<hex HMAC-SHA256 of the raw body, keyed by `secret`>,
                           present only when the channel has a `secret`

Any 2xx is success; 429 and 5xx are retried (Retry-After honoured); other statuses are final.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from worker.alerts.channels.base import post

SIGNATURE_HEADER = "X-Newswatch-Signature"
DELIVERY_HEADER = "X-Newswatch-Delivery"
TIMESTAMP_HEADER = "X-Newswatch-Timestamp"
EVENT_HEADER = "X-Newswatch-Event"
_SUCCESS = range(200, 300)


def encode(message: Mapping[str, Any]) -> bytes:
    """The exact body bytes: compact UTF-8 JSON (what the signature covers)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """The signature header value of `body`: `sha256=` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), header)


class WebhookChannel:
    """A generic JSON webhook, HMAC-signed when a secret is configured."""

    def __init__(
        self, name: str, url: str, client: httpx.Client, secret: str | None = None
    ) -> None:
        self.name, self._url, self._client, self._secret = name, url, client, secret

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """POST the payload with the delivery id and, if configured, the signature."""
        body = encode(message)
        headers = {
            "Content-Type": "application/json",
            DELIVERY_HEADER: delivery_id,
            EVENT_HEADER: str(message.get("kind", "")),
            TIMESTAMP_HEADER: str(int(time.time())),
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(body, self._secret)
        post(self._client, self._url, channel=self.name, content=body, headers=headers, ok=_SUCCESS)
