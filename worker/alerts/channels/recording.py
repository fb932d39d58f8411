"""An in-memory channel for tests and development: it keeps what it was sent.

`failures` scripts what the next sends raise (a fake, not a mock): each send takes the
next error from the front of the list, and records the message only when none is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.errors import NewswatchError


@dataclass
class Sent:
    """One message a RecordingChannel received."""

    delivery_id: str
    message: dict[str, Any]


@dataclass
class RecordingChannel:
    """Records every message; raises scripted failures first."""

    name: str
    sent: list[Sent] = field(default_factory=list)
    failures: list[NewswatchError] = field(default_factory=list)

    def send(self, message: Mapping[str, Any], *, delivery_id: str) -> None:
        """Raise the next scripted failure, or record the message."""
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(Sent(delivery_id, dict(message)))
