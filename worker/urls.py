"""Canonical URLs: the same article reached through two links gets one key.

Tracking parameters (utm_*, fbclid, gclid, ...) and the fragment are dropped, the scheme and
host are lower-cased, default ports removed, query parameters sorted. The page's own
`<link rel="canonical">` wins when it points to the same site family (see extract.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never the content. Prefixes cover families.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "matomo_", "hsa_", "oly_", "vero_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "referrer",
        "cmpid",
        "ito",
        "ncid",
        "sr_share",
        "smid",
        "s_cid",
        "taid",
        "at_medium",
        "at_campaign",
        "xtor",
        "spm",
        "guccounter",
        "ocid",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track clicks or campaigns."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """The canonical form of an http(s) URL; other strings come back stripped but unchanged."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an invalid port or IPv6 literal: keep the text, it is still a key
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(k)
        )
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def outlet_of(url: str) -> str:
    """The site an article belongs to: its host without a leading `www.`."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")
