"""Every Prometheus metric of newswatch, declared once, here.

Labels are fixed strings from closed sets (outcome, reason, kind) or bounded by config
(feed and channel names, profile names). Never an article URL, an id or an exception text.

Under Celery's prefork pool each child writes its samples to PROMETHEUS_MULTIPROC_DIR and the
main process serves the sum (see `serve_metrics`); gauges that describe the database (queue
depth, feed staleness, index size) are computed at scrape time by a custom collector, so
they are right whichever process answers.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Latency buckets in seconds: loopback fetches take milliseconds, the open web seconds.
_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_NETWORK = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
# End-to-end latency spans seconds (alert after poll) to days (a late feed item).
_END_TO_END = (0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400)

POLLS = Counter(
    "newswatch_polls_total",
    "Feed polls by outcome: ok (with or without new items), not_modified, gone, or an error "
    "reason.",
    ["feed", "outcome"],
)
POLL_NEW_ENTRIES = Counter(
    "newswatch_poll_entries_total",
    "Entries handed on by polls: new, or revised (their updated time changed).",
    ["feed", "kind"],
)
FETCH_SECONDS = Histogram(
    "newswatch_fetch_seconds",
    "Time to fetch one article page or feed document over HTTP.",
    ["target"],
    buckets=_NETWORK,
)
EXTRACT_SECONDS = Histogram(
    "newswatch_extract_seconds", "Time to extract one article with trafilatura.", buckets=_FAST
)
STAGE_SECONDS = Histogram(
    "newswatch_stage_seconds",
    "Time spent in one pipeline stage for one article.",
    ["stage"],
    buckets=_FAST,
)
# The stages timed into STAGE_SECONDS (detect.stage).
STAGES = ("match", "dedupe", "store", "claims", "alert")


def create_series() -> None:
    """Create the labelled series known in advance at zero, in this process.

    A series that first appears with its count already past zero shows no change to rate():
    a worker that timed every stage of a burst of articles between two scrapes left the
    dashboard's stage panel empty (tests/integration/test_prometheus_scrape.py)."""
    for name in STAGES:
        STAGE_SECONDS.labels(name)


ARTICLES = Counter(
    "newswatch_articles_total",
    "Entries processed, each counted once by final outcome: stored, duplicate, revision, "
    "unchanged, off_topic, or error.",
    ["outcome"],
)
ENTRY_ERRORS = Counter(
    "newswatch_entry_errors_total",
    "Entries whose page fetch or processing failed, by fixed reason (a failed page fetch "
    "still goes on with the feed's summary).",
    ["reason"],
)
MATCHES = Counter(
    "newswatch_profile_matches_total", "Articles that matched a profile.", ["profile"]
)
CLAIMS = Counter(
    "newswatch_claims_total", "Claims judged per profile: new or known.", ["profile", "novelty"]
)
ALERTS = Counter(
    "newswatch_alerts_total",
    "Alert deliveries by kind, channel and outcome: delivered, retried, dead, digested, "
    "suppressed.",
    ["kind", "channel", "outcome"],
)
ALERTS_CREATED = Counter(
    "newswatch_alerts_raised_total",
    "Alerts raised (written to the outbox), by kind and profile.",
    ["kind", "profile"],
)
DELIVERY_SECONDS = Histogram(
    "newswatch_delivery_seconds",
    "Time of one delivery attempt to a chat webhook.",
    ["channel"],
    buckets=_NETWORK,
)
ALERT_LATENCY_FROM_PUBLISHED = Histogram(
    "newswatch_alert_latency_from_published_seconds",
    "From the feed item's publication time to its alert's delivery.",
    buckets=_END_TO_END,
)
ALERT_LATENCY_FROM_SEEN = Histogram(
    "newswatch_alert_latency_from_seen_seconds",
    "From the poll that first saw the item to its alert's delivery.",
    buckets=_END_TO_END,
)
TASK_FAILURES = Counter(
    "newswatch_task_failures_total",
    "Task runs that raised, by task and kind: transient, permanent, bug; crashed: the pool"
    " process running it died (counted by the worker's main process).",
    ["task", "kind"],
)

# Scrape-time gauges: computed from the database by metrics_server.DatabaseCollector when
# Prometheus scrapes (right whichever process answers). Declared here by name and help.
QUEUE_DEPTH = (
    "newswatch_queue_depth",
    "Work waiting in the database by queue: entries (to fetch or process), deliveries (due).",
)
FEED_LAST_SUCCESS_AGE = (
    "newswatch_feed_seconds_since_last_success",
    "Seconds since each feed's last successful poll (since it was added, if never).",
)
DEDUPE_INDEX_SIZE = ("newswatch_dedupe_index_articles", "Articles held in the dedupe index.")
UP = ("newswatch_up", "1 while a newswatch process serves metrics and reaches its database.")
