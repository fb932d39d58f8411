"""Profile the hot path (extract -> match -> dedupe -> claims -> store -> alert) with pyinstrument.

Serves a corpus on loopback (as benchmarks/run.py does) and runs `poll_once` in this process:
pages are fetched by threads, every entry is processed on the main thread, which is what is
profiled. Needs pyinstrument (`pip install pyinstrument`; not a project dependency).

    python benchmarks/profile_hot_path.py [--entries 300] [--corpus DIR]

Writes benchmarks/results/profile.txt (and tmp/profile.html, too large to commit) and prints
the text report.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from benchmarks.corpus import SHARED_CORPUS, Served, build, load_pages
from tests.support.corpus import write_config

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    """Profile one `poll_once` pass over the corpus; write the reports."""
    from pyinstrument import Profiler

    from worker.config import load_settings
    from worker.runner import poll_once

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    args = parser.parse_args()
    served = Served(build(load_pages(args.corpus), args.entries, 4))
    try:
        with tempfile.TemporaryDirectory(prefix="newswatch-profile-") as tmp:
            feeds = [(f"p{i}", path) for i, path in enumerate(served.corpus.feeds)]
            alerts = {"channels": [{"name": "bench", "type": "webhook",
                                    "url": served.url("/hook"), "secret": "s"}],
                      "story_quiet_after": 100000}  # fmt: skip
            cfg = write_config(Path(tmp), served.server, feeds, alerts=alerts,
                               log={"level": "WARNING"})  # fmt: skip
            settings = load_settings(cfg)
            profiler = Profiler(interval=0.002)
            started = time.perf_counter()
            with profiler:
                summary = poll_once(settings)
            elapsed = time.perf_counter() - started
    finally:
        served.close()
    (RESULTS / "tmp").mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (RESULTS / "profile.txt").write_text(text, encoding="utf-8")
    (RESULTS / "tmp" / "profile.html").write_text(profiler.output_html(), encoding="utf-8")
    print(text)
    print(summary.format())
    print(f"{args.entries} entries in {elapsed:.1f} s: {args.entries / elapsed:.1f} articles/s "
          "(one process)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
