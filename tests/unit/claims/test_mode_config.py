"""`claims: {mode: embedding}` needs its extra: without it the start fails naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.claims import embedding
from worker.config import load_settings
from worker.errors import ConfigError


def test_embedding_mode_is_checked_at_start(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("claims: {mode: embedding}\n", encoding="utf-8")
    if embedding.available():
        assert load_settings(str(config)).claims.mode == "embedding"
    else:
        with pytest.raises(ConfigError) as caught:
            load_settings(str(config))
        assert "claims.mode" in str(caught.value)
        assert "pip install 'newswatch[embedding]'" in str(caught.value)


def test_an_unknown_mode_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("claims: {mode: semantic}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"claims\.mode"):
        load_settings(str(config))
