"""One end-to-end run of the real service (`newswatch run`) over a served corpus.

Two phases: a bulk phase (every feed lists its entries at once: throughput, per-stage time,
latency under backlog) and a trickle phase (one new on-topic entry at a time: the latency a
user sees from the poll that finds an item to its alert at the local webhook receiver).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from benchmarks.corpus import Entry, Served, _on_topic
from tests.support.corpus import write_config
from tests.support.processes import start_newswatch, stop
from worker.service import default_concurrency
from worker.store.db import Database
from worker.store.models import Entry as EntryRow

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database number of the benchmark's own, flushed
# No entry finished for this long while work is queued: the service is stuck, not slow.
STALL_S = 90.0
KEPT_LOGS = Path(__file__).resolve().parent / "results" / "tmp"
_SAMPLE = re.compile(r"^(newswatch_\w+?)(_sum|_count|_total)?(?:\{(.*?)\})?\s+([0-9.eE+-]+)$", re.M)


def finally_on_sigterm() -> None:
    """Make SIGTERM (`timeout`, `kill`) unwind like Ctrl-C, through every `finally`.

    The service runs in its own process group, so killing the benchmark does not reach it; by
    default SIGTERM ends Python without running `finally`, and the orphaned service went on
    consuming the benchmark's Redis database: the next run stalled at 41 of 600 entries.
    """

    def unwind(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, unwind)


def free_port() -> int:
    """A free TCP port on loopback, for the metrics endpoint."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def backend(mode: str, tmp: Path) -> Iterator[dict[str, str]]:
    """Config keys for a mode: `embedded` (SQLite + SQLite broker) or `redis_pg`."""
    if mode == "embedded":
        yield {"database_url": f"sqlite:///{tmp / 'newswatch.db'}"}
        return
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database.from_url(PG_ADMIN_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {
            "database_url": f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}",
            "broker_url": REDIS_URL,
        }
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        redis.Redis.from_url(REDIS_URL).flushdb()


class RssSampler(threading.Thread):
    """Peak resident memory (VmHWM) of every process in the service's process group, and the
    peak of their summed proportional set sizes (PSS: a page that N processes share counts
    1/N in each), which is what the service as a whole holds: RSS counts shared pages, such
    as the known claims the pool inherits, once in every process."""

    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid, self.peak_kb, self.names = pgid, {}, {}
        self.pss_peak_kb, self.pss_processes = 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def sample(self) -> None:
        pss_kb, processes = 0, 0
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[2]) != self.pgid:
                    continue
                status = Path(f"/proc/{pid}/status").read_text()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except (OSError, ValueError, IndexError):
                continue
            hwm = re.search(r"VmHWM:\s+(\d+)", status)
            if hwm:
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(hwm.group(1)))
                self.names[pid] = "main" if int(pid) == self.pgid else cmd[-60:]
            pss = re.search(r"^Pss:\s+(\d+)", rollup, re.M)
            if pss:
                pss_kb, processes = pss_kb + int(pss.group(1)), processes + 1
        if pss_kb > self.pss_peak_kb:
            self.pss_peak_kb, self.pss_processes = pss_kb, processes

    def report(self) -> dict[str, Any]:
        """Peak RSS in MB of each process seen, and of the largest one."""
        self.sample()
        per = {pid: round(kb / 1024, 1) for pid, kb in sorted(self.peak_kb.items())}
        return {
            "per_process_mb": per,
            "max_process_mb": max(per.values(), default=0.0),
            "processes": len(per),
            "total_pss_peak_mb": round(self.pss_peak_kb / 1024, 1),
            "processes_at_pss_peak": self.pss_processes,
        }


def scrape(port: int) -> dict[str, float]:
    """The service's Prometheus samples that the report uses, as 'name{labels}' -> value."""
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read()
    except OSError:
        return {}
    out: dict[str, float] = {}
    for name, suffix, labels, value in _SAMPLE.findall(body.decode()):
        if "le=" in labels:
            continue
        out[f"{name}{suffix}{{{labels}}}"] = out.get(f"{name}{suffix}{{{labels}}}", 0.0) + float(
            value
        )
    return out


