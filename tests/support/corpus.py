"""Feeds and article pages built from seeds/ (and off-topic pages), served over loopback."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from tests.support.loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"

SEED_TITLES = {
    "000": "China denounces UN report citing possible crimes against humanity in Xinjiang",
    "001": "China criticizes UN report alleging rights violations in Xinjiang",
    "002": "UN reports possible crimes against humanity in China's Xinjiang",
    "003": "China Should Release All Detainees in Xinjiang, UN Says",
    "004": "China: International response to crimes against humanity in Xinjiang is "
    "'woefully inadequate'",
}
SEED_OUTLETS = {
    "000": "thejournal.example",
    "001": "afp-copy.example",
    "002": "contentfarm.example",
    "003": "asiafinancial.example",
    "004": "amnesty.example",
}


@dataclass(frozen=True)
class PageSpec:
    """One article page: where it is served and what it holds."""

    path: str
    title: str
    text: str
    published: datetime


def seed_texts() -> dict[str, str]:
    """The seed files by their number prefix ('000'...)."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def article_html(title: str, text: str, canonical: str | None = None) -> str:
    """A realistic news page: navigation, the article in <article>, related links, footer."""
    paragraphs = "\n".join(
        f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip()
    )
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{link}
<meta name="author" content="Staff Reporter"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
</nav></header>
<main><article><h1>{html.escape(title)}</h1>
{paragraphs}
</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Local council approves new car park</a></li>
<li><a href="/y">Weather: rain expected all week</a></li></ul></aside></main>
<footer><p>© Example News. All rights reserved.</p></footer></body></html>"""


def rss(channel_title: str, items: list[tuple[str, str, str, datetime]]) -> str:
    """An RSS 2.0 document; items are (guid, link, title, published)."""
    body = "\n".join(
        f'<item><guid isPermaLink="false">{html.escape(guid)}</guid>'
        f"<link>{html.escape(link)}</link><title>{html.escape(title)}</title>"
        f"<description>{html.escape(title)}</description>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for guid, link, title, when in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{html.escape(channel_title)}</title>
<link>http://example.invalid/</link><description>fixture</description>
{body}
</channel></rss>"""


def serve_seed_feed(server: LoopbackServer, path: str = "/feed.xml") -> list[PageSpec]:
    """Serve every seed as a page and one RSS feed (with an ETag) listing them all."""
    start = datetime(2022, 9, 1, 8, 0, tzinfo=UTC)
    specs = []
    for i, (number, text) in enumerate(sorted(seed_texts().items())):
        spec = PageSpec(f"/news/{number}.html", SEED_TITLES[number], text,
                        start + timedelta(hours=i))  # fmt: skip
        server.static(spec.path, article_html(spec.title, spec.text),
                      headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
        specs.append(spec)
    items = [(f"seed-{s.path}", server.url(s.path), s.title, s.published) for s in specs]
    server.conditional(path, rss("Seed news", items), etag='"v1"',
                       content_type="application/rss+xml")  # fmt: skip
    return specs


def profiles_including(tmp: Path) -> Path:
    """The shipped profiles, copied, with `xinjiang` including the two UN profiles (as a user
    may set it; the shipped one does not, docs/profiles.md)."""
    profiles = tmp / "profiles"
    profiles.mkdir()
    for shipped in (ROOT / "config" / "profiles").glob("*.yaml"):
        text = shipped.read_text(encoding="utf-8")
        if shipped.name == "xinjiang.yaml":
            text += "\nincludes: [ohchr-assessment, hrc-follow-up]\n"
        (profiles / shipped.name).write_text(text, encoding="utf-8")
    return profiles


def write_config(
    tmp: Path, server: LoopbackServer, feeds: list[tuple[str, str]], **extra: object
) -> Path:
    """A config file for a test run: loopback feeds, private networks allowed, SQLite in tmp."""
    import yaml

    data: dict[str, object] = {
        "database_url": f"sqlite:///{tmp / 'newswatch.db'}",
        "data_dir": str(tmp / "data"),
        "profiles_dir": str(ROOT / "config" / "profiles"),
        "seeds_dir": str(SEEDS),
        "feeds": [{"name": name, "url": server.url(path)} for name, path in feeds],
        "fetch": {
            "allow_private_networks": True,
            "per_host_delay": 0,
            "timeout": 5,
            "respect_robots": True,
        },
        "metrics": {"port": 0},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}  # type: ignore[dict-item]
        else:
            data[key] = value
    path = tmp / "newswatch.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path
