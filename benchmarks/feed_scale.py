"""Feed scaling: N feeds on loopback polled by the real service, most answering 304.

Each feed is a small RSS document with an ETag. The first cycle answers 200 (the service
learns the ETag); after it, every poll sends If-None-Match and gets 304. Feeds are due every
second, so the service is saturated with polls: the measured rate is its ceiling, and a
15-minute cycle of N feeds needs N / 900 polls per second. CPU per poll is the service's
process-group CPU time (all processes, the scheduler included) over the polls in a window.

    python benchmarks/feed_scale.py [--sizes 100,1000,10000] [--mode embedded|redis_pg]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from benchmarks.pipeline_run import (
    RssSampler,
    backend,
    finally_on_sigterm,
    free_port,
    group_cpu_s,
)
from tests.support.corpus import rss, write_config
from tests.support.loopback import LoopbackServer, Request, Response
from tests.support.processes import start_newswatch, stop

CYCLE_S = 900.0  # the 15-minute cycle of the target (GDELT's rhythm)
WINDOW_S = 20.0  # seconds of steady polling measured after the first cycle


class Feeds:
    """N conditional feeds; counts answers by status."""

    def __init__(self, n: int) -> None:
        self.server = LoopbackServer()
        self.lock = threading.Lock()
        self.counts = {200: 0, 304: 0}
        self.first: set[str] = set()
        self.first_at: float | None = None
        self.cycle_done_at: float | None = None
        self.n = n
        body = rss("Scale feed", []).encode()
        for i in range(n):
            self.server.route(f"/f/{i}.xml", self._handler(f"/f/{i}.xml", body))

    def _handler(self, path: str, body: bytes) -> Any:
        etag = '"v1"'

        def handler(request: Request) -> Response:
            hit = request.headers.get("if-none-match") == etag
            with self.lock:
                self.counts[304 if hit else 200] += 1
                self.first_at = self.first_at or time.time()
                self.first.add(path)
                if len(self.first) == self.n and self.cycle_done_at is None:
                    self.cycle_done_at = time.time()
            if hit:
                return Response(304, b"", {"ETag": etag})
            return Response(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})

        return handler

    def snapshot(self) -> tuple[float, int, int]:
        """(time, 200s, 304s) now."""
        with self.lock:
            return time.time(), self.counts[200], self.counts[304]


def one_size(
    n: int, mode: str, tmp: Path, concurrency: int, first_cycle_timeout: float
) -> dict[str, Any]:
    """Poll N feeds with the service; the first cycle's time and the steady 304 rate."""
    feeds = Feeds(n)
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        with backend(mode, tmp) as keys:
            cfg = write_config(
                tmp,
                feeds.server,
                [(f"f{i}", f"/f/{i}.xml") for i in range(n)],
                poll={"tick": 1, "min_interval": 1, "default_interval": 1, "max_interval": 2},
                metrics={"port": free_port()},
                log={"level": "WARNING"},
                **keys,
            )
            started = time.time()
            process = start_newswatch(cfg, "run", "--concurrency", str(concurrency),
                                      log=tmp / "service.log")  # fmt: skip
            sampler = RssSampler(process.pid)
            sampler.start()
            try:
                return _measure(feeds, process.pid, started, first_cycle_timeout, sampler)
            finally:
                stop(process)
                sampler.done.set()
    finally:
        feeds.server.close()


def _measure(feeds: Feeds, pgid: int, started: float, timeout: float,
             sampler: RssSampler) -> dict[str, Any]:  # fmt: skip
    deadline = time.time() + timeout
    while feeds.cycle_done_at is None and time.time() < deadline:
        time.sleep(0.2)
    first_at = feeds.first_at or time.time()
    cycle = (feeds.cycle_done_at - first_at) if feeds.cycle_done_at else None
    t0, ok0, nm0 = feeds.snapshot()
    cpu0 = group_cpu_s(pgid)
    time.sleep(WINDOW_S)
    t1, ok1, nm1 = feeds.snapshot()
    cpu1 = group_cpu_s(pgid)
    polls = (ok1 - ok0) + (nm1 - nm0)
    rate = polls / (t1 - t0)
    return {
        "feeds": feeds.n,
        "startup_s": round(first_at - started, 1),
        "first_cycle_s": round(cycle, 1) if cycle is not None else None,
        "first_cycle_polled": len(feeds.first),
        "window_s": round(t1 - t0, 1),
        "window_polls": polls,
        "window_304_share": round((nm1 - nm0) / polls, 3) if polls else 0.0,
        "polls_per_s": round(rate, 1),
        "cpu_ms_per_poll": round(1000 * (cpu1 - cpu0) / polls, 2) if polls else None,
        "cycle_s_at_this_rate": round(feeds.n / rate, 1) if rate else None,
        "fits_15_min": bool(rate and feeds.n / rate <= CYCLE_S),
        "memory": sampler.report(),
    }


def feed_scaling(sizes: list[int], tmp: Path, concurrency: int, mode: str = "embedded",
                 first_cycle_timeout: float = 240.0) -> dict[str, Any]:  # fmt: skip
    """One measurement per size, and a summary line per size."""
    runs = [one_size(n, mode, tmp / f"{mode}-{n}", concurrency, first_cycle_timeout)
            for n in sizes]  # fmt: skip
    summary = {
        str(r["feeds"]): {k: r[k] for k in ("polls_per_s", "cpu_ms_per_poll",
                                            "first_cycle_s", "fits_15_min")}
        for r in runs
    }  # fmt: skip
    return {"mode": mode, "runs": runs, "summary": summary}


def main() -> int:
    """Print the feed-scaling report as JSON."""
    finally_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--mode", default="embedded", choices=["embedded", "redis_pg"])
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--first-cycle-timeout", type=float, default=240.0)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="newswatch-feeds-") as tmp:
        report = feed_scaling(sizes, Path(tmp), args.concurrency, args.mode,
                              args.first_cycle_timeout)  # fmt: skip
    report["load_at_end"] = list(os.getloadavg())
    text = json.dumps(report, indent=2)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
