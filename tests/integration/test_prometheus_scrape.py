"""Every dashboard panel shows data when a real Prometheus scrapes newswatch.

Debian's `prometheus` runs on loopback with a 1 s scrape interval and a throwaway TSDB. Two
sources of metrics:

- `newswatch run` (the real service, embedded SQLite transport) after it has polled the
  seed feeds from the loopback server, plus a feed that is gone, a page that fails and a
  chat webhook that is down, so the failure panels have something to show;
- a simulator that drives the very metric objects of worker/metrics.py, which also proves
  the alerting rules evaluate without errors against those series.

A panel whose query returns nothing (or only NaN) is a defect: the test names it.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, ROOT

DASHBOARD = ROOT / "config" / "grafana" / "dashboards" / "newswatch.json"
RULES = ROOT / "config" / "prometheus" / "rules.yml"
# Grafana variables in the dashboard's queries and the windows this short run can satisfy:
# one minute holds sixty 1 s scrapes; the dashboard range covers the whole run.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__range": "10m", "$__interval": "15s"}
SCRAPE_INTERVAL_S = 1
WAIT_S = 120  # the worker's start (Celery boot) and the seed feed's processing take ~10-40 s

pytestmark = pytest.mark.slow


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prometheus_binary() -> str:
    """Debian's prometheus; fail under CI, skip elsewhere, when it is not installed."""
    path = shutil.which("prometheus")
    if path:
        return path
    message = "prometheus is not installed (apt-get install prometheus; scripts/lint-deploy)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


