"""The embedded broker (kombu's SQLAlchemy transport on SQLite, worker/celery_app.py) on a
real file: WAL mode, every message handed out once, and no row kept once handed out."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from queue import Empty

from kombu import Connection

import worker.celery_app  # noqa: F401  (registers the nwsqla transport)


def _url(path: Path) -> str:
    return f"nwsqla+sqlite:///{path}"


def test_each_message_is_handed_out_once_and_leaves_no_row(tmp_path: Path) -> None:
    path = tmp_path / "broker.sqlite"
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("work")
        for n in range(20):
            queue.put({"n": n})
        got = []
        for _ in range(20):
            message = queue.get(timeout=5)
            got.append(message.payload["n"])
            message.ack()
        try:
            queue.get(timeout=0.3)
            raise AssertionError("a message was handed out twice")
        except Empty:
            pass
        queue.close()
    assert got == list(range(20))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Stock kombu keeps every delivered message as visible = 0, forever.
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone()[0] == 0


def test_concurrent_publishers_and_a_consumer_never_lock_each_other_out(tmp_path: Path) -> None:
    """Publishers in bursts while a consumer polls: the mix that stalled 10,000 feeds."""
    path = tmp_path / "broker.sqlite"
    per_thread, threads = 300, 3
    errors: list[BaseException] = []

    def publish(worker_no: int) -> None:
        try:
            with Connection(_url(path)) as conn:
                queue = conn.SimpleQueue("work")
                for n in range(per_thread):
                    queue.put({"from": worker_no, "n": n})
                queue.close()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    publishers = [threading.Thread(target=publish, args=(i,)) for i in range(threads)]
    received: set[tuple[int, int]] = set()
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("work")
        for thread in publishers:
            thread.start()
        while len(received) < per_thread * threads:
            message = queue.get(timeout=30)
            received.add((message.payload["from"], message.payload["n"]))
            message.ack()
        queue.close()
    for thread in publishers:
        thread.join()
    assert not errors, errors
    assert len(received) == per_thread * threads
