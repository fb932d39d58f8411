"""Claims through the real pipeline: feeds in over HTTP, the webhook payload out.

The seeds fed back through the pipeline must raise no "new claim"; an article on a later
development must, and its payload must say which claims are new and why (nearest known).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.support.corpus import (
    ROOT,
    article_html,
    profiles_including,
    rss,
    serve_seed_feed,
    write_config,
)
from tests.support.loopback import LoopbackServer, Response
from worker.config import load_settings
from worker.evaluate.claims import EVAL_DIR, load_set
from worker.runner import poll_once
from worker.store.db import Database
from worker.store.models import Article, Story

LATER = """The U.N. Human Rights Council on Thursday voted down a motion to hold a debate on the \
U.N. human rights office's report on Xinjiang.

The motion was rejected by 19 votes to 17, with 11 countries abstaining, in a defeat for the \
United States, Britain and Canada, which had sponsored it.

It was only the second time in the council's 16-year history that a motion had been rejected.

China's ambassador Chen Xu told the council that the motion was "not pro-human rights but \
anti-China" and warned that developing countries would be targeted next.

The report, released on 31 August, found that China's arbitrary and discriminatory detention \
of Uyghurs and other predominantly Muslim groups may constitute international crimes, in \
particular crimes against humanity.
"""


def receive(server: LoopbackServer) -> list[dict[str, Any]]:
    payloads: list[dict[str, Any]] = []

    def hook(request: Any) -> Response:
        payloads.append(json.loads(request.body))
        return Response(200, b"ok")

    server.route("/hooks/newsroom", hook)
    return payloads


def config(
    tmp_path: Path, server: LoopbackServer, feeds: list[tuple[str, str]], **extra: object
) -> Path:
    channel = {"name": "newsroom", "type": "webhook", "url": server.url("/hooks/newsroom")}
    return write_config(tmp_path, server, feeds, alerts={"channels": [channel]}, **extra)


def test_the_seeds_fed_back_raise_no_new_claim(tmp_path: Path, server: LoopbackServer) -> None:
    payloads = receive(server)
    serve_seed_feed(server)
    summary = poll_once(load_settings(str(config(tmp_path, server, [("seeds", "/feed.xml")]))))
    assert summary.entries == 5
    assert payloads, "the seeds are on topic: their coverage alerts must arrive"
    assert {p["kind"] for p in payloads} == {"new_coverage"}
    claims = [c for p in payloads for c in p["claims"]]
    assert claims
    assert [c["text"] for c in claims if c["is_new"]] == []
    assert all(p["claims_new"] == 0 for p in payloads)


def test_a_later_development_raises_new_claims_with_their_nearest_known(
    tmp_path: Path, server: LoopbackServer
) -> None:
    payloads = receive(server)
    page = article_html("UN rights council rejects Xinjiang debate", LATER)
    server.static("/news/vote.html", page, headers={"Content-Type": "text/html; charset=utf-8"})
    when = datetime(2022, 10, 6, 15, 0, tzinfo=UTC)
    server.static("/later.xml", rss("Later", [("vote", server.url("/news/vote.html"),
                                               "UN rights council rejects debate", when)]),
                  headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    poll_once(load_settings(str(config(tmp_path, server, [("later", "/later.xml")]))))
    new_claim = [p for p in payloads if p["kind"] == "new_claim"]
    assert new_claim, [p["kind"] for p in payloads]
    claims = {c["text"][:40]: c for c in new_claim[0]["claims"]}
    vote = next(c for t, c in claims.items() if t.startswith("The motion was rejected"))
    finding = next(c for t, c in claims.items() if t.startswith("The report, released"))
    assert vote["is_new"]
    assert vote["nearest_known"]  # why it is new: the closest thing known, and how close
    assert 0 <= vote["similarity"] < 1
    assert vote["known_by"] is None
    assert not finding["is_new"]  # the seeds already say it
    assert finding["known_by"] == "words"  # and why: its words are a seed line's


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Later</title><id>urn:later</id>
<updated>{updated}</updated>
<entry><id>urn:vote</id><title>UN rights council rejects Xinjiang debate</title>
<link href="{link}"/><updated>{updated}</updated><summary>The vote.</summary></entry>
</feed>"""


