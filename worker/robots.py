"""robots.txt per RFC 9309, cached per origin, and a per-host politeness gap.

RFC 9309 says: a 4xx robots.txt means "no rules" (crawl allowed); a 5xx or an unreachable
server means "assume complete disallow" for now. We turn the latter into a TransientError so
the entry is retried later rather than dropped.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import httpx
from protego import Protego

from worker.errors import PermanentError, TransientError
from worker.net import fetch

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parsers must read at least 500 KiB


class RobotsCache:
    """Answers "may this URL be fetched?" with each origin's robots.txt kept for `ttl` s."""

    def __init__(self, client: httpx.Client, user_agent: str, ttl: float, timeout: float) -> None:
        self._client = client
        self._agent = user_agent.split("/", 1)[0]  # robots groups name the product token
        self._ttl = ttl
        self._timeout = timeout
        self._cache: dict[str, tuple[float, Protego | None]] = {}
        self._origin_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's origin lets our agent fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules(origin)
        return True if rules is None else bool(rules.can_fetch(url, self._agent))

    def _rules(self, origin: str) -> Protego | None:
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one download per origin, however many threads ask at once
            now = time.monotonic()
            cached = self._cache.get(origin)
            if cached and cached[0] > now:
                return cached[1]
            rules = self._download(origin)
            self._cache[origin] = (now + self._ttl, rules)
            return rules

    def _download(self, origin: str) -> Protego | None:
        try:
            got = fetch(
                self._client,
                f"{origin}/robots.txt",
                max_bytes=ROBOTS_MAX_BYTES,
                deadline_s=self._timeout,
            )
        except PermanentError as exc:
            if exc.reason == "too_large":
                return None  # RFC 9309 lets a parser stop at 500 KiB; treat as no rules
            raise
        except TransientError as exc:
            raise TransientError(exc.detail, reason="robots_unavailable") from None
        if got.status >= 500:
            raise TransientError(f"robots.txt answered {got.status}", reason="robots_unavailable")
        if got.status >= 400:
            return None
        return Protego.parse(got.content.decode("utf-8", errors="replace"))


class HostThrottle:
    """Keeps requests to one host at least `gap` seconds apart within this process."""

    def __init__(self, gap: float) -> None:
        self._gap = gap
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        """Sleep until the URL's host may be contacted again, and book the next slot."""
        if self._gap <= 0:
            return
        host = urlsplit(url).hostname or ""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self._gap
        if slot > now:
            time.sleep(slot - now)
