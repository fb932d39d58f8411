"""`newswatch claims`, `newswatch seeds load` and `newswatch eval claims` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from worker.cli import cli

ROOT = Path(__file__).resolve().parents[3]
ARTICLE = (
    "UN rights council rejects Xinjiang debate\n\n"
    "The U.N. Human Rights Council on Thursday rejected a motion to debate the OHCHR "
    "assessment of Xinjiang by 19 votes to 17, with 11 abstentions.\n\n"
    "The assessment said China's arbitrary and discriminatory detention of Uyghurs may "
    "constitute international crimes, in particular crimes against humanity.\n\n"
    '"Today the council chose to look away from the victims," said the ambassador Jane Roe.\n'
)


def invoke(tmp_path: Path, *args: str) -> tuple[int, str]:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"database_url: sqlite:///{tmp_path / 'nw.db'}\n"
        f"data_dir: {tmp_path}\n"
        f"profiles_dir: {ROOT / 'config' / 'profiles'}\n"
        f"seeds_dir: {ROOT / 'seeds'}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    return result.exit_code, result.output


def test_seeds_load_adds_the_seed_claims_once(tmp_path: Path) -> None:
    code, first = invoke(tmp_path, "seeds", "load")
    assert code == 0, first
    counts = {line.split()[0]: int(line.split()[1]) for line in first.splitlines()}
    assert set(counts) == {"xinjiang", "ohchr-assessment", "hrc-follow-up"}
    assert min(counts.values()) > 50
    code, again = invoke(tmp_path, "seeds", "load")
    assert code == 0
    assert all(int(line.split()[1]) == 0 for line in again.splitlines())


def test_claims_prints_new_and_known_with_the_nearest_known(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    code, out = invoke(tmp_path, "claims", str(path))
    assert code == 0, out
    lines = [line.strip() for line in out.splitlines()]
    vote = next(line for line in lines if "19 votes to 17" in line)
    finding = next(line for line in lines if "crimes against humanity" in line and "may" in line)
    assert vote.startswith("NEW")
    assert finding.startswith("known")
    assert any(line.startswith("nearest (") for line in lines)


def test_claims_json_has_one_object_per_claim_and_profile(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    code, out = invoke(tmp_path, "claims", "--json", "--profile", "hrc-follow-up", str(path))
    assert code == 0, out
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["profile"] for r in rows} == {"hrc-follow-up"}
    quote = next(r for r in rows if "look away" in r["text"])
    assert (quote["kind"], quote["is_new"]) == ("quote", True)
    assert quote["speaker"].endswith("Jane Roe")


def test_claims_names_a_missing_file_clearly(tmp_path: Path) -> None:
    invoke(tmp_path, "db", "upgrade")  # writes the config file the console script reads
    done = subprocess.run(
        [sys.executable, "-m", "worker", "--config", str(tmp_path / "newswatch.yaml"),
         "claims", str(tmp_path / "nope.txt")],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "neither a URL nor a readable file" in done.stderr
    assert "Traceback" not in done.stderr


# Every set in both modes where the embedding extra is installed (a developer's machine): 6
# to 7 minutes on 2 cores, past the suite's 300 s default; CI, without the extra, runs the
# lexical mode alone in under a minute.
@pytest.mark.timeout(900)
def test_eval_claims_prints_precision_and_recall_per_mode(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "eval", "claims", "--quiet")
    assert code == 0, out
    line = next(row for row in out.splitlines() if row.strip().startswith("new (lexical)"))
    precision, recall = (float(x) for x in line.split()[2:4])
    assert precision >= 0.75  # set A measured 0.93 / 0.97; a floor that catches a broken judge
    assert recall >= 0.85
    assert "embedding" in out
    assert "the held-out sets together (lexical mode)" in out  # the estimate the README quotes
    # ... and the tuned sets judged on a profile that has followed other stories first
    _, rows = out.split("each judged after half of the others or more (lexical mode)", 1)
    line = next(row for row in rows.splitlines() if row.strip().startswith("new (lexical)"))
    precision, recall = (float(x) for x in line.split()[2:4])
    assert 0.6 <= precision <= 1 and 0.6 <= recall <= 1  # 0.863 / 0.778 at 29 sets read


def test_claims_says_which_stored_article_a_text_rewrites() -> None:
    from worker.claims.report import ClaimsReport
    from worker.records import Article, Claim, ClaimVerdict, RewriteOf

    article = Article(url="http://x/blog", canonical_url="http://x/blog", title="Blog",
                      text="t", outlet="Blog", source="page")  # fmt: skip
    rewrite = RewriteOf(article_id=42, share=0.8)
    verdict = ClaimVerdict(Claim("Close to 2,400 remain held.", None, "figure", 0), "xinjiang",
                           False, "2,381 remain in detention.", 0.5, 7, rewrite,
                           "rewrite")  # fmt: skip
    report = ClaimsReport(article, ("xinjiang",), True, (verdict,))
    lines = [line.strip() for line in report.lines()]
    assert (
        "read as a rewrite of stored article 42 (80% of its claims restate that article's)" in lines
    )
    assert "known: restates the article this text rewrites" in lines
    assert report.as_dict(verdict)["rewrite_of"] == 42
    assert report.as_dict(verdict)["known_by"] == "rewrite"


def test_claims_says_why_a_restated_position_is_known() -> None:
    from worker.claims.report import ClaimsReport
    from worker.records import Article, Claim, ClaimVerdict

    article = Article(url="http://x/a", canonical_url="http://x/a", title="A", text="t",
                      outlet="Wire", source="page")  # fmt: skip
    verdict = ClaimVerdict(Claim("Beijing has long denied it.", "Beijing", "statement", 0),
                           "xinjiang", False, "China denies the claims.", 0.3,
                           known_by="position")  # fmt: skip
    lines = [
        line.strip() for line in ClaimsReport(article, ("xinjiang",), True, (verdict,)).lines()
    ]
    assert "known: restates a position on record and names nothing new" in lines
