"""Routing: subscriptions, quiet spells, rate limits and digest windows (pure)."""

from __future__ import annotations

from datetime import timedelta

from alerts_helpers import NOW, channel, config

from worker.alerts import routing
from worker.alerts.routing import AlertFacts, ChannelTraffic

ALERT = AlertFacts(kind="new_claim", profile="ports", score=2.0, story_id=9)


def test_subscriptions_by_profile_kind_and_score() -> None:
    assert routing.subscribes(channel("a", "recording"), ALERT)
    assert not routing.subscribes(channel("a", "recording", profiles=("energy",)), ALERT)
    assert routing.subscribes(channel("a", "recording", profiles=("energy", "ports")), ALERT)
    assert not routing.subscribes(channel("a", "recording", kinds=("new_coverage",)), ALERT)
    assert not routing.subscribes(channel("a", "recording", min_score=2.5), ALERT)
    assert routing.subscribes(channel("a", "recording", min_score=2.0), ALERT)


def test_plan_routes_only_subscribed_channels_in_config_order() -> None:
    cfg = config(
        channel("b", "recording"),
        channel("x", "recording", profiles=("energy",)),
        channel("a", "recording"),
    )
    routes = routing.plan(ALERT, cfg, {}, story_alerts_last_hour=0, now=NOW)
    assert [(r.channel, r.action, r.due_at) for r in routes] == [
        ("b", "send", NOW),
        ("a", "send", NOW),
    ]


def test_quiet_spell_suppresses_after_n_alerts_of_a_story_within_the_hour() -> None:
    cfg = config(channel("a", "recording"), story_quiet_after=3)
    below = routing.plan(ALERT, cfg, {}, story_alerts_last_hour=2, now=NOW)
    at = routing.plan(ALERT, cfg, {}, story_alerts_last_hour=3, now=NOW)
    assert below[0].action == "send"
    assert at[0].action == "suppress"
    no_story = AlertFacts("new_claim", "ports", 2.0, None)
    assert routing.plan(no_story, cfg, {}, story_alerts_last_hour=99, now=NOW)[0].action == "send"


def test_rate_limit_folds_the_overflow_into_a_digest_sent_when_the_hour_has_room() -> None:
    recent = (NOW - timedelta(minutes=50), NOW - timedelta(minutes=20), NOW - timedelta(minutes=5))
    limited = channel("a", "recording", rate_limit_per_hour=3)
    route = routing.route_one(limited, ChannelTraffic(recent), quiet=False, now=NOW)
    assert route.action == "digest"
    assert route.due_at == NOW + timedelta(minutes=10)  # the oldest leaves the sliding hour
    under = routing.route_one(limited, ChannelTraffic(recent[1:]), quiet=False, now=NOW)
    assert under.action == "send"


def test_room_at_counts_messages_over_the_limit() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (59, 40, 30, 10)]
    assert routing.room_at(recent, 2, NOW) == NOW + timedelta(minutes=30)  # two must leave
    assert routing.room_at(recent, None, NOW) == NOW
    assert routing.room_at(recent, 5, NOW) == NOW


def test_digest_mode_opens_a_window_and_an_open_digest_takes_everything() -> None:
    digesting = channel("a", "recording", digest="15m")
    opened = routing.route_one(digesting, ChannelTraffic(), quiet=False, now=NOW)
    assert (opened.action, opened.due_at) == ("digest", NOW + timedelta(minutes=15))
    plain = channel("b", "recording")
    joined = routing.route_one(plain, ChannelTraffic(open_digest=True), quiet=False, now=NOW)
    assert joined.action == "digest"


def test_digest_window_respects_the_rate_limit_too() -> None:
    recent = (NOW - timedelta(minutes=30),)
    both = channel("a", "recording", digest="5m", rate_limit_per_hour=1)
    route = routing.route_one(both, ChannelTraffic(recent), quiet=False, now=NOW)
    assert route.due_at == NOW + timedelta(minutes=30)


def test_quiet_wins_over_everything() -> None:
    digesting = channel("a", "recording", digest="15m")
    route = routing.route_one(digesting, ChannelTraffic(open_digest=True), quiet=True, now=NOW)
    assert route.action == "suppress"
