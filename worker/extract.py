"""Page -> Article with trafilatura; the feed's summary when the page gives nothing.

The same `extract_html` call is what the benchmark times as "raw trafilatura", so the
pipeline's overhead around it is measured against exactly this.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import set_date_params
from trafilatura.utils import decode_file

from worker.errors import PermanentError
from worker.records import Article, FeedEntry, Page
from worker.urls import canonicalize, outlet_of

# Below this many characters trafilatura has found a stub (a paywall, a cookie wall), not an
# article; the feed summary is usually better, and it is marked as such.
MIN_TEXT_CHARS = 200
# Language is guessed from the opening of the text: the first paragraphs decide it, and
# classifying a whole long article costs more for no better answer.
LANGUAGE_SAMPLE_CHARS = 2000
# The width of articles.outlet (store/models.py): trafilatura may take a page's whole <title>
# as its site name, and PostgreSQL rejects a longer value (found by benchmarks/run.py).
OUTLET_MAX_CHARS = 255
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def decode_html(content: bytes, declared_charset: str | None) -> str:
    """Text of an HTML body: the declared charset when it decodes cleanly, else detection."""
    if declared_charset:
        try:
            return content.decode(declared_charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown charset label: fall back to detection
    return str(decode_file(content))


def extract_html(html: str, url: str | None = None) -> trafilatura.settings.Document | None:
    """The trafilatura call the pipeline makes (and the benchmark times as raw extraction).

    The publication date comes from the page's metadata (meta tags, JSON-LD, URL, <time>),
    not from htmldate's extensive search of the text: that search cost 10% of extraction on
    the 181 benchmark pages, more where the text is full of date-like words, and dated only 2
    of them that the metadata did not, while a feed entry carries its own date
    (docs/performance.md)."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Made at each call: it holds today's date as the latest a page may be dated, and a
        # worker runs for weeks.
        date_extraction_params=set_date_params(extensive=False),
    )
    return doc if isinstance(doc, trafilatura.settings.Document) else None


def article_from_page(page: Page, entry: FeedEntry | None = None) -> Article:
    """Extract the article of a fetched page; fall back to the entry summary, else raise."""
    doc = extract_html(page.html, page.final_url)
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        if entry is not None and plain_text(entry.summary):
            return article_from_entry(entry, page.final_url)
        raise PermanentError("the page holds no article text", reason="no_text")
    canonical = _canonical(page.final_url, doc.url if doc is not None else None)
    return Article(
        url=page.final_url,
        canonical_url=canonical,
        title=(doc.title if doc is not None and doc.title else (entry.title if entry else "")),
        text=text,
        outlet=(doc.sitename if doc is not None and doc.sitename else outlet_of(canonical))[
            :OUTLET_MAX_CHARS
        ],
        source="page",
        author=(doc.author if doc is not None else None) or None,
        published=_date(doc.date if doc is not None else None)
        or (entry.published if entry else None),
        language=guess_language(text),
    )


def article_from_entry(entry: FeedEntry, final_url: str | None = None) -> Article:
    """The article as the feed told it, when its page cannot be had: marked `feed_summary`."""
    url = final_url or entry.link
    canonical = canonicalize(url) if url else entry.key
    text = plain_text(entry.summary)
    if not text and not entry.title:
        raise PermanentError("no page and no summary", reason="no_text")
    return Article(
        url=url or entry.key,
        canonical_url=canonical,
        title=entry.title,
        text=text,
        outlet=outlet_of(canonical),
        source="feed_summary",
        published=entry.published,
        language=guess_language(text) if text else None,
    )


def article_from_text(text: str, name: str, title: str | None = None) -> Article:
    """An article from a plain-text file (the seeds, `newswatch ingest FILE`)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return Article(
        url=name,
        canonical_url=name,
        title=title if title is not None else (lines[0] if lines else ""),
        text=text.strip(),
        outlet="file",
        source="file",
        language=guess_language(text),
    )


def plain_text(fragment: str) -> str:
    """Feed summaries are HTML fragments: tags out, entities decoded, spaces collapsed."""
    text = htmllib.unescape(_TAGS.sub(" ", fragment))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for too little text."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(sample) < 20:  # a headline-sized snippet is too short to tell reliably
        return None
    import py3langid

    language, _score = py3langid.classify(sample)
    return str(language)


def warm_up() -> None:
    """Load what extraction loads on first use: py3langid's model (0.4 s) and trafilatura's
    and htmldate's set-up (0.17 s). Called in the service's parent before the pool forks, so
    the children share one copy instead of each paying it on its first article."""
    sample = "<html><body><article><p>{}</p></article></body></html>".format(
        "The council met on Tuesday and discussed the budget for the coming year. " * 5
    )
    doc = extract_html(sample, "https://example.org/warm-up")
    guess_language(doc.text if doc is not None and doc.text else sample)


def _canonical(final_url: str, declared: str | None) -> str:
    """The page's rel=canonical when it is an http(s) URL on the same site, else the final URL.

    A canonical link to another site is not trusted: a copier could otherwise claim the
    original's URL and pass its text off as a revision of the original.
    """
    same_site = declared and _site(outlet_of(declared)) == _site(outlet_of(final_url))
    if declared and same_site and declared.startswith(("http://", "https://")):
        return canonicalize(declared)
    return canonicalize(final_url)


def _site(host: str) -> str:
    # The last two labels approximate the registrable domain (enough to tell sites apart).
    return ".".join(host.split(".")[-2:])


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
