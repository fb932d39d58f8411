"""The `newswatch` command: a thin layer over the library.

Each command parses its arguments, calls the same functions the Celery tasks call, and
prints. A NewswatchError becomes one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from worker.cli.state import CliState
from worker.errors import ConfigError, NewswatchError

EXIT_CONFIG = 2  # the same code click uses for usage errors: the invocation is wrong
EXIT_FAILED = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="YAML settings file (default: $NEWSWATCH_CONFIG or config/newswatch.yaml).",
)
@click.version_option(package_name="newswatch")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """newswatch: monitor news feeds for topics, copies and new claims; alert to chat."""
    ctx.obj = CliState(config_path)


def _register() -> None:
    from worker.cli import alerts, claims, core, evaluate, profiles

    for module in (core, profiles, claims, alerts, evaluate):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    try:
        cli.main(args=argv, prog_name="newswatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_FAILED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        sys.exit(EXIT_FAILED)
