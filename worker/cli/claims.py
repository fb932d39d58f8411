"""`newswatch claims` (what an article claims, new or known) and `newswatch seeds load`."""

from __future__ import annotations

import json

import click

from worker.cli.state import CliState, pass_state


@click.command("claims")
@click.argument("location", metavar="ARTICLE_URL_OR_FILE")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="Judge for this profile (repeatable); default: the profiles it matches.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per claim and profile.")
@pass_state
def claims_cmd(state: CliState, location: str, profiles: tuple[str, ...], as_json: bool) -> None:
    """Print an article's claims: speaker, kind, new or known, and the nearest known claim.

    Nothing is recorded: the article is judged against the known claims as they stand.
    """
    from worker.claims.report import judge_location

    report = judge_location(state.settings, location, profiles)
    if as_json:
        for verdict in report.verdicts:
            click.echo(json.dumps(report.as_dict(verdict), ensure_ascii=False))
        return
    for line in report.lines():
        click.echo(line)


@click.group()
def seeds() -> None:
    """The seed documents: the claims known when monitoring starts."""


@seeds.command("load")
@pass_state
def seeds_load(state: CliState) -> None:
    """Make every claim of seeds/ known for each profile (also done on first start)."""
    from worker.claims.report import load_seeds

    for profile, added, total in load_seeds(state.settings):
        click.echo(f"{profile:<24} {added:>5} added   {total:>6} known claims")


COMMANDS: list[click.Command] = [claims_cmd, seeds]
