"""Security at the edges: feed links cannot reach inside the network (SSRF), secrets stay out
of logs, metrics and stored errors, the metrics port serves only /metrics and /healthz, and
the locked dependencies can be audited.

SSRF: the feed is polled by a Services allowed onto loopback (the test feed lives there);
its entries are fetched by a second Services on the same database with the shipped default,
`fetch.allow_private_networks: false`. Where a case needs a "public" address on loopback,
the allow-list is injected at the edge (build_client's `is_allowed`), never patched inside.
"""

from __future__ import annotations

import dataclasses
import http.client
import logging
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import select

from tests.reliability.harness import serve_corpus
from tests.support.corpus import ROOT, article_html, rss, write_config
from tests.support.loopback import LoopbackServer
from worker import pipeline
from worker.config import load_settings
from worker.net import build_client, is_public_address
from worker.robots import RobotsCache
from worker.services import Services, build_services
from worker.store.db import Database
from worker.store.models import Delivery, Entry

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
TOKEN = "T0KEN-s3cr3t-9f8e7d"  # stands for the secret part of a chat webhook URL


def _services(tmp: Path, server: LoopbackServer, db: Database, **fetch: object) -> Services:
    tmp.mkdir(parents=True, exist_ok=True)
    # keep_off_topic: a page let through is stored whatever its topic, and that is checked.
    cfg = write_config(tmp, server, [("f", "/feed.xml")], fetch=fetch, keep_off_topic=True)
    return build_services(load_settings(cfg, environ={}), db=db)


def _fetch_links(tmp_path: Path, server: LoopbackServer, db: Database, links: list[str],
                 fetcher: Services) -> list[Entry]:  # fmt: skip
    """Poll a feed of `links` (allowed onto loopback), fetch and process with `fetcher`."""
    items = [(f"g{i}", link, f"t {i}", WHEN) for i, link in enumerate(links)]
    server.static("/feed.xml", rss("f", items), headers=RSS)
    poller = _services(tmp_path / "poller", server, db, allow_private_networks=True)
    try:
        (feed_id,) = pipeline.sync_configured_feeds(poller)
        for entry_id in pipeline.poll_feed(poller, feed_id):
            assert pipeline.process_entry(fetcher, entry_id) != "skipped"
    finally:
        poller.http.close()
    with db.session_scope() as session:
        entries = list(session.scalars(select(Entry).order_by(Entry.id)))
        session.expunge_all()
    return entries


@pytest.fixture
def guarded(tmp_path: Path, server: LoopbackServer, sqlite_db: Database) -> Iterator[Services]:
    """Services with the shipped default: private networks off."""
    svc = _services(tmp_path / "guarded", server, sqlite_db, allow_private_networks=False)
    assert svc.settings.fetch.allow_private_networks is False
    yield svc
    svc.http.close()


def test_feed_links_into_the_network_are_refused(
    tmp_path: Path, server: LoopbackServer, sqlite_db: Database, guarded: Services
) -> None:
    server.static("/internal.html", article_html("Internal", "secret " * 200), headers=HTML)
    links = [
        server.url("/internal.html"),  # loopback, by address
        f"http://localhost:{server.port}/internal.html",  # loopback, by a DNS answer
        f"http://[::1]:{server.port}/internal.html",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",  # cloud metadata
        "http://10.0.0.1/admin",
        "http://192.168.1.1/",
        "http://0.0.0.0:9/",
    ]
    hits_before = len(server.requests)
    entries = _fetch_links(tmp_path, server, sqlite_db, links, guarded)
    assert [e.error_reason for e in entries] == ["blocked_address"] * len(links)
    assert all(e.state == "done" for e in entries)  # the summary stood in; nothing crashed
    polls = [r for r in server.requests[hits_before:] if r.path != "/feed.xml"]
    assert polls == [], "the guarded fetcher reached the loopback server"


def test_redirect_into_the_network_is_refused(tmp_path: Path, server: LoopbackServer,
                                              sqlite_db: Database) -> None:  # fmt: skip
    """127.0.0.1 plays a public site (injected allow-list); it redirects to 127.0.0.2."""
    server.static("/public.html", article_html("Public", "fine words " * 100), headers=HTML)
    inside = f"http://127.0.0.2:{server.port}/internal.html"
    server.static("/jump", "", status=302, headers={"Location": inside})
    svc = _services(tmp_path / "g", server, sqlite_db, allow_private_networks=False)

    def only_server(address: str) -> bool:
        return address == "127.0.0.1" or is_public_address(address)

    svc.http.close()
    fetch = svc.settings.fetch
    client = build_client(fetch, is_allowed=only_server)
    robots = RobotsCache(client, fetch.user_agent, ttl=fetch.robots_cache_ttl, timeout=1)
    svc = dataclasses.replace(svc, http=client, robots=robots)
    try:
        entries = _fetch_links(tmp_path, server, sqlite_db,
                               [server.url("/public.html"), server.url("/jump")], svc)  # fmt: skip
    finally:
        svc.http.close()
    assert [e.error_reason for e in entries] == [None, "blocked_address"]
    assert entries[0].article_id is not None
    assert not [r for r in server.requests if r.path == "/internal.html"]


