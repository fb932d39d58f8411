"""`newswatch` commands of this area (being built; see the README for what exists)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
