"""The payload contract: every documented field, its type, and the choice of kind."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from alerts_helpers import NOW, make_payload

from worker.alerts import compose
from worker.records import Claim, ClaimVerdict


def test_payload_has_every_documented_field() -> None:
    payload = make_payload(7)
    assert set(payload) == {
        "schema", "id", "delivery_id", "kind", "profile", "created_at", "score", "matched",
        "through", "follows", "article", "story", "claims", "claims_new", "claims_total",
    }  # fmt: skip
    assert payload["through"] is None  # matched on its own terms
    assert payload["follows"] is None  # not as a follow-up of an earlier story
    assert payload["schema"] == "newswatch.alert/1"
    assert payload["kind"] == "new_claim"
    assert payload["profile"] == "ports"
    assert payload["score"] == 2.5
    assert payload["matched"] == [{"term": "harbour", "where": "title", "count": 1}]
    assert payload["article"] == {
        "id": 7,
        "revision": 0,
        "url": "https://example.org/news/7",
        "canonical_url": "https://example.org/news/7",
        "title": "Harbour story 7",
        "outlet": "example.org",
        "author": None,
        "language": None,
        "published": "2026-11-22T11:00:00Z",
        "first_seen": "2026-11-22T11:55:00Z",
    }
    assert payload["story"] == {"id": 1, "size": 2, "outlets": ["example.org", "example.net"]}
    json.dumps(payload)  # JSON-ready as it stands


def test_claims_are_the_profiles_own_in_article_order_with_every_field() -> None:
    claims = make_payload(7)["claims"]
    assert [c["text"] for c in claims] == ["Cranes idle since Monday.", "400 jobs will go by 2027."]
    assert claims[1] == {
        "text": "400 jobs will go by 2027.",
        "speaker": "the union",
        "kind": "figure",
        "is_new": True,
        "nearest_known": "Jobs will go.",
        "similarity": 0.31,
        "known_by": None,
    }
    assert claims[0]["is_new"] is False
    assert claims[0]["known_by"] == "words"


def test_kind_is_new_coverage_without_a_new_claim_for_the_profile() -> None:
    payload = make_payload(7, new_claim=False)
    assert payload["kind"] == "new_coverage"  # the other profile's new claim does not count
    assert payload["claims_new"] == 0
    assert payload["claims_total"] == 2


def test_no_story_yet_is_a_story_of_one() -> None:
    assert make_payload(7, story_id=None)["story"] == {
        "id": None,
        "size": 1,
        "outlets": ["example.org"],
    }


def test_new_claims_survive_the_cap() -> None:
    known = [
        ClaimVerdict(Claim(f"known {i}", None, "statement", i), "p", False, "k", 0.9)
        for i in range(compose.MAX_CLAIMS)
    ]
    new = ClaimVerdict(Claim("new one", None, "statement", 99), "p", True, None, 0.0)
    chosen = compose.select_claims([*known, new])
    assert len(chosen) == compose.MAX_CLAIMS
    assert chosen[-1] is new


def test_new_claims_are_never_dropped() -> None:
    new = [
        ClaimVerdict(Claim(f"new {i}", None, "statement", i), "p", True, None, 0.0)
        for i in range(compose.MAX_CLAIMS + 5)
    ]
    known = ClaimVerdict(Claim("known", None, "statement", 999), "p", False, "k", 0.9)
    chosen = compose.select_claims([*new, known])
    assert chosen == new


def test_stamp_and_delivery_id() -> None:
    stamped = compose.stamp(make_payload(7), alert_id=42, created_at=NOW)
    sent = compose.for_delivery(stamped, "abc")
    assert (sent["id"], sent["created_at"], sent["delivery_id"]) == (
        42,
        "2026-11-22T12:00:00Z",
        "abc",
    )


def test_times_are_utc_with_z() -> None:
    plus_two = datetime(2026, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert compose.iso(plus_two) == "2026-01-01T12:00:00Z"
    assert compose.iso(None) is None
    assert compose.parse_iso("2026-01-01T12:00:00Z") == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert compose.parse_iso("nonsense") is None


def test_digest_carries_the_alerts() -> None:
    digest = compose.build_digest(
        [make_payload(1), make_payload(2)], delivery_id="d", channel="c", created_at=NOW
    )
    assert digest["kind"] == "digest"
    assert digest["count"] == 2
    assert [a["article"]["id"] for a in digest["alerts"]] == [1, 2]
    assert compose.is_digest(digest)
    assert not compose.is_digest(make_payload(1))
