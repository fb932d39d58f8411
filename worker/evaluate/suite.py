"""Runs the evaluations by name; each module returns EvalReports from the real code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from worker.config import Settings
from worker.evaluate.report import EvalReport


def reports_for(settings: Settings, names: Iterable[str]) -> Iterator[EvalReport]:
    """The reports of the named evaluations, in order."""
    for name in names:
        if name == "profiles":
            from worker.evaluate import profiles

            yield from profiles.run_all(settings)
        elif name == "dedupe":
            from worker.evaluate import dedupe

            yield dedupe.run(settings)
        elif name == "claims":
            from worker.evaluate import claims

            yield from claims.run_all(settings)
        else:
            raise ValueError(f"no evaluation named {name!r}")
