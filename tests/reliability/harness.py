"""Throwaway servers and a synthetic news corpus for the fault tests.

Each fault test owns its Redis (and, where it restarts the database, its PostgreSQL
cluster) on a free port in a temporary directory, so restarting them disturbs nobody else.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.support.corpus import article_html, rss, seed_texts
from tests.support.loopback import LoopbackServer, Request, Response
from worker.store.db import Database
from worker.store.models import Alert, Article, Delivery, Entry, Feed

PG_BIN = Path("/usr/lib/postgresql/15/bin")
HTML = {"Content-Type": "text/html; charset=utf-8"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, up: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise AssertionError(f"port {port} did not come {'up' if up else 'down'} in {timeout} s")


class RedisServer:
    """A private redis-server with append-only persistence, as compose runs it."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        directory.mkdir(parents=True, exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Start (again) on the same port and data directory."""
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--appendonly", "yes", "--save", "",
                "--maxmemory-policy", "noeviction"]  # fmt: skip
        log = (self.directory / "redis.log").open("ab")
        self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        """SIGTERM (Redis flushes its append-only file) and wait until the port is free."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(20)
        _wait_port(self.port, up=False)

    def restart(self, down_s: float = 0.0) -> None:
        """Stop, stay down `down_s` seconds, start again."""
        self.stop()
        time.sleep(down_s)
        self.start()


class PostgresCluster:
    """A private PostgreSQL 15 cluster (initdb + pg_ctl) run by the `postgres` OS user."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise FileNotFoundError(PG_BIN / "initdb")
        self.root = Path(tempfile.mkdtemp(prefix="nw-pg-"))
        self.data, self.port = self.root / "data", free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._as_user([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                       "-A", "trust", "--no-sync"])  # fmt: skip
        self.start()

    def _as_user(self, args: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + args, check=True, capture_output=True, timeout=120)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l",
                       str(self.root / "pg.log"), "-o", options, "-w", *args])  # fmt: skip

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        self._ctl("start")
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a database restart."""
        self._ctl("-m", "fast", "stop")

    def restart(self, down_s: float = 0.0) -> None:
        """Stop, stay down `down_s` seconds, start again."""
        self.stop()
        time.sleep(down_s)
        self.start()

    def destroy(self) -> None:
        """Stop (immediately) and delete the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class HookReceiver:
    """The webhook end of the loopback server: dedupes on X-Newswatch-Delivery.

    While `down` it answers 503 (a chat service in an outage); `posts` counts every POST per
    delivery id, so a re-post of a delivered alert is visible.
    """

    down: bool = False
    posts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Response:
        if self.down:
            return Response(503, b"down", {"Retry-After": "1"})
        key = request.headers.get("x-newswatch-delivery", "")
        with self.lock:
            self.posts[key] += 1
        return Response(200, b"{}", {"Content-Type": "application/json"})

    def duplicates(self) -> int:
        """POSTs beyond the first for each delivery id (what a receiver must dedupe)."""
        with self.lock:
            return sum(n - 1 for n in self.posts.values())


def _salad(rng: random.Random, words: list[str], n: int) -> str:
    sentences = []
    while n > 0:
        length = rng.randint(8, 18)
        sentence = " ".join(rng.choice(words) for _ in range(length))
        sentences.append(sentence.capitalize() + ".")
        n -= length
    return " ".join(sentences)


def serve_corpus(server: LoopbackServer, count: int, seed: int = 7) -> list[str]:
    """`count` distinct on-topic article pages and an RSS feed of them at /feed.xml.

    Each page is a paragraph on the xinjiang profile's facets and ~350 words drawn at random
    from the seeds' vocabulary, so no two are near-duplicates and each raises an alert.
    Returns the page URLs.
    """
    rng = random.Random(seed)
    vocabulary = sorted({w.strip(".,;:\"'()").lower() for t in seed_texts().values()
                         for w in t.split() if w.isalpha() and len(w) > 3})  # fmt: skip
    topic = ("Uyghur families in Xinjiang describe detention camps, forced labour and mass "
             "surveillance; rights groups call the Xinjiang repression crimes against "
             "humanity.")  # fmt: skip
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items, urls = [], []
    for i in range(count):
        path = f"/story/{i}.html"
        title = f"Xinjiang detention camps: Uyghur account {i}"
        paragraphs = [topic, *(_salad(rng, vocabulary, 70) for _ in range(5)), topic]
        server.static(path, article_html(title, "\n".join(paragraphs)), headers=HTML)
        items.append((f"fault-{i}", server.url(path), title, start + timedelta(minutes=i)))
        urls.append(server.url(path))
    server.conditional("/feed.xml", rss("Fault corpus", items), etag='"c1"',
                       content_type="application/rss+xml")  # fmt: skip
    return urls