def stage_times(samples: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per stage: items timed, total seconds and milliseconds per item."""
    stage = "newswatch_stage_seconds"
    wanted = {
        "poll": ("newswatch_fetch_seconds", 'target="feed"'),
        "fetch": ("newswatch_fetch_seconds", 'target="page"'),
        "extract": ("newswatch_extract_seconds", ""),
        **{s: (stage, f'stage="{s}"') for s in ("match", "dedupe", "claims", "store", "alert")},
        "deliver": ("newswatch_delivery_seconds", ""),
    }
    out = {}
    for name, (metric, label) in wanted.items():
        total = sum(v for k, v in samples.items() if k.startswith(metric + "_sum{") and label in k)
        count = sum(
            v for k, v in samples.items() if k.startswith(metric + "_count{") and label in k
        )
        out[name] = {
            "items": count,
            "seconds": round(total, 3),
            "ms_per_item": round(1000 * total / count, 2) if count else 0.0,
        }
    return out


def outcomes(samples: dict[str, float]) -> dict[str, float]:
    """newswatch_articles_total by outcome."""
    found = {}
    for key, value in samples.items():
        m = re.match(r'newswatch_articles_total\{outcome="(\w+)"\}', key)
        if m:
            found[m.group(1)] = value
    return found


def _finished(db: Database) -> tuple[int, datetime | None]:
    try:
        with db.session_scope() as session:
            row = session.execute(
                select(func.count(), func.max(EntryRow.processed_at)).where(
                    EntryRow.processed_at.is_not(None)
                )
            ).one()
    except Exception:
        return 0, None
    return int(row[0]), row[1]


def _epoch(when: datetime | None) -> float | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def percentiles(values: list[float]) -> dict[str, float | int]:
    """Count, p50, p95 and max of a list of seconds."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "count": len(values),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
    }


def _trickle_outcomes(db: Database, served: Served, count: int) -> list[dict[str, Any]]:
    """Each trickle entry's state, and its article's dedupe decision and alert count."""
    from worker.store.models import Alert, Article

    out = []
    with db.session_scope() as session:
        for k in range(count):
            url = served.url(f"/t/{TRICKLE_FIRST + k}.html")
            entry = session.execute(
                select(EntryRow.state, EntryRow.error_reason, EntryRow.article_id).where(
                    EntryRow.link == url
                )
            ).first()
            row: dict[str, Any] = {"entry": TRICKLE_FIRST + k, "state": entry and entry.state,
                                   "error": entry and entry.error_reason}  # fmt: skip
            article = session.get(Article, entry.article_id) if entry and entry.article_id else None
            if article is not None:
                alerts = session.scalar(
                    select(func.count()).select_from(Alert).where(Alert.article_id == article.id)
                )
                row.update(dedupe=article.dedupe_kind, similarity=article.dedupe_similarity,
                           duplicate_of=article.duplicate_of_id, alerts=alerts)  # fmt: skip
            out.append(row)
    return out


def _deliveries_by_state(db: Database) -> dict[str, int]:
    """The outbox at the end of a run: deliveries by state."""
    from worker.store.models import Delivery

    with db.session_scope() as session:
        rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {state: int(count) for state, count in rows}


def run_mode(
    mode: str,
    served: Served,
    tmp: Path,
    *,
    trickle: int,
    timeout: float,
    concurrency: int | None,
    keep_off_topic: bool = False,
    prefill: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, Any]:
    """Run the service in `mode` over `served` and measure it; raises if it breaks.

    `keep_off_topic` extracts and stores every page, as an archive would (the default
    settings leave out the pages no profile can match: worker/profiles/prefilter.py).
    `prefill` gets the back end's config keys and fills its store before the service starts.
    """
    tmp.mkdir(parents=True, exist_ok=True)
    n = len(served.corpus.entries)
    port = free_port()
    with backend(mode, tmp) as keys:
        if prefill is not None:
            prefill(keys)
        cfg = write_config(
            tmp,
            served.server,
            [(f"bench{i}", p) for i, p in enumerate(served.corpus.feeds)],
            poll={"tick": 1, "min_interval": 1, "default_interval": 1, "max_interval": 2},
            alerts={
                "channels": [
                    {
                        "name": "bench",
                        "type": "webhook",
                        "url": served.url("/hook"),
                        "secret": "bench-secret",
                    }
                ],
                "story_quiet_after": 100000,
            },
            metrics={"port": port},
            keep_off_topic=keep_off_topic,
            **keys,
        )
        log = tmp / "service.log"
        db = Database.from_url(keys["database_url"])
        started = time.time()
        pool = ["--concurrency", str(concurrency)] if concurrency else []  # else its default
        process = start_newswatch(cfg, "run", *pool, log=log)
        sampler = RssSampler(process.pid)
        sampler.start()
        try:
            cpu_at_first_poll = _cpu_when_polled(served, process, timeout)
            harness_at_first_poll = time.process_time()
            progress: list[list[float]] = []
            done, last = _wait_done(db, n, process, timeout, log, progress)
            cpu_bulk = group_cpu_s(process.pid) - cpu_at_first_poll
            harness_bulk = time.process_time() - harness_at_first_poll
            first_poll = min(served.seen_at.values())
            bulk_alerts = len(served.alerts)
            bulk_latency = served.latencies()
            samples_bulk = scrape(port)
            trickle_latency = _trickle(served, trickle, timeout=8)
            samples = scrape(port)
            deliveries = _deliveries_by_state(db)
            trickle_outcomes = _trickle_outcomes(db, served, trickle)
        finally:
            stop(process)
            sampler.done.set()
            db.dispose()
            _keep_log(log, mode)
    elapsed = (last or time.time()) - first_poll
    return {
        "mode": mode,
        "entries": n,
        "pool_processes": concurrency or default_concurrency(),
        "finished": done,
        "startup_s": round(first_poll - started, 2),
        "elapsed_s": round(elapsed, 2),
        "articles_per_s": round(done / elapsed, 2),
        # Every process of the service (worker, pool, beat), from the first poll to the last
        # entry done: the load-independent cost of an article.
        "cpu_ms_per_article": round(1000 * cpu_bulk / max(done, 1), 2),
        # This process meanwhile: the loopback sites serving feeds and pages, the webhook
        # receiver, the database polls of _wait_done. It shares the cores with the service,
        # which a deployment fetching from remote sites does not pay.
        "harness_cpu_ms_per_article": round(1000 * harness_bulk / max(done, 1), 2),
        "outcomes": outcomes(samples_bulk),
        "stages_bulk": stage_times(samples_bulk),
        "stages_all": stage_times(samples),
        "alerts_bulk": bulk_alerts,
        # After the trickle: anything still `sending` or `pending` here is a held channel.
        "alerts_received_at_end": len(served.alerts),
        # When each alert reached the webhook, seconds from the first poll: the channel's
        # drain rate once the burst is over.
        "alert_arrivals_s": [round(t - first_poll, 2) for t, _ in served.alerts],
        "deliveries_at_end": deliveries,
        "latency_bulk": percentiles(bulk_latency),
        "latency_trickle": percentiles(trickle_latency),
        # What became of each one-at-a-time entry (an entry with no alert shows why here).
        "trickle_outcomes": trickle_outcomes,
        "memory": sampler.report(),
        # Entries done over time from the first poll: the ramp and the tail of the run.
        "progress": [[round(t - first_poll, 2), d] for t, d in progress if t >= first_poll],
        "log_tail": log.read_text(errors="replace")[-1500:] if done < n else "",
    }


