"""`newswatch profiles`: list the topic profiles, draft one from seeds, test one on an article."""

from __future__ import annotations

from pathlib import Path

import click

from worker.cli.state import CliState, pass_state
from worker.records import Article


@click.group("profiles")
def profiles() -> None:
    """Topic profiles: list them, derive a draft from seed documents, test one on an article."""


@profiles.command("list")
@pass_state
def list_profiles(state: CliState) -> None:
    """List the profiles of `profiles_dir` with their thresholds and descriptions."""
    from worker.profiles.load import load_profiles

    for p in load_profiles(Path(state.settings.profiles_dir)):
        settings = f"min_score {p.min_score:g}, title_boost {p.title_boost:g}"
        if p.includes:
            settings += f", includes {', '.join(p.includes)}"
        click.echo(f"{p.name}  ({settings})")
        if p.description:
            click.echo(f"    {p.description}")


@profiles.command("derive")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--name", required=True, help="Name of the new profile (lower case, digits, '-').")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the draft YAML to this file instead of printing it.",
)
def derive(files: tuple[str, ...], name: str, output: str | None) -> None:
    """Draft a profile from seed FILES (.txt or .html), to edit before use."""
    from worker.profiles.derive import derive_profile

    text = derive_profile([Path(f) for f in files], name)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@profiles.command("test")
@click.argument("profile")
@click.argument("file_or_url")
@pass_state
def test_profile(state: CliState, profile: str, file_or_url: str) -> None:
    """Score FILE_OR_URL (.txt, .html or an http(s) URL) against PROFILE and explain it."""
    from worker.profiles.load import load_profiles
    from worker.profiles.match import Matcher

    every = load_profiles(Path(state.settings.profiles_dir))
    chosen = [p for p in every if p.name == profile]
    if not chosen:
        raise click.BadParameter(f"no profile named {profile!r}", param_hint="PROFILE")
    matcher = Matcher(every)  # all of them: the profile may match through one it includes
    article = _article(file_or_url, state)
    result = next(r for r in matcher.match(article) if r.profile == profile)
    click.echo(f"profile: {profile}\ntitle:   {article.title}")
    beside = "".join(f"; {bar:g} where {name} matches" for name, bar in chosen[0].min_score_beside)
    click.echo(f"score:   {result.score:g} (min_score {chosen[0].min_score:g}{beside})")
    through = f", through {result.through}" if result.through else ""
    click.echo(f"matched: {'yes' if result.matched else 'no'}{through}")
    failed = [gate for gate, ok in matcher.gates(article, profile).items() if not ok]
    if failed:
        click.echo(f"not met{' on its own' if result.through else ''}: {', '.join(failed)}")
    click.echo(f"  {'where':<6} {'count':>5}  term")
    for hit in result.hits:
        click.echo(f"  {hit.where:<6} {hit.count:>5}  {hit.term}")


def _article(location: str, state: CliState) -> Article:
    if location.startswith(("http://", "https://")):
        from worker.pipeline import article_from_location

        return article_from_location(location, state.settings)
    path = Path(location)
    if not path.is_file():
        raise click.BadParameter(f"{location} is not a readable file", param_hint="FILE_OR_URL")
    return article_from_file(path)


def article_from_file(path: Path) -> Article:
    """An Article from a .html file (trafilatura) or a .txt file (front matter or first line)."""
    import yaml

    from worker.profiles.derive import read_document

    raw = read_document(path)
    title, text = "", raw
    if raw.startswith("---\n") and raw.count("---\n") >= 2:
        _, header, text = raw.split("---\n", 2)
        meta = yaml.safe_load(header)
        title = str(meta.get("title", "")) if isinstance(meta, dict) else ""
    elif path.suffix.lower() not in (".html", ".htm"):
        title = next((line.strip() for line in raw.splitlines() if line.strip()), "")
    if path.suffix.lower() in (".html", ".htm"):
        import trafilatura

        meta_title = trafilatura.extract_metadata(
            path.read_text(encoding="utf-8", errors="replace")
        )
        title = str(getattr(meta_title, "title", "") or "")
    url = path.resolve().as_uri()
    return Article(url, url, title, text.strip(), path.name, "file")


COMMANDS: list[click.Command] = [profiles]
