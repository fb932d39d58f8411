"""A delivery worker process killed with SIGKILL mid-delivery loses nothing and never re-posts
a delivered alert. (The Celery-level version of this test lives with the worker tests.)

The receiver takes the second alert's POST and then stalls, so the worker is killed in the
window between sending and recording. Another worker, once the lease has run out, sends it
again with the same delivery id, which the receiver dedupes; the first alert, delivered
before the kill, is never sent again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
from alerts_helpers import NOW, Receiver, add_article, channel, config, make_payload
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from worker.alerts import compose, outbox
from worker.alerts.channels import build_channels
from worker.alerts.deliver import deliver_due
from worker.store.db import Database
from worker.store.models import Delivery

ROOT = Path(__file__).resolve().parents[3]
WORKER = """
import sys
from datetime import datetime
import httpx
from pydantic import SecretStr
from worker.alerts.channels import build_channels
from worker.alerts.deliver import deliver_due
from worker.config import AlertsConfig, ChannelConfig
from worker.store.db import Database

db_url, hook_url, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
cfg = AlertsConfig(channels=(ChannelConfig(name="c", type="webhook", url=SecretStr(hook_url)),))
db = Database.from_url(db_url)
with httpx.Client(timeout=60) as client:
    channels = build_channels(cfg, client)
    for _ in range(10):
        deliver_due(db, channels=channels, settings=cfg, clock=lambda: now)
"""


class StallingReceiver(Receiver):
    """Accepts like Receiver, but stalls on the first request for `stall_key`."""

    def __init__(self) -> None:
        super().__init__()
        self.stall_key = ""
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, request: Request) -> Response:
        key = request.headers.get("X-Newswatch-Delivery", "")
        if key == self.stall_key and not self.reached.is_set():
            response = super().__call__(request)  # received and processed...
            self.reached.set()
            self.release.wait(30)  # ...but the answer never reaches the killed worker
            return response
        return super().__call__(request)


def test_sigkill_between_send_and_record(sqlite_db: Database) -> None:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    receiver = StallingReceiver()
    server.expect_request(re.compile("^/hook$"), method="POST").respond_with_handler(receiver)
    server.start()
    try:
        _run(sqlite_db, server, receiver)
    finally:
        receiver.release.set()
        server.stop()


def _run(db: Database, server: HTTPServer, receiver: StallingReceiver) -> None:
    url = f"http://127.0.0.1:{server.port}/hook"
    cfg = config(channel("c", "webhook", url))
    with db.session_scope() as session:
        for n in (1, 2, 3):
            payload = make_payload(add_article(session, n), story_id=None)
            outbox.write_alert(session, payload, config=cfg, now=NOW)
        second = session.scalars(select(Delivery).order_by(Delivery.id)).all()[1]
        receiver.stall_key = second.idempotency_key
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db.engine.url), url, NOW.isoformat()],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert receiver.reached.wait(60), "the worker never sent the second alert"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(30)
    receiver.release.set()
    assert worker.returncode == -signal.SIGKILL
    _assert_sending(db, second.id)

    after_lease = NOW + timedelta(seconds=outbox.LEASE_S + 1)
    with httpx.Client(timeout=5) as client:
        channels = build_channels(cfg, client)
        for _ in range(5):
            deliver_due(db, channels=channels, settings=cfg, clock=lambda: after_lease)
    keys = [h["X-Newswatch-Delivery"] for _p, h, _b in receiver.requests]
    first, third = outbox.alert_key(1, "c"), outbox.alert_key(3, "c")
    assert keys == [first, receiver.stall_key, receiver.stall_key, third]
    assert receiver.accepted == [first, receiver.stall_key, third]  # in order, none lost or twice
    with db.session_scope() as session:
        assert set(session.scalars(select(Delivery.state)).all()) == {"delivered"}
    bodies = [compose.is_digest(b) for b in receiver.bodies()]
    assert not any(bodies)


def _assert_sending(db: Database, delivery_id: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with db.session_scope() as session:
            row = session.get(Delivery, delivery_id)
            assert row is not None
            if row.state == "sending":
                return
        time.sleep(0.05)
    raise AssertionError("the killed worker's delivery is not left in `sending`")
