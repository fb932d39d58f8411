"""Which channels get an alert, and how: now, folded into a digest, or suppressed.

Pure: the outbox gathers the facts (recent traffic per channel, alerts per story) from the
database and hands them in with the clock's `now`; nothing here reads a clock or a table.

The rules, in the order they apply (docs/alerts.md says the same for operators):

1. Subscription: a channel takes an alert when its `profiles` is empty or names the alert's
   profile, its `kinds` names the alert's kind, and the score is at least `min_score`.
2. Quiet spell: once a story has had `story_quiet_after` alerts within the last hour, its
   further alerts are `suppressed` on every channel (recorded and counted, never sent) until
   the story's rate drops below that again. A flood of copies is one story, not news.
3. An open digest for the channel takes the alert, so nothing overtakes a digest.
4. Digest mode (`digest: 15m`): the alert opens a digest that is sent when the window ends.
5. Rate limit (`rate_limit_per_hour`): when the channel already has that many messages in
   the sliding last hour, the alert is never dropped: it opens an overflow digest that is
   sent when the hour has room again, and later alerts join it until it is sent. A channel
   therefore gets at most its limit in messages per hour plus the digest that carries the
   overflow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from worker.config import AlertsConfig, ChannelConfig

# Rate limits and quiet spells count over a sliding hour: chat rate limits and newsroom
# attention are both spoken of per hour, and `rate_limit_per_hour` names it.
WINDOW = timedelta(hours=1)

Action = Literal["send", "digest", "suppress"]


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What routing needs to know about one alert."""

    kind: str
    profile: str
    score: float
    story_id: int | None


@dataclass(frozen=True, slots=True)
class ChannelTraffic:
    """A channel's recent traffic, as the outbox found it."""

    recent_messages: Sequence[datetime] = ()  # creation times of messages in the last hour
    open_digest: bool = False  # a digest for the channel waits to be sent


@dataclass(frozen=True, slots=True)
class Route:
    """The decision for one channel; `due_at` is when a newly opened message is sent."""

    channel: str
    action: Action
    due_at: datetime


def subscribes(channel: ChannelConfig, alert: AlertFacts) -> bool:
    """True when the channel's profiles, kinds and min_score take this alert."""
    if channel.profiles and alert.profile not in channel.profiles:
        return False
    if alert.kind not in channel.kinds:
        return False
    return alert.score >= channel.min_score


def is_quiet(story_alerts_last_hour: int, quiet_after: int) -> bool:
    """True when a story has had `quiet_after` alerts within the last hour already."""
    return story_alerts_last_hour >= quiet_after


def room_at(recent: Sequence[datetime], limit: int | None, now: datetime) -> datetime:
    """The earliest time the channel may send another message under its hourly limit."""
    if limit is None or len(recent) < limit:
        return now
    ordered = sorted(recent)
    # Room returns when enough of the oldest messages leave the sliding hour.
    return max(now, ordered[len(ordered) - limit] + WINDOW)


def route_one(
    channel: ChannelConfig, traffic: ChannelTraffic, *, quiet: bool, now: datetime
) -> Route:
    """The decision for one subscribed channel (rules 2 to 5 of the module docstring)."""
    if quiet:
        return Route(channel.name, "suppress", now)
    if traffic.open_digest:
        return Route(channel.name, "digest", now)
    slot = room_at(traffic.recent_messages, channel.rate_limit_per_hour, now)
    if channel.digest is not None:
        return Route(channel.name, "digest", max(slot, now + timedelta(seconds=channel.digest)))
    if slot > now:
        return Route(channel.name, "digest", slot)
    return Route(channel.name, "send", now)


def plan(
    alert: AlertFacts,
    config: AlertsConfig,
    traffic: Mapping[str, ChannelTraffic],
    *,
    story_alerts_last_hour: int,
    now: datetime,
) -> list[Route]:
    """One Route per channel that subscribes to `alert`, in configuration order."""
    quiet = alert.story_id is not None and is_quiet(
        story_alerts_last_hour, config.story_quiet_after
    )
    return [
        route_one(channel, traffic.get(channel.name, ChannelTraffic()), quiet=quiet, now=now)
        for channel in config.channels
        if subscribes(channel, alert)
    ]