def test_allow_private_networks_lets_them_through(tmp_path: Path, server: LoopbackServer,
                                                  sqlite_db: Database) -> None:  # fmt: skip
    server.static("/internal.html", article_html("Internal", "plain words " * 100), headers=HTML)
    svc = _services(tmp_path / "open", server, sqlite_db, allow_private_networks=True)
    try:
        (entry,) = _fetch_links(tmp_path, server, sqlite_db, [server.url("/internal.html")], svc)
    finally:
        svc.http.close()
    assert entry.error_reason is None and entry.article_id is not None


# --- secrets -------------------------------------------------------------------------------


def test_webhook_token_stays_out_of_logs_metrics_and_errors(
    tmp_path: Path, server: LoopbackServer, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing webhook (500, then refused) whose URL holds a token: the token appears in no
    log record, no metric, no stored error."""
    serve_corpus(server, 2)
    server.static(f"/hook/{TOKEN}", "boom", status=500)
    channels = [
        {"name": "hook", "type": "webhook", "url": server.url(f"/hook/{TOKEN}")},
        {"name": "gone", "type": "slack", "url": f"http://127.0.0.1:9/services/{TOKEN}"},
    ]
    cfg = write_config(tmp_path, server, [("fault", "/feed.xml")], alerts={"channels": channels})
    svc = build_services(load_settings(cfg, environ={}), db=sqlite_db)
    caplog.set_level(logging.DEBUG)
    try:
        (feed_id,) = pipeline.sync_configured_feeds(svc)
        for entry_id in pipeline.poll_feed(svc, feed_id):
            pipeline.process_entry(svc, entry_id)
        pipeline.deliver_all_due(svc)
    finally:
        svc.close()
    assert server.hits(f"/hook/{TOKEN}"), "the webhook was never tried: the test proves nothing"
    with sqlite_db.session_scope() as session:
        errors = [e for e in session.scalars(select(Delivery.last_error)) if e]
    assert errors, "no delivery failed: the test proves nothing"
    logs = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert TOKEN not in logs
    assert TOKEN not in generate_latest(REGISTRY).decode()
    assert not [e for e in errors if TOKEN in e]


def test_settings_repr_masks_secrets(tmp_path: Path, server: LoopbackServer) -> None:
    cfg = write_config(tmp_path, server, [], database_url=f"postgresql://u:{TOKEN}@db/x",
                       alerts={"channels": [{"name": "c", "type": "webhook",
                                             "url": f"https://hooks.example/{TOKEN}",
                                             "secret": TOKEN}]})  # fmt: skip
    settings = load_settings(cfg, environ={})
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


# --- the metrics port ----------------------------------------------------------------------


@pytest.fixture
def metrics_port(sqlite_db: Database) -> Iterator[tuple[str, int]]:
    from worker.metrics_server import serve

    httpd = serve(sqlite_db, "127.0.0.1", 0)
    yield str(httpd.server_address[0]), int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def _request(port: int, method: str, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_metrics_port_serves_only_metrics_and_health(metrics_port: tuple[str, int]) -> None:
    host, port = metrics_port
    assert host == "127.0.0.1"  # bound where configured, not on every interface
    assert _request(port, "GET", "/metrics") == 200
    assert _request(port, "GET", "/healthz") == 200
    for path in ["/", "/admin", "/metrics/../etc/passwd", "/../../etc/passwd",
                 "/metrics.bak", "/debug/pprof", "/healthz/x", "/static/index.html"]:  # fmt: skip
        assert _request(port, "GET", path) == 404, path
    for method in ["POST", "PUT", "DELETE", "TRACE"]:
        assert _request(port, method, "/metrics") == 501, method


# --- dependencies --------------------------------------------------------------------------


def test_audit_script_scans_the_hash_locked_requirements() -> None:
    """`scripts/audit` runs pip-audit over requirements.lock (offline here: --dry-run)."""
    script = ROOT / "scripts" / "audit"
    assert script.stat().st_mode & 0o111, "scripts/audit is not executable"
    lock = (ROOT / "requirements.lock").read_text()
    assert lock.count("--hash=sha256:") >= lock.count("==")  # every pin carries a hash
    done = subprocess.run([str(script), "--dry-run"], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "would have audited" in done.stderr + done.stdout
