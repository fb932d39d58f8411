"""Faults on real processes: a `newswatch run` worker SIGKILLed at random points, its Redis
and its PostgreSQL restarted mid-run, the webhook receiver down for a while.

After recovery every fed article is stored once, every alert is delivered (deduped on its
delivery id) exactly once, and nothing is left pending. Sizes have CI defaults; raise them
for a long run, e.g. `NEWSWATCH_FAULT_KILLS=200 NEWSWATCH_FAULT_ARTICLES=200`
(see docs/reliability.md).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import IN_CI
from tests.reliability.harness import (
    HookReceiver,
    PostgresCluster,
    RedisServer,
    Tally,
    process_fetching_from,
    safe_tally,
    serve_corpus,
    tally,
    time_travel,
)
from tests.support.corpus import write_config
from tests.support.loopback import LoopbackServer
from tests.support.processes import start_newswatch, stop, wait_for
from worker.store.db import Database
from worker.store.migrate import upgrade
from worker.store.models import Entry

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("NEWSWATCH_FAULT_KILLS", "20"))
ARTICLES = int(os.environ.get("NEWSWATCH_FAULT_ARTICLES", "30"))
SEED = int(os.environ.get("NEWSWATCH_FAULT_SEED", "20261202"))
TOKEN = "T0KEN-s3cr3t-fault"
HOOK = f"/hook/{TOKEN}"  # the path stands for a webhook URL's secret token
# Seconds the recovery clocks jump while a killed worker is down: past every lease (300 s)
# and the stranded-entry grace (600 s).
DOWNTIME_S = 900.0
# Settling takes a requeue sweep (every 60 s) after the last restart, plus the work.
SETTLE_S = 150.0
# Live settling after a restart: a Redis restart stalls a task up to ~80 s (its dedupe lock
# wait and publish retries); longer means a lease is stuck.
LIVE_SETTLE_S = float(os.environ.get("NEWSWATCH_FAULT_LIVE_SETTLE_S", "120"))


def _require(present: bool, message: str) -> None:
    """Fail under CI (it must run every fault test), skip elsewhere."""
    if present:
        return
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis this test may restart."""
    _require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


def _config(tmp: Path, server: LoopbackServer, database_url: str, broker_url: str) -> Path:
    return write_config(
        tmp,
        server,
        [("fault", "/feed.xml")],
        database_url=database_url,
        broker_url=broker_url,
        poll={"tick": 1, "min_interval": 1, "default_interval": 2},
        alerts={
            "channels": [{"name": "hook", "type": "webhook", "url": server.url(HOOK)}],
            # Delays scaled down from minutes to seconds; the attempt budget scaled up to
            # match, so an outage of the test's length stays within it (as minutes do
            # within the default budget of 8 attempts doubling from 5 s).
            "base_delay": 1,
            "max_delay": 4,
            "max_attempts": 60,
        },
    )


