"""Confusion counts and the report every evaluation returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one binary decision (e.g. "matches profile X", "is a duplicate")."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted positive."""
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was labelled positive."""
        actual = self.tp + self.fn
        return self.tp / actual if actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        """The counts of both, under this one's name: a pooled score."""
        return Score(self.name, self.tp + other.tp, self.fp + other.fp,
                     self.fn + other.fn, self.tn + other.tn)  # fmt: skip

    def add(self, predicted: bool, actual: bool) -> Score:
        """A new Score with one more decision counted."""
        return Score(
            self.name,
            self.tp + (predicted and actual),
            self.fp + (predicted and not actual),
            self.fn + (not predicted and actual),
            self.tn + (not predicted and not actual),
        )


@dataclass(frozen=True, slots=True)
class EvalReport:
    """The scores of one evaluation and the mistakes worth reading."""

    title: str
    items: int
    scores: tuple[Score, ...]
    errors: tuple[str, ...] = field(default_factory=tuple)

    def unlisted(self, where: str = "") -> EvalReport:
        """This report with its mistakes counted, not listed: a held-out set's, so that
        reading them stays a decision (once read, a set no longer estimates how the code does
        on text it was not shaped by). `where` names the list of held-out sets."""
        note = f"{len(self.errors)} mistakes not listed: this set is the held-out estimate"
        return EvalReport(self.title, self.items, self.scores, (note + where,))

    def format(self, *, show_errors: bool = True) -> str:
        """A plain-text table, one line a score, then the mistakes."""
        lines = [f"{self.title} ({self.items} labelled items)"]
        lines.append(f"  {'decision':<28} {'prec':>6} {'recall':>6} {'f1':>6}   tp  fp  fn  tn")
        for s in self.scores:
            lines.append(
                f"  {s.name:<28} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f" {s.tp:4d}{s.fp:4d}{s.fn:4d}{s.tn:4d}"
            )
        if show_errors and self.errors:
            lines.append("  mistakes:")
            lines.extend(f"    - {e}" for e in self.errors)
        return "\n".join(lines)
