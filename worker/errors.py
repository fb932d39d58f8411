"""The error hierarchy, drawn in one place.

    NewswatchError            anything this package raises on purpose
    ├── ConfigError           bad configuration: one line naming the key; fatal at start
    ├── PermanentError        this item will never work: record it, count it, never retry
    │   └── QuerySyntaxError  a profile query that does not parse (carries the position)
    └── TransientError        may work later: retry with backoff and jitter, then dead-letter

Every error carries a fixed `reason`: a short snake_case string from a closed set. It becomes
the metric label and the stored status, so it must never contain a URL, an id or `str(exc)`
of a foreign exception. The human-readable `detail` is for logs and the CLI only.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base of every error raised on purpose by newswatch."""

    reason: str = "error"

    def __init__(self, detail: str = "", *, reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)


class ConfigError(NewswatchError):
    """A configuration value is missing, misspelt or of the wrong type."""

    reason = "config"

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"config key {key!r}: {problem}")

    def __str__(self) -> str:
        return self.detail


class PermanentError(NewswatchError):
    """The item can never succeed as it stands (404, not a feed, no text, too large...)."""

    reason = "permanent"


class TransientError(NewswatchError):
    """The item may succeed later (timeout, 5xx, 429, connection refused, lock contention).

    `retry_after` is the delay the other side asked for, in seconds, when it said one.
    """

    reason = "transient"

    def __init__(
        self, detail: str = "", *, reason: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail, reason=reason)
        self.retry_after = retry_after


class QuerySyntaxError(PermanentError):
    """A profile query that does not parse; `position` is the 0-based character offset."""

    reason = "query_syntax"

    def __init__(self, message: str, position: int, query: str = "") -> None:
        self.position = position
        self.query = query
        super().__init__(f"{message} at position {position}")