def _keep_log(log: Path, mode: str) -> None:
    """The service's log of the last run in `mode` (stalled ones included), kept in
    benchmarks/results/tmp/ for reading after the run."""
    KEPT_LOGS.mkdir(parents=True, exist_ok=True)
    if log.exists():
        (KEPT_LOGS / f"service-{mode}.log").write_bytes(log.read_bytes())


def _cpu_when_polled(served: Served, process: Any, timeout: float) -> float:
    """The service's CPU seconds so far, taken when it first polls (start-up excluded)."""
    deadline = time.time() + timeout
    while not served.seen_at and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    return group_cpu_s(process.pid)


def group_cpu_s(pgid: int) -> float:
    """User + system CPU seconds of the live processes of a process group."""
    total = 0
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wait_done(
    db: Database, n: int, process: Any, timeout: float, log: Path, progress: list[list[float]]
) -> tuple[int, float | None]:
    """Wait for `n` entries done; `progress` gets [seconds, entries done] every 0.25 s."""
    deadline = time.time() + timeout
    done, last, progress_at, before = 0, None, time.time(), -1
    while time.time() < deadline:
        done, when = _finished(db)
        last = _epoch(when)
        progress.append([round(time.time(), 2), done])
        if done >= n:
            return done, last
        if process.poll() is not None:
            raise RuntimeError(f"the service died:\n{log.read_text(errors='replace')[-3000:]}")
        if done != before:
            progress_at, before = time.time(), done
        elif time.time() - progress_at > STALL_S:
            timeout = time.time() - progress_at
            break
        time.sleep(0.25)
    tail = "\n".join(
        line for line in log.read_text(errors="replace").splitlines() if '"INFO"' not in line
    )[-3000:]
    raise RuntimeError(f"stalled: {done} of {n} finished, no progress for {timeout:.0f} s:\n{tail}")


TRICKLE_FIRST = 100_000  # the number of the first trickle entry (its page /t/100000.html)


def _trickle(served: Served, count: int, timeout: float) -> list[float]:
    """Publish `count` new on-topic entries one at a time; latency of each one's alert."""
    import random

    rng = random.Random(99)
    feed = next(iter(served.corpus.feeds))
    out = []
    for k in range(count):
        n = TRICKLE_FIRST + k
        title, html = _on_topic(n, rng)
        path = f"/t/{n}.html"
        before = len(served.alerts)
        served.add_entry(Entry(f"t{n}", path, feed, title, "on_topic", html))
        deadline = time.time() + timeout
        url = served.url(path)
        while time.time() < deadline:
            with served.lock:
                got = [a for a in served.alerts[before:] if _article_url(a[1]) == url]
            if got:
                out.append(got[0][0] - served.seen_at[path])
                break
            time.sleep(0.02)
        time.sleep(0.3)
    return out


def _article_url(payload: dict[str, object]) -> str | None:
    article = payload.get("article")
    return str(article.get("url")) if isinstance(article, dict) else None