class Prometheus:
    """A Prometheus server on loopback scraping one target, with newswatch's rules loaded."""

    def __init__(self, tmp: Path, target_port: int, job: str) -> None:
        self.port = free_port()
        tmp.mkdir(parents=True, exist_ok=True)
        config = tmp / "prometheus.yml"
        config.write_text(
            json.dumps(  # JSON is YAML
                {
                    "global": {
                        "scrape_interval": f"{SCRAPE_INTERVAL_S}s",
                        "evaluation_interval": f"{SCRAPE_INTERVAL_S}s",
                    },
                    "rule_files": [str(RULES)],
                    "scrape_configs": [
                        {
                            "job_name": job,
                            "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}],
                        }
                    ],
                }
            ),
            encoding="utf-8",
        )
        binary = prometheus_binary()
        with (tmp / "prometheus.log").open("wb") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={tmp / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    "--log.level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(self._ready, "prometheus to become ready", 30)
        except BaseException:
            stop_process(self.process)
            raise

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1):
                return True
        except OSError:
            return False

    def api(self, path: str, **params: str) -> Any:
        """GET /api/v1/<path>; returns `data`."""
        query = urllib.parse.urlencode(params)
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?{query}"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query now: the result vector."""
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", (expr, data["resultType"])
        result: list[dict[str, Any]] = data["result"]
        return result

    def value(self, expr: str) -> float:
        """The single value of an aggregate query, 0 when it has no result."""
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else 0.0

    def stop(self) -> None:
        """Terminate the server."""
        stop_process(self.process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(check: Any, what: str, timeout: float) -> None:
    """Poll `check()` every 0.5 s until it is true; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def panel_queries() -> list[tuple[str, str]]:
    """(panel title / refId, PromQL with Grafana's variables replaced) for every target."""
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    queries = []
    for panel in panels:
        for target in panel.get("targets", []):
            expr = target["expr"]
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value).replace("${" + variable[1:] + "}", value)
            queries.append((f"{panel['title']} / {target['refId']}", expr))
    return queries


def empty_panels(prometheus: Prometheus) -> list[str]:
    """Panel targets whose query returns no series, or only NaN."""
    empty = []
    for name, expr in panel_queries():
        values = [float(sample["value"][1]) for sample in prometheus.query(expr)]
        if not any(math.isfinite(v) for v in values):
            empty.append(f"{name}: {expr}")
    return empty


# --- the real service -------------------------------------------------------------------


@contextmanager
def newswatch_service(tmp_path: Path, port: int) -> Iterator[Any]:
    """`newswatch run` serving metrics on `port`, fed by a loopback corpus (yielded)."""
    from tests.support.corpus import article_html, rss, serve_seed_feed, write_config
    from tests.support.loopback import LoopbackServer

    server = LoopbackServer()
    serve_seed_feed(server, "/feed.xml")
    # Failures the "Is anything failing" row must show: a feed that is gone, an article
    # page that is missing, a chat webhook that is down (and one that works).
    server.static("/gone.xml", "", status=410)
    when = datetime(2022, 9, 2, 8, 0, tzinfo=UTC)
    server.static(
        "/broken.xml",
        rss("Broken", [("broken-1", server.url("/news/broken.html"), "Xinjiang report", when)]),
        headers={"Content-Type": "application/rss+xml"},
    )
    server.static("/news/broken.html", "no such article", status=404)  # permanent: counted at once
    server.static("/news/ok.html", article_html("Off topic", "Weather. " * 200))
    server.static("/hooks/ok", "ok")
    server.static("/hooks/down", "down", status=503)
    config = write_config(
        tmp_path,
        server,
        [("seed-news", "/feed.xml"), ("gone-feed", "/gone.xml"), ("broken", "/broken.xml")],
        metrics={"port": port, "host": "127.0.0.1"},
        poll={"default_interval": "2s", "min_interval": "1s"},
        alerts={
            "max_attempts": 2,
            "base_delay": "1s",
            "channels": [
                {
                    "name": "ok-hook",
                    "type": "webhook",
                    "url": server.url("/hooks/ok"),
                    "secret": "s3cret",
                },
                {
                    "name": "down-hook",
                    "type": "webhook",
                    "url": server.url("/hooks/down"),
                    "secret": "s3cret",
                },
            ],
        },
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "newswatch.log").open("wb")
    subprocess.run(
        [sys.executable, "-m", "worker", "--config", str(config), "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "worker", "--config", str(config), "run", "--concurrency", "1"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield server
    finally:
        stop_process(process)
        log.close()
        server.close()
        if process.returncode not in (0, -signal.SIGTERM):
            print((tmp_path / "newswatch.log").read_text(errors="replace")[-5000:])


def test_every_panel_has_data_from_the_real_worker(tmp_path: Path) -> None:
    port = free_port()
    # Prometheus first: its first scrapes of the worker must come before the work, so that
    # rate() and histogram_quantile() see the counters change.
    prometheus = Prometheus(tmp_path / "prom", port, job="newswatch-worker")
    try:
        run_and_check(prometheus, newswatch_service(tmp_path, port))
    finally:
        prometheus.stop()


def run_and_check(prometheus: Prometheus, service: AbstractContextManager[Any]) -> None:
    """Wait for the service to be scraped and to process the corpus; check every panel."""
    with service:
        wait_for(
            lambda: prometheus.value('sum(up{job="newswatch-worker"})') == 1,
            "the worker's /metrics to answer a scrape",
            WAIT_S,
        )
        wait_for(
            lambda: prometheus.value("sum(newswatch_articles_total)") >= 6,
            "the five seed articles and the broken one to be processed",
            WAIT_S,
        )
        time.sleep(10 * SCRAPE_INTERVAL_S)  # deliveries and retries, and a few more scrapes
        assert empty_panels(prometheus) == []


# --- the simulator: worker/metrics.py's own objects, driven with plausible values --------


def simulate(port: int) -> None:  # pragma: no cover - runs in a subprocess
    """Serve worker.metrics on `port` and keep every metric moving until killed."""
    from prometheus_client import REGISTRY, start_http_server
    from prometheus_client.core import GaugeMetricFamily
    from prometheus_client.registry import Collector

    from worker import metrics as m

    def family(spec: Any, labels: list[str]) -> GaugeMetricFamily:
        name, documentation = spec if isinstance(spec, tuple) else (spec._name, spec._documentation)
        return GaugeMetricFamily(name, documentation, labels=labels)

    class Scrape(Collector):
        def collect(self) -> Iterator[GaugeMetricFamily]:
            depth = family(m.QUEUE_DEPTH, ["queue"])
            depth.add_metric(["entries"], random.randint(0, 40))
            depth.add_metric(["deliveries"], random.randint(0, 5))
            stale = family(m.FEED_LAST_SUCCESS_AGE, ["feed"])
            stale.add_metric(["seed-news"], random.uniform(0, 900))
            index = family(m.DEDUPE_INDEX_SIZE, [])
            index.add_metric([], 1234)
            up = family(m.UP, [])
            up.add_metric([], 1)
            yield from (depth, stale, index, up)

    REGISTRY.register(Scrape())
    start_http_server(port, addr="127.0.0.1")
    while True:
        m.POLLS.labels("seed-news", random.choice(["ok", "not_modified", "timeout"])).inc()
        m.POLL_NEW_ENTRIES.labels("seed-news", "new").inc(2)
        m.FETCH_SECONDS.labels(random.choice(["feed", "page"])).observe(random.uniform(0, 2))
        m.EXTRACT_SECONDS.observe(random.uniform(0, 0.2))
        m.STAGE_SECONDS.labels(random.choice(["extract", "match", "store"])).observe(0.01)
        m.ARTICLES.labels(random.choice(["stored", "duplicate", "off_topic", "error"])).inc()
        m.ENTRY_ERRORS.labels("http_5xx").inc()
        m.MATCHES.labels("xinjiang").inc()
        m.CLAIMS.labels("xinjiang", random.choice(["new", "known"])).inc()
        outcome = random.choice(["delivered", "retried", "dead"])
        m.ALERTS.labels("new_claim", "newsroom", outcome).inc()
        m.ALERTS_CREATED.labels("new_claim", "xinjiang").inc()
        m.DELIVERY_SECONDS.labels("newsroom").observe(random.uniform(0, 1))
        m.ALERT_LATENCY_FROM_PUBLISHED.observe(random.uniform(60, 3600))
        m.ALERT_LATENCY_FROM_SEEN.observe(random.uniform(1, 60))
        m.TASK_FAILURES.labels("newswatch.process_entry", "transient").inc()
        time.sleep(0.1)


def test_every_panel_and_rule_works_on_worker_metrics_objects(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); " + (
        f"from tests.integration.test_prometheus_scrape import simulate; simulate({port})"
    )
    prometheus_binary()  # skip (or fail under CI) before anything starts
    simulator = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
    try:
        prometheus = Prometheus(tmp_path, port, job="newswatch-worker-process")
    except BaseException:
        stop_process(simulator)
        raise
    try:
        wait_for(
            lambda: prometheus.value("count(newswatch_polls_total)") > 0,
            "a scrape of the simulator",
            30,
        )
        time.sleep(5 * SCRAPE_INTERVAL_S)  # rate() and histogram_quantile() need changes
        assert empty_panels(prometheus) == []
        groups = prometheus.api("rules")["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        assert len(rules) >= 9
        broken = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
        assert broken == []
    finally:
        prometheus.stop()
        stop_process(simulator)