def test_an_update_that_adds_a_new_claim_alerts_again(
    tmp_path: Path, server: LoopbackServer
) -> None:
    payloads = receive(server)
    html = {"Content-Type": "text/html; charset=utf-8"}
    atom = {"Content-Type": "application/atom+xml"}
    title = "UN rights council rejects Xinjiang debate"
    link = server.url("/news/vote.html")

    def publish(text: str, updated: str) -> None:
        server.static("/news/vote.html", article_html(title, text), headers=html)
        server.static("/later.xml", ATOM.format(link=link, updated=updated), headers=atom)

    publish(LATER, "2022-10-06T15:00:00Z")
    settings = load_settings(str(config(tmp_path, server, [("later", "/later.xml")])))
    poll_once(settings)
    first = [p for p in payloads if p["profile"] == "hrc-follow-up"]
    assert [p["article"]["revision"] for p in first] == [0]

    # The same page, updated with a known line only: judged, but no new alert.
    known = LATER + (
        "\nIt was only the second time in the council's 16-year history that a motion "
        "had been rejected.\n"
    )
    publish(known, "2022-10-06T18:00:00Z")
    poll_once(settings)
    assert len([p for p in payloads if p["profile"] == "hrc-follow-up"]) == 1

    update = known + (
        "\nThe United States said on Friday it would ask the council to vote again in March, "
        "with 23 co-sponsors.\n"
    )
    publish(update, "2022-10-07T09:00:00Z")
    poll_once(settings)
    again = [p for p in payloads if p["profile"] == "hrc-follow-up"][1:]
    assert len(again) == 1
    assert again[0]["kind"] == "new_claim"
    assert again[0]["article"]["id"] == first[0]["article"]["id"]
    assert again[0]["article"]["revision"] >= 1  # the update it alerts on
    new = [c["text"] for c in again[0]["claims"] if c["is_new"]]
    assert new == [next(t for t in new if "vote again in March" in t)]


