"""Documentation cannot drift: every command has help and is in the README, every metric is
documented, and the alert payload contract is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from worker.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, full + " "))
    return found


COMMANDS = _commands(cli)


def test_there_are_commands() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"run", "poll", "ingest", "db upgrade", "eval"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_and_is_in_readme(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`newswatch {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"option {param.opts} of {name} has no help"
    top, *rest = name.split(" ")
    if rest:
        pattern = rf"newswatch {re.escape(top)}[^`]*\b{re.escape(rest[-1])}\b"
    else:
        pattern = rf"newswatch {re.escape(top)}\b"
    assert re.search(pattern, README), f"`newswatch {name}` is not in the README"


def test_every_metric_is_documented() -> None:
    source = (ROOT / "worker" / "metrics.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(newswatch_[a-z_]+)"', source))
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = sorted(n for n in names if n not in doc)
    assert names and not missing, f"metrics missing from docs/operations.md: {missing}"


def test_webhook_payload_contract_is_documented() -> None:
    doc = (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8")
    for field in ("id", "kind", "profile", "article.url", "article.title", "article.outlet",
                  "article.published", "story.id", "story.size", "score", "matched", "follows",
                  "claims", "nearest_known", "similarity", "X-Newswatch-Signature"):  # fmt: skip
        assert field in doc, f"{field} is not documented in docs/alerts.md"
    assert "docs/alerts.md" in README


def test_ci_runs_the_readme_test_command() -> None:
    section = README.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    # One block a command, so that neither can be read as the other's second line.
    assert [b.strip() for b in blocks] == ["make run", "make check"], blocks
    test_command = blocks[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test_command == "make check"
