"""`newswatch alerts list | show | retry | test` against a real SQLite file and receiver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from alerts_helpers import NOW, SECRET_TOKEN, add_article, channel, config, make_payload
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from worker.alerts import outbox
from worker.alerts.channels import webhook
from worker.cli import cli
from worker.store.db import Database
from worker.store.migrate import upgrade
from worker.store.models import Delivery


@pytest.fixture
def setup(tmp_path: Path, httpserver: HTTPServer) -> tuple[Path, Database]:
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    hook = httpserver.url_for(f"/hook/{SECRET_TOKEN}")
    settings = {
        "database_url": url,
        "alerts": {
            "channels": [
                {"name": "hook", "type": "webhook", "url": hook, "secret": "shh"},
                {"name": "ops", "type": "recording"},
            ]
        },
    }
    path = tmp_path / "newswatch.yaml"
    path.write_text(yaml.safe_dump(settings))
    upgrade(url)
    db = Database.from_url(url)
    cfg = config(channel("hook", "webhook", hook), channel("ops", "recording"))
    with db.session_scope() as session:
        for n in (1, 2):
            outbox.write_alert(session, make_payload(add_article(session, n)), config=cfg, now=NOW)
    return path, db


def _run(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(path), "alerts", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_list_and_filter_by_state(setup: tuple[Path, Database]) -> None:
    path, db = setup
    lines = _run(path, "list").splitlines()
    assert len(lines) == 2
    assert lines[0].split()[0] == "2"  # newest first
    assert "hook=pending ops=pending" in lines[0]
    with db.session_scope() as session:
        row = session.get(Delivery, 1)
        assert row is not None
        outbox.mark_dead(row, NOW, "rejected")
    dead = _run(path, "list", "--state", "dead", "--limit", "5").splitlines()
    assert [line.split()[0] for line in dead] == ["1"]


def test_show_prints_the_payload_and_deliveries(setup: tuple[Path, Database]) -> None:
    path, _db = setup
    output = _run(path, "show", "1")
    payload_text, deliveries = output.split("deliveries:\n")
    assert json.loads(payload_text)["id"] == 1
    assert "hook  pending  alert  attempts=0" in deliveries
    assert SECRET_TOKEN not in output


def test_retry_requeues_dead_deliveries(setup: tuple[Path, Database]) -> None:
    path, db = setup
    with db.session_scope() as session:
        row = session.get(Delivery, 1)
        assert row is not None
        outbox.mark_dead(row, NOW, "rejected")
    assert _run(path, "retry", "1") == "re-queued 1 dead delivery of alert 1\n"
    with db.session_scope() as session:
        row = session.get(Delivery, 1)
        assert row is not None
        assert (row.state, row.attempts) == ("pending", 0)


def test_show_or_retry_of_a_missing_alert_fails_in_one_line(setup: tuple[Path, Database]) -> None:
    path, _db = setup
    from worker.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["--config", str(path), "alerts", "show", "99"])
    assert exited.value.code == 1


def test_test_sends_a_signed_sample_to_the_channel(
    setup: tuple[Path, Database], httpserver: HTTPServer
) -> None:
    path, _db = setup
    httpserver.expect_request(f"/hook/{SECRET_TOKEN}").respond_with_data("", status=204)
    output = _run(path, "test", "hook")
    assert output.startswith("delivered to hook (delivery id test-")
    request, _response = httpserver.log[-1]
    body = request.get_data()
    assert webhook.verify(body, "shh", request.headers["X-Newswatch-Signature"])
    assert json.loads(body)["kind"] == "new_claim"
    _run(path, "test", "hook", "--digest")
    assert json.loads(httpserver.log[-1][0].get_data())["count"] == 2


def test_test_reports_a_failure_without_the_url(
    setup: tuple[Path, Database], httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _db = setup
    httpserver.expect_request(f"/hook/{SECRET_TOKEN}").respond_with_data("", status=403)
    from worker.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["--config", str(path), "alerts", "test", "hook"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.strip() == "newswatch: rejected: channel hook: HTTP 403"
    with pytest.raises(SystemExit):
        main(["--config", str(path), "alerts", "test", "nope"])
    assert "no channel named 'nope'" in capsys.readouterr().err


def test_every_command_has_help(setup: tuple[Path, Database]) -> None:
    path, _db = setup
    for command in ("list", "show", "retry", "test"):
        output = _run(path, command, "--help")
        assert "Usage:" in output
        assert len(output.splitlines()) > 3
