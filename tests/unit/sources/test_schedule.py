from __future__ import annotations

import random
from datetime import UTC, datetime

from worker.config import PollConfig
from worker.sources.schedule import after_failure, after_success

NOW = datetime(2024, 1, 1, tzinfo=UTC)
POLICY = PollConfig(min_interval=60, max_interval=86400, max_backoff=3600)


def test_busy_feed_speeds_up_within_a_factor_of_the_wish() -> None:
    interval = 900.0
    for _ in range(20):
        interval = after_success(NOW, interval, 900, new_items=3, policy=POLICY).interval_s
    assert interval == 900 / 4


def test_quiet_feed_slows_down_within_a_factor_of_the_wish() -> None:
    interval = 900.0
    for _ in range(20):
        interval = after_success(NOW, interval, 900, new_items=0, policy=POLICY).interval_s
    assert interval == 900 * 4


def test_failures_back_off_exponentially_to_the_cap() -> None:
    rng = random.Random(1)
    delays = [
        (after_failure(NOW, 60, n, POLICY, rng=rng).at - NOW).total_seconds() for n in (1, 2, 3)
    ]
    assert 54 <= delays[0] <= 66 and 108 <= delays[1] <= 132 and 216 <= delays[2] <= 264
    capped = after_failure(NOW, 60, 30, POLICY, rng=rng)
    assert (capped.at - NOW).total_seconds() <= 3600 * 1.1


def test_retry_after_is_honoured() -> None:
    nxt = after_failure(NOW, 60, 1, POLICY, retry_after=1800, rng=random.Random(2))
    assert (nxt.at - NOW).total_seconds() >= 1800
