"""The per-process bundle of collaborators, built once from Settings.

Tasks, `poll --once` and `ingest` all receive a Services; tests build one with in-memory
parts (a frozen clock, a recording channel, a memory dedupe index) instead of patching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx

from worker.config import Settings
from worker.net import build_client
from worker.robots import HostThrottle, RobotsCache
from worker.store.db import Database
from worker.store.models import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from worker.alerts.channels import Channel
    from worker.claims.novelty import ClaimJudge
    from worker.dedupe.index import DedupeIndex
    from worker.profiles.match import Matcher
    from worker.profiles.prefilter import PageFilter


@dataclass
class Services:
    """Everything a pipeline function needs besides its arguments."""

    settings: Settings
    db: Database
    http: httpx.Client
    robots: RobotsCache | None
    throttle: HostThrottle
    clock: Callable[[], datetime] = utcnow
    extras: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def matcher(self) -> Matcher:
        """The profiles of `profiles_dir`, compiled once per process."""
        from pathlib import Path

        from worker.profiles.load import load_profiles
        from worker.profiles.match import Matcher

        return Matcher(load_profiles(Path(self.settings.profiles_dir)))

    @cached_property
    def page_filter(self) -> PageFilter | None:
        """The test pages pass before extraction; None when every article is kept."""
        from worker.profiles.prefilter import PageFilter

        return None if self.settings.keep_off_topic else PageFilter(self.matcher.profiles)

    @property
    def dedupe_backend(self) -> str:
        """Where the dedupe index lives: `auto` is Redis with a Redis broker, else SQL."""
        backend = self.settings.dedupe.backend
        if backend == "auto":
            return "redis" if self.settings.broker_is_redis else "sql"
        return backend

    @cached_property
    def _memory_index(self) -> DedupeIndex:
        from worker.dedupe.index import MemoryIndex

        return MemoryIndex()

    @cached_property
    def _redis_index_client(self) -> Any:
        """The Redis client of the dedupe index: one connection pool per process."""
        import redis

        url = self.settings.dedupe.redis_url or (
            self.settings.broker_url.get_secret_value() if self.settings.broker_url else ""
        )
        return redis.Redis.from_url(url)

    def index_for(self, session: Session) -> DedupeIndex:
        """The dedupe index to use inside `session`'s transaction."""
        backend = self.dedupe_backend
        if backend == "sql":
            from worker.dedupe.index import SqlIndex

            return SqlIndex(session)
        if backend == "redis":
            from worker.dedupe.redis_index import RedisIndex

            return RedisIndex(self._redis_index_client, session)
        return self._memory_index

    def dedupe_index_size(self, session: Session) -> int:
        """Articles in the dedupe index, wherever it lives (the metrics gauge)."""
        return self.index_for(session).size()

    @cached_property
    def claims(self) -> ClaimJudge:
        """The claim extractor and novelty judge of this process (its known-claims cache)."""
        from worker.claims.novelty import ClaimJudge

        return ClaimJudge(self.settings.claims.mode)

    @cached_property
    def channels(self) -> dict[str, Channel]:
        """The configured alert channels, with their own HTTP client (no redirects)."""
        from worker.alerts.channels import build_channels

        return dict(build_channels(self.settings.alerts, self._channel_http))

    @cached_property
    def _channel_http(self) -> httpx.Client:
        from worker.alerts.channels import build_http_client

        return build_http_client()

    def close(self) -> None:
        """Release connections (at shutdown, and in tests)."""
        self.http.close()
        if "_channel_http" in self.__dict__:  # only if a channel was ever used
            self._channel_http.close()
        self.db.dispose()


def build_services(
    settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] = utcnow
) -> Services:
    """Services from Settings: the real database, HTTP client, robots cache and throttle."""
    database = db or Database.from_url(settings.database_url.get_secret_value())
    http = build_client(settings.fetch)
    robots = (
        RobotsCache(
            http,
            settings.fetch.user_agent,
            ttl=settings.fetch.robots_cache_ttl,
            timeout=settings.fetch.timeout,
        )
        if settings.fetch.respect_robots
        else None
    )
    return Services(
        settings=settings,
        db=database,
        http=http,
        robots=robots,
        throttle=HostThrottle(settings.fetch.per_host_delay),
        clock=clock,
    )
