"""Polling one feed over real loopback HTTP: statuses, conditional GET, ill-formed feeds."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.corpus import rss
from tests.support.loopback import LoopbackServer, Response
from worker.config import FetchConfig
from worker.net import build_client
from worker.sources.feeds import poll

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "feedparser-corpus"
RSS = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(FetchConfig(timeout=1.0, max_redirects=3), guarded=False) as c:
        yield c


def _poll(client: httpx.Client, url: str, **kw: object) -> object:
    args: dict[str, object] = {"etag": None, "last_modified": None, "max_bytes": 1_000_000,
                               "deadline_s": 2.0, "max_entries": 1000}  # fmt: skip
    args.update(kw)
    return poll(client, url, **args)  # type: ignore[arg-type]


def _feed(n: int = 3) -> str:
    from datetime import UTC, datetime

    when = datetime(2024, 1, 1, tzinfo=UTC)
    return rss("t", [(f"g{i}", f"http://example.com/{i}", f"title {i}", when) for i in range(n)])


def test_ok_then_not_modified_with_conditional_headers(server: LoopbackServer, client) -> None:
    server.conditional("/f", _feed(), etag='"e1"', content_type="application/rss+xml")
    first = _poll(client, server.url("/f"))
    assert first.status == "ok" and len(first.entries) == 3 and first.etag == '"e1"'
    second = _poll(client, server.url("/f"), etag=first.etag)
    assert second.status == "not_modified"
    assert server.hits("/f")[-1].headers["if-none-match"] == '"e1"'


def test_the_same_bytes_without_validators_count_as_not_modified(
    server: LoopbackServer, client
) -> None:
    server.static("/f", _feed(), headers=RSS)  # no ETag, no Last-Modified: a plain 200
    first = _poll(client, server.url("/f"))
    assert first.status == "ok" and len(first.entries) == 3 and first.body_hash
    again = _poll(client, server.url("/f"), body_hash=first.body_hash)
    assert (again.status, again.entries, again.http_status) == ("not_modified", (), 200)
    server.static("/f", _feed(4), headers=RSS)
    changed = _poll(client, server.url("/f"), body_hash=first.body_hash)
    assert changed.status == "ok" and len(changed.entries) == 4
    assert changed.body_hash != first.body_hash


def test_last_modified_is_sent_back(server: LoopbackServer, client) -> None:
    server.static("/f", _feed(), headers={**RSS, "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})
    first = _poll(client, server.url("/f"))
    _poll(client, server.url("/f"), last_modified=first.last_modified)
    assert server.hits("/f")[-1].headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_server_error_is_a_fixed_reason(server: LoopbackServer, client) -> None:
    server.static("/f", "boom", status=500)
    assert _poll(client, server.url("/f")).status == "http_5xx"


def test_gone_and_rate_limited(server: LoopbackServer, client) -> None:
    server.static("/gone", "", status=410)
    server.static("/busy", "", status=429, headers={"Retry-After": "120"})
    assert _poll(client, server.url("/gone")).status == "gone"
    busy = _poll(client, server.url("/busy"))
    assert busy.status == "http_429" and busy.retry_after == 120


def test_permanent_redirect_reports_the_new_url(server: LoopbackServer, client) -> None:
    server.static("/new", _feed(), headers=RSS)
    server.static("/old", "", status=301, headers={"Location": server.url("/new")})
    result = _poll(client, server.url("/old"))
    assert result.status == "ok" and result.new_url == server.url("/new")


def test_html_page_is_not_a_feed(server: LoopbackServer, client) -> None:
    server.static("/page", "<html><body><p>Hello</p></body></html>",
                  headers={"Content-Type": "text/html"})  # fmt: skip
    assert _poll(client, server.url("/page")).status == "not_a_feed"


def test_unescaped_ampersand_keeps_entries(server: LoopbackServer, client) -> None:
    broken = _feed(2).replace("<title>title 0</title>", "<title>Tom & Jerry</title>")
    server.static("/f", broken, headers=RSS)
    result = _poll(client, server.url("/f"))
    assert result.status == "ok"
    assert len(result.entries) == 2
    assert result.bozo_reason is not None


def test_gzip_feed(server: LoopbackServer, client) -> None:
    server.static("/f", _feed(), headers=RSS, gzip=True)
    assert len(_poll(client, server.url("/f")).entries) == 3


def test_size_cap_and_gzip_bomb(server: LoopbackServer, client) -> None:
    server.static("/big", "x" * 2_000_000, headers=RSS)
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000)
    server.route("/bomb", lambda _r: Response(200, bomb, {**RSS, "Content-Encoding": "gzip"}))
    assert _poll(client, server.url("/big")).status == "too_large"
    assert _poll(client, server.url("/bomb")).status == "too_large"


def test_redirect_loop(server: LoopbackServer, client) -> None:
    server.static("/a", "", status=302, headers={"Location": server.url("/b")})
    server.static("/b", "", status=302, headers={"Location": server.url("/a")})
    assert _poll(client, server.url("/a")).status == "redirect_loop"


def test_server_that_never_answers(server: LoopbackServer, client) -> None:
    server.static("/slow", _feed(), headers=RSS, hang=5)
    assert _poll(client, server.url("/slow")).status == "timeout"


def test_server_that_drips(server: LoopbackServer, client) -> None:
    server.static("/drip", _feed(), headers=RSS, drip_delay=0.05)
    assert _poll(client, server.url("/drip"), deadline_s=0.5).status == "timeout"


def test_refused_connection(client) -> None:
    assert _poll(client, "http://127.0.0.1:9/feed").status == "connect"


def test_entries_without_guid_use_the_canonical_link(server: LoopbackServer, client) -> None:
    doc = ('<rss version="2.0"><channel><title>t</title><item><title>a</title>'
           '<link>http://example.com/a?utm_source=rss</link></item></channel></rss>')  # fmt: skip
    server.static("/f", doc, headers=RSS)
    (entry,) = _poll(client, server.url("/f")).entries
    assert entry.key == "http://example.com/a"


@pytest.mark.parametrize(
    "path", sorted(CORPUS.rglob("*.xml")), ids=lambda p: str(p.relative_to(CORPUS))
)
def test_feedparser_corpus_never_crashes_a_poll(path: Path, server: LoopbackServer, client) -> None:
    server.static("/c", path.read_bytes(), headers={"Content-Type": "application/xml"})
    result = _poll(client, server.url("/c"))
    assert result.status in {"ok", "not_a_feed"}
    for entry in result.entries:
        assert entry.key
