"""Settings: read once at start from YAML plus NEWSWATCH_* environment variables.

This is the only module that reads `os.environ`. Everything else receives a frozen
`Settings`. A typo or a bad value fails with `ConfigError(key, problem)`, one line naming the
key. Secrets (webhook URLs carry tokens, signing secrets) are `SecretStr` and print as '**********'.

Environment overrides: `NEWSWATCH_DATABASE_URL` sets `database_url`; nested keys use a double
underscore, `NEWSWATCH_FETCH__TIMEOUT=5` sets `fetch.timeout`. Values are parsed as YAML
scalars, so `NEWSWATCH_FETCH__ALLOW_PRIVATE_NETWORKS=true` is a boolean.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from worker.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("config/newswatch.yaml")
ENV_PREFIX = "NEWSWATCH_"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(value: object) -> float:
    """Seconds from `90`, `"90s"`, `"15m"`, `"1h"` or `"1d"`."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30, '90s', '15m' or '1h'")
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration such as 30, '90s', '15m' or '1h'")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


Seconds = Annotated[float, BeforeValidator(parse_duration), Field(gt=0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FeedConfig(_Frozen):
    """One feed to poll. `interval` is the wished polling interval (adapted within limits)."""

    url: str
    name: str | None = None
    interval: Seconds | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValueError(f"{url!r} is not an http(s) URL")
        return url

    @property
    def display_name(self) -> str:
        """The name metrics and logs use: the configured one, else the host."""
        if self.name:
            return self.name
        return re.sub(r"^https?://", "", self.url).split("/", 1)[0]


class FetchConfig(_Frozen):
    """How pages and feeds are fetched."""

    timeout: Seconds = 20.0  # a slow news site answers within seconds; 20 s covers bad days
    max_bytes: int = Field(default=10_000_000, gt=0)  # the largest real article pages are ~3 MB
    max_redirects: int = Field(default=5, ge=0)
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    allow_private_networks: bool = False
    respect_robots: bool = True
    robots_cache_ttl: Seconds = 86400.0  # RFC 9309 asks caches not to keep robots.txt > 24 h
    per_host_delay: float = Field(default=1.0, ge=0)
    concurrency: int = Field(default=8, ge=1)  # fetch threads: `poll --once`, and per worker


class PollConfig(_Frozen):
    """Feed polling schedule and backoff."""

    default_interval: Seconds = 900.0  # 15 min: the rhythm of news sites and GDELT
    min_interval: Seconds = 120.0
    max_interval: Seconds = 86400.0
    max_backoff: Seconds = 86400.0  # a failing feed is still tried daily, never forgotten
    max_entries: int = Field(default=1000, gt=0)  # entries taken from one poll
    tick: Seconds = 10.0  # how often the scheduler looks for due feeds and deliveries


class DedupeConfig(_Frozen):
    """Where the dedupe index lives: `auto` is Redis when the broker is Redis, else SQL."""

    backend: Literal["auto", "sql", "redis", "memory"] = "auto"
    redis_url: str | None = None


class ClaimsConfig(_Frozen):
    """Novelty mode: `lexical` needs nothing extra; `embedding` needs the extra installed."""

    mode: Literal["lexical", "embedding"] = "lexical"

    @field_validator("mode")
    @classmethod
    def _extra_installed(cls, mode: str) -> str:
        # Fail at start, naming the key, rather than in the first task that judges a claim.
        if mode == "embedding":
            from worker.claims import embedding

            if not embedding.available():
                raise ValueError(embedding.INSTALL_HINT)
        return mode


class ChannelConfig(_Frozen):
    """One chat destination, its subscriptions and volume limits."""

    name: str
    type: Literal["slack", "discord", "teams", "mattermost", "webhook", "recording"]
    url: SecretStr | None = None
    secret: SecretStr | None = None
    profiles: tuple[str, ...] = ()  # empty: every profile
    kinds: tuple[Literal["new_coverage", "new_claim"], ...] = ("new_coverage", "new_claim")
    rate_limit_per_hour: int | None = Field(default=None, gt=0)
    digest: Seconds | None = None  # gather alerts arriving within this window into one
    min_score: float = 0.0

    @field_validator("name")
    @classmethod
    def _label_safe(cls, name: str) -> str:
        if not re.match(r"^[A-Za-z0-9_.-]{1,64}$", name):
            raise ValueError("use letters, digits, '-', '_' or '.' (it becomes a metric label)")
        return name


class AlertsConfig(_Frozen):
    """Alert channels and delivery policy."""

    channels: tuple[ChannelConfig, ...] = ()
    max_attempts: int = Field(default=8, ge=1)
    base_delay: Seconds = 5.0
    max_delay: Seconds = 3600.0
    story_quiet_after: int = Field(default=5, ge=1)  # alerts per story per hour before quiet


class MetricsConfig(_Frozen):
    """Where `/metrics` and `/healthz` are served by `newswatch run`."""

    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)  # 0 disables the endpoint
    multiproc_dir: str | None = None


class LogConfig(_Frozen):
    """Log format: `auto` is JSON when stderr is not a terminal."""

    format: Literal["auto", "json", "console"] = "auto"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Frozen):
    """Everything newswatch reads from configuration, validated and frozen."""

    database_url: SecretStr = SecretStr("sqlite:///data/newswatch.db")
    broker_url: SecretStr | None = None
    data_dir: str = "data"
    profiles_dir: str = "config/profiles"
    seeds_dir: str = "seeds"
    # False: an article no profile matches is not stored, and a page that cannot match any
    # profile (worker/profiles/prefilter.py) is not even extracted. True keeps every article
    # (an archive: dedupe and revisions across topics), at about 2.4 times the CPU an entry
    # on the benchmark's corpus (docs/performance.md).
    keep_off_topic: bool = False
    # True: an article on a profile's subject but under its floors is matched when it
    # continues a story the profile followed (docs/profiles.md, "Follow-ups"); on by default
    # since it was judged on the held-out sets. False matches on the profile's own bars only.
    follow_stories: bool = True
    feeds: tuple[FeedConfig, ...] = ()
    fetch: FetchConfig = FetchConfig()
    poll: PollConfig = PollConfig()
    dedupe: DedupeConfig = DedupeConfig()
    claims: ClaimsConfig = ClaimsConfig()
    alerts: AlertsConfig = AlertsConfig()
    metrics: MetricsConfig = MetricsConfig()
    log: LogConfig = LogConfig()

    @property
    def broker_is_redis(self) -> bool:
        """True when tasks go through a Redis broker shared between hosts."""
        return self.broker_url is not None and self.broker_url.get_secret_value().startswith(
            ("redis://", "rediss://")
        )


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the YAML file (or the default) and the environment; raise ConfigError on any fault."""
    env = os.environ if environ is None else environ
    chosen = Path(path or env.get(f"{ENV_PREFIX}CONFIG") or DEFAULT_CONFIG_PATH)
    data = _read_yaml(chosen, explicit=path is not None or f"{ENV_PREFIX}CONFIG" in env)
    for key, value in env.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            _apply_override(data, key[len(ENV_PREFIX) :].lower().split("__"), value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise _first_problem(exc) from None


def _read_yaml(path: Path, *, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError("config", f"file {str(path)!r} does not exist")
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError("config", f"{path} is not valid YAML{where}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError("config", f"{path} must hold a mapping of keys at the top")
    return loaded


def _apply_override(data: dict[str, Any], keys: list[str], raw: str) -> None:
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    try:
        node[keys[-1]] = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        node[keys[-1]] = raw


def _first_problem(exc: ValidationError) -> ConfigError:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"]) or "config"
    problem = error["msg"]
    if error["type"] == "extra_forbidden":
        problem = "unknown key (a typo?)"
    elif error["type"] == "missing":
        problem = "is required"
    return ConfigError(key, problem.removeprefix("Value error, "))
