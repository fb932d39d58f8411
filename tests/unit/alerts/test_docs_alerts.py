"""docs/alerts.md documents the contract exactly: its JSON example has the real shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from alerts_helpers import NOW, make_payload

from worker.alerts import compose, outbox
from worker.alerts.channels import webhook

DOC = Path(__file__).resolve().parents[3] / "docs" / "alerts.md"


def _json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def _shape(value: Any) -> Any:
    """Keys (recursively) of dicts; the shape of a list's first item."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def test_the_documented_example_has_exactly_the_payload_shape() -> None:
    documented = json.loads(_json_blocks()[0])
    real = compose.for_delivery(compose.stamp(make_payload(7), alert_id=1, created_at=NOW), "k")
    assert _shape(documented) == _shape(real)
    assert documented["delivery_id"] == outbox.alert_key(734, "newsroom-hook")


def test_every_field_is_in_the_field_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    real = make_payload(7)
    names = [k for k in real if not isinstance(real[k], dict)]
    names += [f"article.{k}" for k in real["article"]] + [f"story.{k}" for k in real["story"]]
    names += [f"claims[].{k}" for k in real["claims"][0]]
    missing = [name for name in names if f"| `{name}`" not in text]
    assert missing == []


def test_documented_headers_are_the_ones_sent() -> None:
    text = DOC.read_text(encoding="utf-8")
    for header in (
        webhook.SIGNATURE_HEADER,
        webhook.DELIVERY_HEADER,
        webhook.TIMESTAMP_HEADER,
        webhook.EVENT_HEADER,
    ):
        assert f"`{header}`" in text


def test_the_documented_verification_snippet_accepts_a_real_signature() -> None:
    snippet = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert snippet is not None
    namespace: dict[str, Any] = {}
    exec(snippet.group(1), namespace)  # the documented receiver, run as written
    body = webhook.encode(make_payload(7))
    headers = {
        "X-Newswatch-Signature": webhook.sign(body, "change-me"),
        "X-Newswatch-Delivery": "d",
    }
    assert namespace["handle"](body, headers) == 200
    assert namespace["handle"](body + b" ", headers) == 401
