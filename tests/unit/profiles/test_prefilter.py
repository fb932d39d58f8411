"""The page filter: never rules out a page whose extracted article a profile matches.

The property is checked through the real path: each labelled article of the profiles eval
set is dressed as a web page in several ways a real site writes HTML (inline tags inside
words, entities, soft hyphens, the title only in a meta tag), extracted with trafilatura as
the pipeline does, and matched; wherever a profile matches the extracted article, the
filter must have let the page through.
"""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Callable

import pytest

from tests.support.corpus import ROOT, article_html
from worker.evaluate.profiles import load_set
from worker.extract import article_from_page
from worker.profiles.load import load_profiles, profile_from_mapping
from worker.profiles.match import Matcher
from worker.profiles.prefilter import PageFilter
from worker.records import Page

PROFILES = load_profiles(ROOT / "config" / "profiles")
OFF_TOPIC_PAGES = ROOT / "benchmarks" / "data" / "article-extraction-benchmark" / "html"


def _page(markup: str) -> Page:
    return Page("https://news.example/a", "https://news.example/a", markup, 200, "text/html", None)


def _plain(title: str, text: str) -> str:
    return article_html(title, text)


def _in_body(page: str, change: Callable[[str], str]) -> str:
    """The page with `change` applied to every text node of its body."""
    head, body = page.split("<body>", 1)
    return head + "<body>" + re.sub(r">([^<]+)<", lambda m: f">{change(m.group(1))}<", body)


def _inline_tags(title: str, text: str) -> str:
    # <b>Xin</b>jiang: every long word split by an inline tag, as CMS markup does; the
    # <title> is dropped, so the headline too is only there split.
    page = _plain(title, text).replace(f"<title>{html.escape(title)}</title>", "")
    return _in_body(page, lambda node: re.sub(r"\b(\w{3})(\w{4,})", r"<b>\1</b>\2", node))


def _entities(title: str, text: str) -> str:
    # Every letter beyond ASCII and every "e" written as a numeric character reference.
    def encode(node: str) -> str:
        return "".join(f"&#{ord(c)};" if ord(c) > 127 or c == "e" else c for c in node)

    return _in_body(_plain(title, text), encode)


def _soft_hyphens(title: str, text: str) -> str:
    return _plain(title, re.sub(r"\b(\w{4})(\w{4,})", "\\1\u00ad\\2", text))


def _meta_title(title: str, text: str) -> str:
    # The headline only in og:title: no <title>, no <h1>.
    page = _plain("", text).replace("<title></title>", "")
    return page.replace("<h1></h1>", "").replace(
        "<head>", f'<head><meta property="og:title" content="{html.escape(title)}">'
    )


def _scripted(title: str, text: str) -> str:
    # Code between the paragraphs, as real pages carry (analytics, inline styles, a script
    # holding "</b>" in a string), and the headline only in JSON-LD.
    page = _meta_title("", text).replace('content=""', 'content="Home"')
    headline = html.escape(title).replace("&#x27;", "'").replace('"', "'")
    code = (
        '<script>var t = "<b>"; track("</b>");</script><style>p { color: #333 }</style>'
        '<SCRIPT type="text/javascript">if (a < b) { go(); }</SCRIPT >'
    )
    json_ld = f'<script type="application/ld+json">{{"headline": "{headline}"}}</script>'
    return page.replace("</p>", "</p>" + code).replace("<head>", "<head>" + json_ld)


DRESSINGS: dict[str, Callable[[str, str], str]] = {
    "plain": _plain,
    "inline_tags": _inline_tags,
    "entities": _entities,
    "soft_hyphens": _soft_hyphens,
    "meta_title": _meta_title,
    "scripted": _scripted,
}


@pytest.mark.parametrize("dressing", sorted(DRESSINGS))
def test_every_page_whose_article_matches_passes_the_filter(dressing: str) -> None:
    matcher, page_filter = Matcher(PROFILES), PageFilter(PROFILES)
    checked = 0
    for item in load_set():
        markup = DRESSINGS[dressing](item.article.title, item.article.text)
        article = article_from_page(_page(markup))
        if any(result.matched for result in matcher.match(article)):
            checked += 1
            assert page_filter.could_match(markup), item.name
    assert checked >= 40  # the set's on-topic articles still match once dressed as pages


def test_real_off_topic_pages_are_ruled_out() -> None:
    page_filter = PageFilter(PROFILES)
    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
             for p in sorted(OFF_TOPIC_PAGES.glob("*.html.gz"))]  # fmt: skip
    assert len(pages) >= 10
    assert not any(page_filter.could_match(page) for page in pages)


def _filter(query: str, **extra: object) -> PageFilter:
    data: dict[str, object] = {"name": "p", "query": query, "min_score": 0.0, **extra}
    return PageFilter([profile_from_mapping(data, source="test.yaml")])


def test_words_are_sought_folded_in_text_attributes_and_entry() -> None:
    turk = _filter("Turk")
    assert turk.could_match("<p>Volker T&uuml;rk said</p>")
    assert turk.could_match("<p>Volker TÜRK said</p>")
    assert turk.could_match('<meta property="og:title" content="Türk speaks">')
    assert turk.could_match("<p>nothing here</p>", "Turk speaks", "")
    assert turk.could_match("<p>&lt;Turk&gt; is text, not a tag</p>")
    assert turk.could_match("<p>ＴＵＲＫ in full-width letters</p>")
    assert turk.could_match("<p>Turkey</p>")  # a substring passes: permissive, never wrong
    assert not turk.could_match("<p>The council met.</p>")


def test_phrases_near_and_not_are_judged_permissively() -> None:
    phrase = _filter('"crimes against humanity"')
    # A phrase's words one after another, whatever lies between them that is not a word.
    assert phrase.could_match("<p>Crimes-against\n<b>Humanity</b></p>")
    assert phrase.could_match("<p>crimes</p><p>against humanity</p>")  # a block's end
    assert not phrase.could_match("<p>humanity, it said, against crimes</p>")
    assert not phrase.could_match("<p>crimes against people</p>")
    # With a slop the words need only be there.
    assert _filter('"crimes humanity"~5').could_match("<p>humanity, it said, crimes</p>")
    assert _filter("Xinjiang NEAR/3 camps").could_match("<p>camps ... far ... Xinjiang</p>")
    assert _filter("Xinjiang NOT sport").could_match("<p>Xinjiang sport</p>")


def test_focus_is_required_as_well_as_the_query() -> None:
    focused = _filter("council", focus=["Xinjiang"])
    assert not focused.could_match("<p>The council met.</p>")
    assert focused.could_match("<p>The council met on Xin<i>jiang</i>.</p>")


def test_code_is_not_sought_but_json_ld_is() -> None:
    turk = _filter("Turk")
    assert not turk.could_match("<p>The council met.</p><script>var who = 'Turk';</script>")
    assert not turk.could_match("<style>.Turk { margin: 0 }</style><p>The council met.</p>")
    assert not turk.could_match("<SCRIPT>x = '</b>Turk';</SCRIPT ><p>The council met.</p>")
    assert turk.could_match('<script type="application/ld+json">{"headline": "Turk"}</script>')
    # A script is delimited as an HTML parser does, by its first closing tag.
    assert turk.could_match("<script>a = 1;</script><p>Turk</p><script>b = 2;</script>")
    # An unclosed one is kept whole: never a page ruled out by a guess.
    assert turk.could_match("<p>The council met.</p><script>say('Turk')")
