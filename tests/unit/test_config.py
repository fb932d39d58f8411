from __future__ import annotations

from pathlib import Path

import pytest

from worker.config import load_settings, parse_duration
from worker.errors import ConfigError


def test_shipped_config_loads() -> None:
    settings = load_settings(Path(__file__).parents[2] / "config" / "newswatch.yaml", environ={})
    assert len(settings.feeds) >= 10
    assert settings.broker_url is None


def test_env_overrides_nested_keys(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"NEWSWATCH_FETCH__TIMEOUT": "5", "NEWSWATCH_BROKER_URL": "redis://h:1/0"}
    )
    assert settings.fetch.timeout == 5.0
    assert settings.broker_is_redis


def test_typo_names_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("fetch:\n  timout: 3\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    assert err.value.key == "fetch.timout"
    assert "unknown key" in str(err.value)


def test_bad_value_names_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("feeds:\n  - url: ftp://example.com/feed\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    assert err.value.key == "feeds.0.url"


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml", environ={})


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("feeds: [\n  - url: x\n")
    with pytest.raises(ConfigError, match="line"):
        load_settings(cfg, environ={})


def test_secrets_are_masked_in_repr(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "alerts:\n  channels:\n    - name: room\n      type: slack\n"
        "      url: https://hooks.slack.com/services/T0/B0/SECRETTOKEN\n"
    )
    settings = load_settings(cfg, environ={"NEWSWATCH_DATABASE_URL": "postgresql://u:pw@h/d"})
    assert "SECRETTOKEN" not in repr(settings)
    assert "pw@" not in repr(settings)


@pytest.mark.parametrize(("raw", "seconds"), [(30, 30.0), ("90s", 90.0), ("15m", 900.0),
                                               ("1h", 3600.0), ("1d", 86400.0)])  # fmt: skip
def test_durations(raw: object, seconds: float) -> None:
    assert parse_duration(raw) == seconds
