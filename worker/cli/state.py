"""What every command shares: the chosen config file, the Settings read from it once."""

from __future__ import annotations

from functools import cached_property

import click

from worker.config import Settings, load_settings


class CliState:
    """Holds the --config choice; reads Settings on first use, once."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path

    @cached_property
    def settings(self) -> Settings:
        """The Settings of this invocation."""
        return load_settings(self.config_path)


pass_state = click.make_pass_decorator(CliState)
