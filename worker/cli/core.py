"""The core commands: run, poll --once, ingest, db upgrade, feeds.

Imports of the pipeline happen inside the commands: `newswatch run` must set up the metrics
directory before any metric exists in the process.
"""

from __future__ import annotations

import sys

import click

from worker.cli.state import CliState, pass_state


@click.command()
@click.option(
    "--role",
    type=click.Choice(["all", "worker", "scheduler"]),
    default="all",
    show_default=True,
    help="all: worker and scheduler in one process (the embedded default); worker: consume "
    "--queues only; scheduler: the periodic ticks only (run exactly one).",
)
@click.option(
    "--queues",
    default="fetch,process,deliver",
    show_default=True,
    help="Comma-separated queues a worker consumes: fetch (I/O), process (CPU), deliver.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: two per CPU; tasks wait on I/O part of the time).",
)
@pass_state
def run(state: CliState, role: str, queues: str, concurrency: int | None) -> None:
    """Run the long-running service: poll feeds, process articles, deliver alerts."""
    from worker.runner import run_service

    run_service(state.settings, role=role, queues=queues.split(","), concurrency=concurrency)


@click.command()
@click.option("--once", is_flag=True, required=True, help="Poll every feed once, then exit.")
@pass_state
def poll(state: CliState, once: bool) -> None:
    """Poll every feed once and process everything that came in to completion (for cron)."""
    from worker.runner import poll_once

    summary = poll_once(state.settings, progress=sys.stderr.isatty())
    click.echo(summary.format())


@click.command()
@click.argument("locations", nargs=-1, required=True)
@pass_state
def ingest(state: CliState, locations: tuple[str, ...]) -> None:
    """Put articles (URLs, HTML or text files) through the pipeline, one by one."""
    from worker.runner import ingest_locations

    for location, outcome in ingest_locations(state.settings, locations):
        click.echo(f"{outcome:<10} {location}")


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: CliState) -> None:
    """Apply every database migration (also done at start by run and poll)."""
    from worker.store.migrate import current, upgrade

    url = state.settings.database_url.get_secret_value()
    upgrade(url)
    click.echo(f"database at revision {current(url)}")


@click.command("feeds")
@pass_state
def feeds_cmd(state: CliState) -> None:
    """List the feeds with their polling state, errors and next poll time."""
    from worker.runner import feed_table

    for line in feed_table(state.settings):
        click.echo(line)


COMMANDS: list[click.Command] = [run, poll, ingest, db, feeds_cmd]
