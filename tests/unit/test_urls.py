from __future__ import annotations

import pytest

from worker.urls import canonicalize, outlet_of


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Example.COM:443/a?utm_source=x&b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=abc", "http://example.com:8080/x"),
        ("https://example.com/p?id=5&gclid=1&utm_medium=rss", "https://example.com/p?id=5"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("not a url", "not a url"),
    ],
)
def test_canonicalize(raw: str, canonical: str) -> None:
    assert canonicalize(raw) == canonical


def test_canonicalize_is_idempotent() -> None:
    once = canonicalize("https://www.Example.com/a/b?z=1&utm_campaign=q&y=2#top")
    assert canonicalize(once) == once


def test_outlet_drops_www() -> None:
    assert outlet_of("https://www.bbc.co.uk/news/1") == "bbc.co.uk"
    assert outlet_of("::not a url") == ""
