"""Builders shared by the alert tests: article rows, payloads, a loopback receiver."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from werkzeug import Request, Response

from worker.alerts import compose
from worker.config import AlertsConfig, ChannelConfig
from worker.records import Article, Claim, ClaimVerdict, MatchResult, StoryRef, TermHit
from worker.store import models

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRET_TOKEN = "T0KEN-s3cr3t-abcdef"  # what a webhook URL's token looks like to the tests


def add_article(session: Any, n: int, outlet: str = "example.org") -> int:
    """Insert an article row (alerts reference articles) and return its id."""
    row = models.Article(
        url=f"https://{outlet}/news/{n}",
        canonical_url=f"https://{outlet}/news/{n}",
        title=f"Harbour story {n}",
        text_hash=f"{n:064d}",
        outlet=outlet,
        source="page",
    )
    session.add(row)
    session.flush()
    return row.id


def make_payload(
    article_id: int,
    *,
    profile: str = "ports",
    new_claim: bool = True,
    story_id: int | None = 1,
    score: float = 2.5,
    title: str | None = None,
) -> dict[str, Any]:
    """A payload as the pipeline would build it for one article."""
    article = Article(
        url=f"https://example.org/news/{article_id}",
        canonical_url=f"https://example.org/news/{article_id}",
        title=title or f"Harbour story {article_id}",
        text="",
        outlet="example.org",
        source="page",
        published=NOW - timedelta(hours=1),
    )
    claims = [
        ClaimVerdict(Claim("Cranes idle since Monday.", None, "statement", 0), profile, False,
                     "Cranes have been idle since Monday.", 0.92, known_by="words"),
        ClaimVerdict(Claim("400 jobs will go by 2027.", "the union", "figure", 3, ("400",)),
                     profile, new_claim, "Jobs will go.", 0.31,
                     known_by=None if new_claim else "words"),
        ClaimVerdict(Claim("Other profile claim.", None, "statement", 1), "other", True, None, 0.0),
    ]  # fmt: skip
    story = StoryRef(story_id, 2, ("example.org", "example.net")) if story_id else None
    return compose.build_payload(
        profile=profile,
        article=article,
        article_id=article_id,
        first_seen=NOW - timedelta(minutes=5),
        match=MatchResult(profile, score, True, (TermHit("harbour", "title", 1),)),
        verdicts=claims,
        story=story,
    )


def channel(name: str, kind: str, url: str | None = None, **extra: Any) -> ChannelConfig:
    """A ChannelConfig with its URL (and secret) as secrets."""
    secret = extra.pop("secret", None)
    return ChannelConfig(
        name=name,
        type=kind,  # type: ignore[arg-type]
        url=SecretStr(url) if url else None,
        secret=SecretStr(secret) if secret else None,
        **extra,
    )


def config(*channels: ChannelConfig, **extra: Any) -> AlertsConfig:
    """An AlertsConfig with short delays so injected clocks move little."""
    extra.setdefault("base_delay", 1.0)
    extra.setdefault("max_delay", 60.0)
    return AlertsConfig(channels=channels, **extra)


@dataclass
class Receiver:
    """A loopback webhook receiver with scripted failures, deduping on the delivery id.

    `script` lists what the next requests get: "ok", "500", "429" (Retry-After: 7), "slow"
    (sleeps past the client timeout, then 503), "404". When it is empty every request is ok.
    """

    script: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # delivery ids, first time each
    slow_s: float = 0.6
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Response:
        body = request.get_data()
        with self.lock:
            step = self.script.pop(0) if self.script else "ok"
            self.requests.append((request.full_path, dict(request.headers), body))
        if step == "slow":
            time.sleep(self.slow_s)
            return Response("slow", status=503)
        if step == "429":
            return Response("{}", status=429, headers={"Retry-After": "7"})
        if step != "ok":
            return Response("no", status=int(step))
        key = request.headers.get("X-Newswatch-Delivery") or _body_key(body)
        with self.lock:
            if key not in self.accepted:
                self.accepted.append(key)
        status = 202 if "/teams" in request.path else 200
        return Response('{"id": "1"}', status=status, content_type="application/json")

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of every request, in arrival order."""
        return [json.loads(body) for _path, _headers, body in self.requests]


def _body_key(body: bytes) -> str:
    """Chat formats carry no delivery id: identify a message by its bytes."""
    return body.decode()