def time_travel(db: Database, seconds: float) -> None:
    """Move the recovery clocks `seconds` forward while no worker runs.

    Every lease, queue time and due time the recovery sweeps read is shifted back, which is
    what waiting that long would do: leases of a killed worker run out (entries: 300 s,
    deliveries: 120 s), stranded entries pass their grace (600 s), claimed feeds come due.
    The worker code is untouched; only the clock is faked, at the database edge.
    """
    shift = timedelta(seconds=seconds)
    with db.session_scope() as session:
        rows: list[Entry | Feed | Delivery] = [
            *session.scalars(select(Entry)),
            *session.scalars(select(Feed)),
            *session.scalars(select(Delivery)),
        ]
        for row in rows:
            for name in _CLOCKS[type(row).__name__]:
                value = getattr(row, name)
                if value is not None:
                    setattr(row, name, value - shift)


_CLOCKS = {
    "Entry": ("lease_until", "queued_at", "first_seen_at"),
    "Feed": ("next_check_at",),
    "Delivery": ("lease_until", "next_attempt_at"),
}


@dataclass(frozen=True)
class Tally:
    """What the database holds after a run."""

    entries: Counter[str]
    errors: Counter[str]
    articles: int
    articles_per_entry: int  # distinct article ids the done entries point at
    deliveries: Counter[str]
    keys: frozenset[str] = field(repr=False)
    alerts: int
    most_attempts: int = 0  # leases the most tried entry took (each death of a worker counts)

    @property
    def settled(self) -> bool:
        """No entry or delivery is left unfinished."""
        open_entries = self.entries["pending"]
        open_deliveries = self.deliveries["pending"] + self.deliveries["sending"]
        return open_entries == 0 and open_deliveries == 0


def tally(db: Database) -> Tally:
    """Counts of entries by state, articles, deliveries by state."""
    with db.session_scope() as session:
        entries = Counter(dict(session.execute(select(Entry.state, func.count())
                                               .group_by(Entry.state)).all()))  # fmt: skip
        errors = Counter(dict(session.execute(
            select(Entry.error_reason, func.count()).where(Entry.error_reason.is_not(None))
            .group_by(Entry.error_reason)).all()))  # fmt: skip
        articles = int(session.scalar(select(func.count()).select_from(Article)) or 0)
        per_entry = int(session.scalar(select(func.count(func.distinct(Entry.article_id)))) or 0)
        deliveries = Counter(dict(session.execute(select(Delivery.state, func.count())
                                                  .group_by(Delivery.state)).all()))  # fmt: skip
        keys = frozenset(session.scalars(select(Delivery.idempotency_key)))
        alerts = int(session.scalar(select(func.count()).select_from(Alert)) or 0)
        most_attempts = int(session.scalar(select(func.max(Entry.attempts))) or 0)
    return Tally(entries, errors, articles, per_entry, deliveries, keys, alerts, most_attempts)


def safe_tally(db: Database) -> Tally | None:
    """tally(), or None while the database is unreachable (during a restart)."""
    try:
        return tally(db)
    except Exception:  # any driver error while the server is down
        return None


def process_fetching_from(process_group: int, port: int) -> int | None:
    """The process of `process_group` with a connection open to 127.0.0.1:`port` (a pool
    process downloading a page from the loopback server), or None. Read from /proc: the
    sockets connected to the port (/proc/net/tcp), then whose descriptors they are."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[3] == "01":  # ESTABLISHED
                    inodes.add(f"socket:[{fields[9]}]")
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            stat = (pid_dir / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != process_group:
                continue
            if any(os.readlink(fd) in inodes for fd in (pid_dir / "fd").iterdir()):
                return int(pid_dir.name)
        except OSError:  # the process ended meanwhile
            continue
    return None
