"""Starting and stopping real `newswatch` processes for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_newswatch(config: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m worker --config CONFIG ARGS...` in its own process group, output to `log`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["PYTHONPATH"] = str(ROOT)
    with log.open("wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "worker", "--config", str(config), *args],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM the main process (a warm shutdown: it stops its own pool), then SIGKILL the
    whole process group if it is still there."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, log: Path | None = None
) -> None:
    """Poll `condition` every 0.2 s until true; fail with `what` (and the log tail) otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")
