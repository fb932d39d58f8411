"""When to poll a feed next: adaptive interval on success, exponential backoff on failure.

Pure functions: the clock and the random source are passed in. All polling policy lives here,
so the repo function that records a poll only applies what these return.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from worker.config import PollConfig

# An interval shrinks by this factor after a poll with new items and grows by GROW after an
# empty one: a busy feed converges on its rhythm within a few polls, a quiet one slows gently.
SHRINK = 0.75
GROW = 1.25
# Adaptation stays within this factor of the interval the user configured: their wish rules.
ADAPT_RANGE = 4.0
# Backoff jitter, as a fraction of the delay: spreads retries of feeds that failed together.
JITTER = 0.1


@dataclass(frozen=True, slots=True)
class NextPoll:
    """The policy's verdict: when to poll again and the interval to remember."""

    at: datetime
    interval_s: float


def after_success(
    now: datetime, interval_s: float, configured_s: float, new_items: int, policy: PollConfig
) -> NextPoll:
    """Next poll after a successful fetch (200 or 304)."""
    factor = SHRINK if new_items else GROW
    low = max(policy.min_interval, configured_s / ADAPT_RANGE)
    high = min(policy.max_interval, configured_s * ADAPT_RANGE)
    interval = min(high, max(low, interval_s * factor))
    return NextPoll(now + timedelta(seconds=interval), interval)


def after_failure(
    now: datetime,
    interval_s: float,
    failures: int,
    policy: PollConfig,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> NextPoll:
    """Next poll after the `failures`-th failure in a row: doubling, capped, jittered.

    A Retry-After from the server is honoured when it asks for more than the backoff.
    """
    exponent = min(failures - 1, 20)  # 2**20 intervals exceeds any cap; avoids huge floats
    delay = min(policy.max_backoff, interval_s * (2**exponent))
    delay *= 1 + JITTER * (rng or random).uniform(-1, 1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.max_backoff))
    return NextPoll(now + timedelta(seconds=delay), interval_s)
