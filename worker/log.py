"""Logging: JSON lines when stderr is not a terminal, readable lines when it is.

A redaction filter replaces anything that looks like a webhook token or a URL's userinfo
and query string before a record is written, so secrets never reach the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from worker.config import LogConfig

# Webhook URLs carry their token in the path (Slack, Discord, Teams) or query; credentials
# in userinfo. Anything matching is masked.
_SECRET_PATTERNS = (
    re.compile(r"(https?://)[^/\s:@]+:[^/\s@]+@"),  # user:password@
    re.compile(r"(https?://hooks\.slack\.com/)\S+"),
    re.compile(r"(https?://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/)\S+"),
    re.compile(r"(https?://[^\s/]*(?:logic\.azure\.com|webhook\.office\.com)\S*?)(\?\S+)"),
    re.compile(r"(https?://[^\s/]+/hooks/)\S+"),  # Mattermost incoming webhooks
)
_MASK = "***"


def redact(text: str) -> str:
    """The text with webhook tokens and credentials masked."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + _MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in the formatted message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the context fields records carry."""

    CONTEXT = ("task_id", "feed", "url", "entry_id", "article_id", "reason")

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.CONTEXT:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def setup_logging(config: LogConfig) -> None:
    """Configure the root logger once for this process."""
    use_json = config.format == "json" or (config.format == "auto" and not sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter()
        if use_json
        else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.level)