def _start(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    process = start_newswatch(cfg, "run", "--concurrency", "2", log=log)
    wait_for(lambda: b"ready." in log.read_bytes(), 60, "the worker to be ready", log)
    return process


def _sigkill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole process group: main process, pool children, beat."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def _settle(db: Database, expected: int, log: Path, timeout: float = SETTLE_S) -> Tally:
    def done() -> bool:
        t = safe_tally(db)
        return t is not None and t.settled and sum(t.entries.values()) >= expected and t.alerts > 0

    try:
        wait_for(done, timeout, "every entry and delivery to settle", log)
    except AssertionError as exc:
        raise AssertionError(f"{safe_tally(db)}\n{exc}") from None
    return tally(db)


def _settle_or_sweep(db: Database, cfg: Path, process: subprocess.Popen[bytes],
                     log: Path) -> tuple[Tally, int]:  # fmt: skip
    """Settle live; what a lease held across the outage keeps open is left to the sweep.

    A task interrupted while the database was down cannot hand its lease back; its entry
    waits for the lease (300 s) and the stranded grace (600 s). Rather than wait 15 minutes,
    stop the worker, jump the recovery clocks, and start it again. Returns the tally and how
    many entries only the sweep recovered.
    """
    try:
        return _settle(db, ARTICLES, log, timeout=LIVE_SETTLE_S), 0
    except AssertionError:
        stop(process)
    before = tally(db)
    swept = before.entries["pending"]
    time_travel(db, DOWNTIME_S)
    process = _start(cfg, log.with_suffix(".sweep.log"))
    try:
        return _settle(db, ARTICLES, log.with_suffix(".sweep.log")), swept
    finally:
        stop(process)


def _assert_no_secret_logged(tmp: Path) -> None:
    logs = sorted(tmp.glob("worker*.log"))
    assert logs
    for log in logs:
        assert TOKEN not in log.read_text(errors="replace"), f"the webhook token is in {log.name}"


def _assert_nothing_lost(result: Tally, expected: int, hook: HookReceiver) -> None:
    assert result.entries == {"done": expected}, (result.entries, result.errors)
    assert result.articles == expected == result.articles_per_entry, (
        result.errors,
        result.most_attempts,
    )
    assert set(result.deliveries) == {"delivered"}, result.deliveries
    assert result.alerts == result.deliveries["delivered"]
    assert set(hook.posts) == result.keys, "an alert was not received, or one was invented"


def test_sigkill_at_random_points(tmp_path: Path, server: LoopbackServer, pg_url: str,
                                  redis_server: RedisServer) -> None:  # fmt: skip
    hook = HookReceiver()
    server.route(HOOK, hook)
    serve_corpus(server, ARTICLES, SEED)
    upgrade(pg_url)
    db = Database.from_url(pg_url)
    cfg = _config(tmp_path, server, pg_url, redis_server.url)
    rng = random.Random(SEED)
    snapshots = []
    try:
        for kill in range(KILLS):
            process = _start(cfg, tmp_path / f"worker-{kill}.log")
            time.sleep(rng.uniform(0.0, 2.0))  # a random point of the pipeline
            _sigkill(process)
            snapshots.append(tally(db))
            time_travel(db, DOWNTIME_S)
        log = tmp_path / "worker-final.log"
        process = _start(cfg, log)
        try:
            result = _settle(db, ARTICLES, log)
        finally:
            stop(process)
    finally:
        db.dispose()
    _assert_nothing_lost(result, ARTICLES, hook)
    assert not result.errors, "a worker killed whole counts no crash against its entries"
    _assert_no_secret_logged(tmp_path)
    in_flight = sum(1 for s in snapshots if not s.settled)
    print(f"kills={KILLS} with work in flight={in_flight} articles={result.articles} "
          f"alerts={result.alerts} re-posts deduped={hook.duplicates()} "
          f"most attempts={result.most_attempts}")  # fmt: skip
    assert in_flight >= KILLS // 2, "most kills should land while work is in flight"


def test_a_page_that_kills_its_pool_process_goes_on_with_its_feed_summary(
    tmp_path: Path, server: LoopbackServer, pg_url: str, redis_server: RedisServer
) -> None:
    """A page whose processing kills the pool process (a crash in extraction, the OOM
    killer; here a SIGKILL of that process alone while it downloads the page): the worker's
    main process survives, counts each crash, and after MAX_PAGE_ATTEMPTS the entry goes on
    with its feed summary, recorded as "crashed"; the other entries are stored from their
    pages. (test_sigkill_at_random_points: a worker killed whole counts nothing.)"""
    from worker.pipeline import MAX_PAGE_ATTEMPTS

    hook = HookReceiver()
    server.route(HOOK, hook)
    urls = serve_corpus(server, 4, SEED)
    poison = urls[0].removeprefix(server.base)
    server.static(poison, "<html><body>never sent</body></html>", hang=30.0)
    upgrade(pg_url)
    db = Database.from_url(pg_url)
    log = tmp_path / "worker.log"
    process = start_newswatch(_config(tmp_path, server, pg_url, redis_server.url), "run",
                              "--concurrency", "1", log=log)  # fmt: skip
    try:
        wait_for(lambda: b"ready." in log.read_bytes(), 60, "the worker to be ready", log)
        for crash in range(MAX_PAGE_ATTEMPTS):
            asked = crash + 1
            wait_for(lambda n=asked: len(server.hits(poison)) >= n, 60, "the page asked", log)
            pid = None

            def downloading() -> bool:
                nonlocal pid
                pid = process_fetching_from(process.pid, server.port)
                return pid is not None

            wait_for(downloading, 10, "the pool process downloading the page", log)
            assert pid is not None and pid != process.pid
            os.kill(pid, signal.SIGKILL)  # that process alone: its main process lives on
        result = _settle(db, 4, log, timeout=120)
        with db.session_scope() as session:
            reasons = dict(session.execute(select(Entry.link, Entry.error_reason)).all())
    finally:
        stop(process)
        db.dispose()
    assert result.entries == {"done": 4}
    assert reasons == {url: ("crashed" if url == urls[0] else None) for url in urls}
    assert len(server.hits(poison)) == MAX_PAGE_ATTEMPTS  # then the summary stood in
    assert log.read_text(errors="replace").count("a crash counted against") >= MAX_PAGE_ATTEMPTS


def _run_through_restart(tmp_path: Path, server: LoopbackServer, db_url: str, redis_url: str,
                         seed: int, restart: Callable[[], None], what: str) -> None:  # fmt: skip
    """Feed the corpus to a real worker, restart a server under it, check nothing is lost."""
    hook = HookReceiver()
    server.route(HOOK, hook)
    serve_corpus(server, ARTICLES, seed)
    upgrade(db_url)
    db = Database.from_url(db_url)
    log = tmp_path / "worker.log"
    process = _start(_config(tmp_path, server, db_url, redis_url), log)
    try:
        wait_for(lambda: tally(db).articles >= 3, 60, "the first articles", log)
        restart()
        assert process.poll() is None, f"the worker died with its {what}"
        cfg = tmp_path / "newswatch.yaml"
        result, swept = _settle_or_sweep(db, cfg, process, log)
    finally:
        stop(process)
        db.dispose()
    _assert_nothing_lost(result, ARTICLES, hook)
    print(f"{what} restart: articles={result.articles} alerts={result.alerts} "
          f"recovered by the sweep={swept} re-posts deduped={hook.duplicates()}")  # fmt: skip


def test_redis_restart_mid_run(tmp_path: Path, server: LoopbackServer, pg_url: str,
                               redis_server: RedisServer) -> None:  # fmt: skip
    _run_through_restart(tmp_path, server, pg_url, redis_server.url, SEED + 1,
                         lambda: redis_server.restart(down_s=3), "broker")  # fmt: skip


def test_postgres_restart_mid_run(tmp_path: Path, server: LoopbackServer,
                                  redis_server: RedisServer) -> None:  # fmt: skip
    try:
        cluster = PostgresCluster()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        _require(False, f"cannot run a private PostgreSQL: {exc}")
        raise
    try:
        _run_through_restart(tmp_path, server, cluster.url, redis_server.url, SEED + 2,
                             lambda: cluster.restart(down_s=3), "database")  # fmt: skip
    finally:
        cluster.destroy()


def test_webhook_receiver_down_then_back(tmp_path: Path, server: LoopbackServer, pg_url: str,
                                         redis_server: RedisServer) -> None:  # fmt: skip
    hook = HookReceiver(down=True)
    server.route(HOOK, hook)
    serve_corpus(server, ARTICLES, SEED + 3)
    upgrade(pg_url)
    db = Database.from_url(pg_url)
    log = tmp_path / "worker.log"
    process = _start(_config(tmp_path, server, pg_url, redis_server.url), log)
    try:
        wait_for(lambda: tally(db).entries["done"] == ARTICLES, 120, "every article", log)
        time.sleep(float(os.environ.get("NEWSWATCH_FAULT_HOOK_DOWN_S", "10")))
        assert not hook.posts, "nothing can have been accepted while the receiver was down"
        assert tally(db).deliveries["delivered"] == 0
        hook.down = False
        result = _settle(db, ARTICLES, log)
    finally:
        stop(process)
        db.dispose()
    _assert_nothing_lost(result, ARTICLES, hook)
    assert hook.duplicates() == 0
    _assert_no_secret_logged(tmp_path)  # the outage logged every failed POST
