"""What the `claims` and `seeds load` commands show, computed by the library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worker.config import Settings
from worker.errors import PermanentError
from worker.records import Article, ClaimVerdict
from worker.services import Services
from worker.store.models import KnownClaim

# Why a claim is known, where its nearest known claim's words alone would not say so (the
# similarity shown can be low): the two rules that read the text whole (claims/novelty.py).
_KNOWN_BY = {
    "rewrite": "restates the article this text rewrites",
    "position": "restates a position on record and names nothing new",
    "recap": "retells what a document on record found or asked and names nothing new",
}


@dataclass(frozen=True, slots=True)
class ClaimsReport:
    """An article's claims judged for some profiles, and why those profiles."""

    article: Article
    profiles: tuple[str, ...]
    matched: bool  # False: the article matched no profile, so every profile was used
    verdicts: tuple[ClaimVerdict, ...]

    def lines(self) -> list[str]:
        """Plain text: a header, then each claim with its verdict and nearest known claim."""
        why = "matched" if self.matched else "no profile matched; judged for every profile"
        out = [f"{self.article.title or self.article.url}",
               f"profiles: {', '.join(self.profiles) or '(none)'} ({why})"]  # fmt: skip
        for profile in self.profiles:
            own = [v for v in self.verdicts if v.profile == profile]
            new = sum(v.is_new for v in own)
            out.append(f"\n[{profile}] {len(own)} claims, {new} new")
            rewrite = next((v.rewrite_of for v in own if v.rewrite_of), None)
            if rewrite is not None:
                restating = f"{rewrite.share:.0%} of its claims restate that article's"
                out.append(
                    f"  read as a rewrite of stored article {rewrite.article_id} ({restating})"
                )
            for v in own:
                mark = "NEW  " if v.is_new else "known"
                who = v.claim.speaker or "-"
                out.append(f"  {mark} {v.claim.kind:<9} {who[:28]:<28} {v.claim.text}")
                if v.known_by in _KNOWN_BY:
                    out.append(f"        known: {_KNOWN_BY[v.known_by]}")
                if v.nearest_known:
                    out.append(f"        nearest ({v.similarity:.2f}): {v.nearest_known}")
        return out

    def as_dict(self, verdict: ClaimVerdict) -> dict[str, Any]:
        """One verdict as the alert payload shows claims, plus its profile."""
        c = verdict.claim
        return {
            "profile": verdict.profile, "text": c.text, "speaker": c.speaker, "kind": c.kind,
            "figures": list(c.figures), "is_new": verdict.is_new,
            "nearest_known": verdict.nearest_known, "similarity": round(verdict.similarity, 3),
            "rewrite_of": verdict.rewrite_of.article_id if verdict.rewrite_of else None,
            "known_by": verdict.known_by,
        }  # fmt: skip


def judge_location(settings: Settings, location: str, profiles: Sequence[str]) -> ClaimsReport:
    """Load an article (URL or file), judge its claims; records nothing."""
    from worker import pipeline
    from worker.claims.extract import read_claims
    from worker.runner import prepare
    from worker.services import build_services

    prepare(settings)
    svc = build_services(settings)
    try:
        pipeline.ensure_seed_claims(svc)
        article = pipeline.load_article(svc, location)
        chosen, matched = _profiles_for(svc, article, profiles)
        claims, transcript = read_claims(article.text, article.outlet)
        with svc.db.session_scope() as session:
            verdicts = svc.claims.judge(session, claims, chosen, transcript=transcript)
        return ClaimsReport(article, tuple(chosen), matched, tuple(verdicts))
    finally:
        svc.close()


def load_seeds(settings: Settings) -> list[tuple[str, int, int]]:
    """Load the seeds' claims where missing: (profile, added, known claims now) each."""
    from worker import pipeline
    from worker.runner import prepare
    from worker.services import build_services

    prepare(settings)
    svc = build_services(settings)
    try:
        names = [p.name for p in svc.matcher.profiles]
        with svc.db.session_scope() as session:
            before = _counts(session, names)
        pipeline.ensure_seed_claims(svc)
        with svc.db.session_scope() as session:
            after = _counts(session, names)
        return [(n, after[n] - before[n], after[n]) for n in names]
    finally:
        svc.close()


def _counts(session: Session, names: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(KnownClaim.profile, func.count()).group_by(KnownClaim.profile)
    ).all()
    found: dict[str, int] = {profile: count for profile, count in rows}  # noqa: C416
    return {n: found.get(n, 0) for n in names}


def _profiles_for(svc: Services, article: Article, asked: Sequence[str]) -> tuple[list[str], bool]:
    names = [p.name for p in svc.matcher.profiles]
    if asked:
        unknown = [p for p in asked if p not in names]
        if unknown:
            raise PermanentError(f"no profile named {', '.join(unknown)} (have: "
                                 f"{', '.join(names)})", reason="bad_input")  # fmt: skip
        return list(asked), True
    matched = [m.profile for m in svc.matcher.match(article) if m.matched]
    return (matched, True) if matched else (names, False)
