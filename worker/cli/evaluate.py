"""`newswatch eval`: precision and recall on the labelled sets under tests/eval/."""

from __future__ import annotations

import click

from worker.cli.state import CliState, pass_state

SETS = ("profiles", "dedupe", "claims")


@click.command("eval")
@click.argument("which", type=click.Choice([*SETS, "all"]), default="all")
@click.option("--quiet", is_flag=True, help="Print the score tables without the mistakes.")
@pass_state
def evaluate(state: CliState, which: str, quiet: bool) -> None:
    """Print precision and recall of profiles, dedupe or claims decisions (or all three)."""
    from worker.evaluate.suite import reports_for

    for report in reports_for(state.settings, SETS if which == "all" else (which,)):
        click.echo(report.format(show_errors=not quiet))
        click.echo()


COMMANDS: list[click.Command] = [evaluate]