def test_an_article_on_the_assessment_alone_reaches_a_profile_that_includes_it(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # Set Q's story on the lobbying before the report's release names no abuse the xinjiang
    # profile scores; ohchr-assessment matches it. A user whose xinjiang profile includes
    # that one (the shipped profile does not, docs/profiles.md) gets it there too, marked.
    profiles = profiles_including(tmp_path)
    source = ROOT / "tests/eval/profiles-q/articles"
    _, header, text = (source / "016_lobbying_emails_release.txt").read_text().split("---\n", 2)
    title = header.split("title:", 1)[1].splitlines()[0].strip()
    page = article_html(title, text.strip())
    server.static("/news/emails.html", page, headers={"Content-Type": "text/html; charset=utf-8"})
    when = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    entry = ("emails", server.url("/news/emails.html"), title, when)
    server.static("/emails.xml", rss("Emails", [entry]),
                  headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    payloads = receive(server)
    path = config(tmp_path, server, [("emails", "/emails.xml")], profiles_dir=str(profiles))
    poll_once(load_settings(str(path)))
    through = {p["profile"]: p["through"] for p in payloads}
    assert through == {"ohchr-assessment": None, "xinjiang": "ohchr-assessment"}, through
    xinjiang = next(p for p in payloads if p["profile"] == "xinjiang")
    assert xinjiang["score"] < 5.5  # its own score, under its own bar
    assert any(h["term"] == "assessment" for h in xinjiang["matched"])  # the evidence


# Set C's blog post restates the documentation centre's release of two days before in words
# of its own (sentence overlap 0.0: no dedupe sketch sees it), and adds nothing.
ADDED = "Global Affairs Canada said Marc Tessier would raise the list in Beijing in May."


def poll_release_then(
    tmp_path: Path, server: LoopbackServer, extra: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Set C's release, then a day later its blog rewrite plus `extra`; the payloads sent
    and the two stored rows as (dedupe kind, duplicate of, story, similarity, story size)."""
    release, rewrite = load_set(EVAL_DIR / "set-c")[2:4]
    assert "paraphrase_of_03" in rewrite.name
    payloads = receive(server)
    html = {"Content-Type": "text/html; charset=utf-8"}
    settings = load_settings(str(config(tmp_path, server, [("news", "/news.xml")])))
    entries = []
    for day, (name, text) in enumerate([("release", release.text), ("blog", rewrite.text + extra)]):
        server.static(f"/news/{name}.html", article_html(f"Detainees still held ({name})", text),
                      headers=html)  # fmt: skip
        when = release.published.replace(tzinfo=UTC, hour=9) + timedelta(days=day + 1)
        entries.append((name, server.url(f"/news/{name}.html"), f"Detainees ({name})", when))
        server.static("/news.xml", rss("News", entries),
                      headers={"Content-Type": "application/rss+xml"})  # fmt: skip
        poll_once(settings)
    database = Database.from_url(settings.database_url.get_secret_value())
    try:
        with database.session_scope() as session:
            rows = {}
            for a in session.scalars(select(Article)):
                story = session.get(Story, a.story_id) if a.story_id else None
                rows[a.url.rsplit("/", 1)[1]] = (a.id, a.dedupe_kind, a.duplicate_of_id,
                                                 a.story_id, a.dedupe_similarity,
                                                 story.size if story else 0)  # fmt: skip
    finally:
        database.dispose()
    return payloads, rows


def test_a_rewrite_saying_nothing_new_joins_its_source_as_a_copy(
    tmp_path: Path, server: LoopbackServer
) -> None:
    payloads, rows = poll_release_then(tmp_path, server, "")
    assert {p["article"]["url"].rsplit("/", 1)[1] for p in payloads} == {"release.html"}
    source_id, _, _, story_id, _, _ = rows["release.html"]
    _, kind, duplicate_of, blog_story, share, size = rows["blog.html"]
    assert (kind, duplicate_of, blog_story, size) == ("duplicate", source_id, story_id, 2)
    assert share is not None and 0.5 <= share <= 1  # the share of its claims it restates


def test_a_rewrite_bringing_a_new_claim_alerts_with_it(
    tmp_path: Path, server: LoopbackServer
) -> None:
    payloads, rows = poll_release_then(tmp_path, server, f"\n{ADDED}")
    assert rows["blog.html"][1:3] == ("original", None)
    blog = [p for p in payloads if p["article"]["url"].endswith("blog.html")]
    assert blog and {p["kind"] for p in blog} == {"new_claim"}
    assert all([c["text"] for c in p["claims"] if c["is_new"]] == [ADDED] for p in blog)


def poll_in_order(
    tmp_path: Path, server: LoopbackServer, set_name: str, count: int, *, follow: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """The first `count` articles of a claims set, polled one a day as a feed lists them
    (`follow_stories` as `follow`); the payloads sent for each, by article name."""
    articles = load_set(EVAL_DIR / set_name)[:count]
    payloads = receive(server)
    path = config(tmp_path, server, [("news", "/news.xml")], follow_stories=follow)
    settings = load_settings(str(path))
    entries = []
    sent: dict[str, list[dict[str, Any]]] = {}
    for number, article in enumerate(articles):
        path = f"/news/{number}.html"
        server.static(path, article_html(article.title, article.text),
                      headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
        when = article.published.replace(hour=9)
        entries.append((article.name, server.url(path), article.title, when))
        server.static("/news.xml", rss("News", entries),
                      headers={"Content-Type": "application/rss+xml"})  # fmt: skip
        before = len(payloads)
        poll_once(settings)
        sent[article.name] = payloads[before:]
    return sent


def test_a_local_follow_up_that_names_the_region_once_follows_its_story(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # Set Y's local paper, ten months after the wire story on the forwarder's Xinjiang stop,
    # names the region once (under xinjiang's score floor) and retells the first story.
    sent = poll_in_order(tmp_path, server, "set-y", 5)
    first = next(p for p in sent["01_dutch_forwarder_stops_xinjiang_loading"]
                 if p["profile"] == "xinjiang")  # fmt: skip
    assert first["follows"] is None  # matched on its own
    follow_up = {p["profile"]: p for p in sent["05_venlo_local_followup"]}
    assert follow_up["xinjiang"]["follows"] == first["article"]["id"]
    assert follow_up["xinjiang"]["score"] < 5.5  # under the profile's own bar
    new = [c["text"] for c in follow_up["xinjiang"]["claims"] if c["is_new"]]
    assert any("38 jobs" in text for text in new)  # its news reaches the profile


def test_follow_ups_are_not_followed_when_turned_off(
    tmp_path: Path, server: LoopbackServer
) -> None:
    sent = poll_in_order(tmp_path, server, "set-y", 5, follow=False)
    assert sent["01_dutch_forwarder_stops_xinjiang_loading"]
    assert sent["05_venlo_local_followup"] == []


def test_an_article_short_of_a_profile_that_follows_no_story_alerts_nothing(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # Set I's sports bureau rebuttal names the region and the report, under every profile's
    # floors; its lines retell the seeds' background, not the wire story before it.
    sent = poll_in_order(tmp_path, server, "set-i", 2)
    assert sent["01_nordic_touring_review_wire"]
    assert sent["02_altay_sports_bureau_rebuttal"] == []
