"""The benchmark's corpus: real news pages, copies, reworded copies, on-topic seed articles.

Pages come from the article-extraction-benchmark (real HTML from many sites; MIT licence, see
its LICENSE) and from seeds/. Every feed entry points at a page served on loopback:

    real       a benchmark page as published (off-topic for the shipped profiles)
    original   a benchmark page with a share of its words replaced: same HTML, new article
    copy       an earlier entry's exact HTML at another URL (syndication)
    reworded   an earlier entry's HTML with a few words changed (a light rewrite)
    on_topic   sentences of written on-topic articles (eval sets, seeds), a new figure

Everything is drawn from a seeded random generator, so a size gives the same corpus each run.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.corpus import article_html, rss
from tests.support.loopback import LoopbackServer, Request, Response

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
SAMPLE_CORPUS = ROOT / "benchmarks" / "data" / "article-extraction-benchmark"
# Shares of entry kinds after the real pages (each served once first); the rest is `original`.
SHARES = {"copy": 0.15, "reworded": 0.15, "on_topic": 0.10}
ORIGINAL_SWAP = 0.7  # words replaced in an `original`: sentence overlap with its page ~0.1
ON_TOPIC_SENTENCES = (12, 24)  # an on-topic entry's sentences, drawn from all the sources
# Claims sets whose articles on-topic entries draw from: fixed, so that the corpus of a size
# stays the same; held-out sets stay out of everything but their scoring.
ON_TOPIC_CLAIM_SETS = ("articles", "set-b", "set-c", "set-d", "set-e")
REWORD_SWAP = 0.1  # words replaced in a `reworded` copy: overlap ~0.8, a near-duplicate
_TEXT_NODE = re.compile(r">([^<]+)<")
_WORD = re.compile(r"[A-Za-z]{4,}")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


@dataclass(frozen=True)
class Page:
    """One benchmark page: its key, HTML and ground-truth text."""

    key: str
    html: str
    truth: str


@dataclass(frozen=True)
class Entry:
    """One feed entry of the run and the page it points at."""

    guid: str
    path: str
    feed: str
    title: str
    kind: str
    html: str


@dataclass
class Corpus:
    """Entries grouped into feeds, served by `serve`."""

    entries: list[Entry]
    feeds: dict[str, list[Entry]] = field(default_factory=dict)


def load_pages(corpus_dir: Path) -> list[Page]:
    """Every page of an article-extraction-benchmark directory (html/*.html.gz + truth)."""
    from trafilatura.utils import decode_file

    truth = json.loads((corpus_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((corpus_dir / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        html = str(decode_file(gzip.decompress(path.read_bytes())))
        pages.append(Page(key, html, (truth.get(key) or {}).get("articleBody") or ""))
    return pages


def _swap_words(html: str, share: float, rng: random.Random, vocabulary: list[str]) -> str:
    """Replace `share` of the words in text nodes (scripts and attributes untouched)."""

    def node(match: re.Match[str]) -> str:
        words = _WORD.sub(
            lambda w: rng.choice(vocabulary) if rng.random() < share else w.group(0),
            match.group(1),
        )
        return f">{words}<"

    parts, last = [], 0
    for script in _SCRIPT.finditer(html):
        parts.append(_TEXT_NODE.sub(node, html[last : script.start()]))
        parts.append(script.group(0))
        last = script.end()
    parts.append(_TEXT_NODE.sub(node, html[last:]))
    return "".join(parts)


@functools.cache
def on_topic_sources() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Titles and sentences of written news on the story: the on-topic articles of the
    profiles evaluation set (seeds included) and of claims sets A to E."""
    from worker.dedupe.fingerprint import split_raw_sentences
    from worker.evaluate import claims, profiles

    titles, texts = [], []
    for item in profiles.load_set():
        if item.labels:
            titles.append(item.article.title)
            texts.append(item.article.text)
    for name in ON_TOPIC_CLAIM_SETS:
        texts.extend(article.text for article in claims.load_set(claims.EVAL_DIR / name))
    sentences = dict.fromkeys(s for t in texts for s in split_raw_sentences(t) if len(s) > 40)
    return tuple(titles), tuple(sentences)


def _on_topic(n: int, rng: random.Random) -> tuple[str, str]:
    """A new on-topic article: sentences of written coverage of the story, and a new figure.

    Real coverage retells the story's background in its own mix and adds new lines. Here a
    sentence is new the first time an entry carries it and known afterwards (the claims
    stage sees both), and the figure is always new. Sentences are drawn one by one from all
    the sources, so that no two entries share much of their text: they are new articles to
    dedupe, not copies, which are entries of their own kinds."""
    titles, sentences = on_topic_sources()
    picked = rng.sample(sentences, rng.randint(*ON_TOPIC_SENTENCES))
    picked.insert(
        1,
        f"Officials in Urumqi said on Tuesday that {1000 + n * 7} detainees had been moved "
        f"to facility number {n}, according to a statement seen by reporters.",
    )
    body = [" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]
    title = f"{rng.choice(titles)} ({n})"
    return title, article_html(title, "\n".join(body))


def build(pages: list[Page], n_entries: int, n_feeds: int, seed: int = 7) -> Corpus:
    """A corpus of `n_entries` entries over `n_feeds` feeds (see the module docstring)."""
    rng = random.Random(seed)
    vocabulary = sorted({w for p in pages for w in _WORD.findall(p.truth)}) or ["word"]
    entries: list[Entry] = []
    for n in range(n_entries):
        feed = f"/feeds/{n % n_feeds}.xml"
        if n < len(pages):
            kind, html, title = "real", pages[n].html, pages[n].key
        else:
            roll, kind = rng.random(), "original"
            for name, share in SHARES.items():
                if roll < share:
                    kind = name
                    break
                roll -= share
            title, html = _make(kind, n, rng, pages, entries, vocabulary)
        entries.append(Entry(f"e{n}", f"/a/{n}.html", feed, title, kind, html))
    corpus = Corpus(entries)
    for entry in entries:
        corpus.feeds.setdefault(entry.feed, []).append(entry)
    return corpus


def _make(
    kind: str,
    n: int,
    rng: random.Random,
    pages: list[Page],
    entries: list[Entry],
    vocabulary: list[str],
) -> tuple[str, str]:
    if kind == "on_topic":
        return _on_topic(n, rng)
    if kind in ("copy", "reworded") and entries:
        earlier = rng.choice(entries)
        if kind == "copy":
            return earlier.title, earlier.html
        return earlier.title, _swap_words(earlier.html, REWORD_SWAP, rng, vocabulary)
    page = rng.choice(pages)
    return f"{page.key}-{n}", _swap_words(page.html, ORIGINAL_SWAP, rng, vocabulary)


class Served:
    """The loopback server for a corpus: feeds (ETag, 304), pages and a webhook receiver.

    It records when each feed version was first served (the poll that sees an item) and
    when each alert arrived, keyed by the article URL in the payload.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.server = LoopbackServer()
        self.corpus = corpus
        self.lock = threading.Lock()
        self.feed_versions: dict[str, int] = {}
        self.seen_at: dict[str, float] = {}  # entry path -> first time a feed listing it served
        self.alerts: list[tuple[float, dict[str, object]]] = []
        for entry in corpus.entries:
            self._page(entry)
        for path in corpus.feeds:
            self._feed(path)
        self.server.route("/hook", self._hook)

    def url(self, path: str) -> str:
        """Absolute URL of a served path."""
        return self.server.url(path)

    def add_entry(self, entry: Entry) -> None:
        """Publish one more entry in its feed (a new feed version, a new ETag)."""
        self._page(entry)
        with self.lock:
            self.corpus.feeds.setdefault(entry.feed, []).append(entry)
            self.corpus.entries.append(entry)
        self._feed(entry.feed)

    def _page(self, entry: Entry) -> None:
        self.server.static(
            entry.path, entry.html, headers={"Content-Type": "text/html; charset=utf-8"}
        )

    def _feed(self, path: str) -> None:
        with self.lock:
            version = self.feed_versions.get(path, 0) + 1
            self.feed_versions[path] = version
            entries = list(self.corpus.feeds[path])
        etag = f'"v{version}"'
        now = _utcnow()
        items = [(e.guid, self.url(e.path), e.title, now) for e in entries]
        body = rss(f"Bench feed {path}", items).encode()

        def handler(request: Request) -> Response:
            if request.headers.get("if-none-match") == etag:
                return Response(304, b"", {"ETag": etag})
            served = time.time()
            with self.lock:
                for entry in entries:
                    self.seen_at.setdefault(entry.path, served)
            return Response(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})

        self.server.route(path, handler)

    def _hook(self, request: Request) -> Response:
        payload = json.loads(request.body or b"{}")
        with self.lock:
            self.alerts.append((time.time(), payload))
        return Response(200, b"ok")

    def latencies(self) -> list[float]:
        """Seconds from the poll that saw each alerted article to its alert's arrival."""
        base = self.server.base
        out = []
        with self.lock:
            for arrived, payload in self.alerts:
                article = payload.get("article")
                url = article.get("url") if isinstance(article, dict) else None
                path = str(url or "").removeprefix(base)
                if path in self.seen_at:
                    out.append(arrived - self.seen_at[path])
        return out

    def close(self) -> None:
        """Stop serving."""
        self.server.close()


def _utcnow():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)
