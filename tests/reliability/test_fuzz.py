"""Property-based fuzzing (hypothesis) of the three parsers that read outside text: feed
documents, URLs and profile queries. Example counts are bounded so the file runs in seconds;
raise them with `--hypothesis-profile` style settings for a long run (docs/reliability.md).

Properties: nothing but the documented error escapes, and what comes back is well-formed.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.corpus import rss
from worker.errors import PermanentError, QuerySyntaxError
from worker.profiles.query import MAX_DEPTH, Node, parse, render
from worker.records import FeedEntry
from worker.sources.feeds import parse_entries
from worker.urls import canonicalize, is_tracking_param

EXAMPLES = int(os.environ.get("NEWSWATCH_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
RSS = {"content-type": "application/rss+xml"}

# --- feeds ---------------------------------------------------------------------------------

_xml_text = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60)


def _entries_or_reason(body: bytes) -> tuple[tuple[FeedEntry, ...], str | None]:
    """The entries, or the reason of the PermanentError (the only error allowed out)."""
    try:
        return parse_entries(body, RSS, "http://example.com/feed", 100)[0], None
    except PermanentError as exc:
        return (), exc.reason


@FUZZ
@given(st.binary(max_size=4000))
def test_any_bytes_are_entries_or_not_a_feed(body: bytes) -> None:
    entries, reason = _entries_or_reason(body)
    assert reason in {None, "not_a_feed"}
    for entry in entries:
        assert entry.key and len(entry.key) <= 2048


@FUZZ
@given(st.lists(st.tuples(_xml_text, _xml_text, _xml_text), max_size=8), st.binary(max_size=40))
def test_mangled_rss_keeps_its_readable_entries(items: list[tuple[str, str, str]],
                                                 junk: bytes) -> None:  # fmt: skip
    when = datetime(2026, 1, 1, tzinfo=UTC)
    doc = rss("t", [(g, f"http://example.com/{i}?{link}", t, when)
                    for i, (g, link, t) in enumerate(items)]).encode()  # fmt: skip
    cut = len(doc) // 2 if junk else len(doc)
    mangled = doc[:cut] + junk + doc[cut:]
    entries, reason = _entries_or_reason(mangled)
    assert reason in {None, "not_a_feed"}
    assert len(entries) <= len(items)
    for entry in entries:
        assert entry.key


# --- URLs ----------------------------------------------------------------------------------

_segment = st.text("abcXYZ019-._~%/", max_size=12)
_param = st.sampled_from(["id", "utm_source", "fbclid", "p", "UTM_Medium", "ref", "page"])


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp", ""]))
    host = draw(st.sampled_from(["Example.COM", "www.example.com.", "[::1]", "127.0.0.1",
                                 "xn--bcher-kva.example", "", "a:b"]))  # fmt: skip
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":99999", ":x"]))
    params = draw(st.lists(st.tuples(_param, _segment), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#"]))
    return f"{scheme}://{host}{port}/{draw(_segment)}?{query}{fragment}"


@FUZZ
@given(st.one_of(_urls(), st.text(max_size=80)))
def test_canonicalize_never_raises_and_is_idempotent(url: str) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once


@FUZZ
@given(_urls())
def test_canonical_http_urls_carry_no_tracking_and_no_fragment(url: str) -> None:
    from urllib.parse import parse_qsl, urlsplit

    canonical = canonicalize(url)
    parts = urlsplit(canonical)
    try:
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.port != -1
    except ValueError:  # a bad port: kept as text, still a key
        valid = False
    if not valid:
        return  # not a usable http(s) URL: kept as text, still a key
    assert parts.fragment == ""
    assert not any(is_tracking_param(k) for k, _ in parse_qsl(parts.query))


# --- profile queries -----------------------------------------------------------------------

_query_atoms = st.sampled_from(["(", ")", "|", "OR", "AND", "NOT", "NEAR/3", "NEAR/0", '"',
                                "xinjiang", "uyghur*", "ab*", "re-education", "~2", "*",
                                "U.N.", "Türk", " "])  # fmt: skip


@FUZZ
@given(st.one_of(st.text(max_size=60), st.lists(_query_atoms, max_size=30).map(" ".join)))
def test_query_parses_or_says_where_it_fails(query: str) -> None:
    node, error = _node_or_error(query)
    if error is not None:
        assert 0 <= error.position <= len(query)
        return
    assert node is not None
    again, _ = _node_or_error(render(node))
    assert again is not None and render(again) == render(node)


def _node_or_error(query: str) -> tuple[Node | None, QuerySyntaxError | None]:
    try:
        return parse(query), None
    except QuerySyntaxError as exc:
        return None, exc


@FUZZ
@given(st.integers(MAX_DEPTH + 1, 20_000), st.sampled_from(["paren", "not", "near"]))
def test_deep_queries_are_syntax_errors_not_crashes(depth: int, kind: str) -> None:
    query = {
        "paren": "(" * depth + "a" + ")" * depth,
        "not": "NOT " * depth + "a",
        "near": "a" + " NEAR/3 a" * depth,
    }[kind]
    node, error = _node_or_error(query)
    assert node is None and error is not None and "nests deeper" in str(error)
