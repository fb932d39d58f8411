"""The one HTTP client factory, and the rules every outbound fetch of feed content obeys.

- timeouts per phase plus a total deadline (a server dripping one byte a second is cut off);
- a size cap on the *decoded* body, so a gzip bomb stops at the cap, not at memory's end;
- a redirect limit, an identifying User-Agent, gzip/deflate;
- no private, loopback or link-local addresses (cloud metadata included) unless
  `fetch.allow_private_networks` says so: checked on every connection, after DNS resolution,
  so redirects and DNS answers that point inside are refused too;
- httpx exceptions become TransientError / PermanentError with a fixed reason. The URL never
  enters the reason, and only the host enters the detail.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
from httpcore._backends.sync import SyncBackend

from worker.config import FetchConfig
from worker.errors import NewswatchError, PermanentError, TransientError


class BlockedAddressError(PermanentError):
    """A fetch was about to connect to a private, loopback or link-local address."""

    reason = "blocked_address"


def is_public_address(address: str) -> bool:
    """True when an IP address is globally routable (not private, loopback, link-local...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


class GuardedBackend(SyncBackend):
    """httpcore network backend that resolves names itself and connects only to public IPs.

    Connecting to the checked IP (not re-resolving the name) is what defeats DNS rebinding;
    TLS still verifies the certificate against the original host name (httpcore passes it
    as server_hostname).
    """

    def __init__(self, is_allowed: Callable[[str], bool] = is_public_address) -> None:
        self._is_allowed = is_allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        addresses = [str(info[4][0]) for info in infos]
        allowed = [a for a in addresses if self._is_allowed(a)]
        if not allowed:
            raise BlockedAddressError(f"{host} resolves only to non-public addresses")
        return super().connect_tcp(allowed[0], port, timeout, local_address, socket_options)


class _GuardedTransport(httpx.HTTPTransport):
    """HTTPTransport whose connection pool uses GuardedBackend.

    httpx has no public hook for the network backend, so the pool is rebuilt here with the
    same settings; tests/unit/test_net.py proves the guard is in force.
    """

    def __init__(self, max_connections: int, is_allowed: Callable[[str], bool]) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            network_backend=GuardedBackend(is_allowed),
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A complete response body within the caps, with what callers need of the response."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    redirect_statuses: tuple[int, ...]
    elapsed: float

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased ('' when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def build_client(
    fetch: FetchConfig,
    *,
    guarded: bool | None = None,
    is_allowed: Callable[[str], bool] = is_public_address,
) -> httpx.Client:
    """An httpx.Client with newswatch's timeouts, redirect limit and User-Agent.

    `guarded` defaults to the opposite of `fetch.allow_private_networks`; `is_allowed`
    decides which resolved addresses a guarded client may connect to.
    """
    guard = (not fetch.allow_private_networks) if guarded is None else guarded
    # Connect fails fast; read waits for slow servers; the total deadline is enforced in fetch.
    timeout = httpx.Timeout(fetch.timeout, connect=min(fetch.timeout, 10.0))
    transport: httpx.BaseTransport = (
        _GuardedTransport(fetch.concurrency * 2, is_allowed)
        if guard
        else httpx.HTTPTransport(limits=httpx.Limits(max_connections=fetch.concurrency * 2))
    )
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=fetch.max_redirects,
        headers={"User-Agent": fetch.user_agent, "Accept-Encoding": "gzip, deflate"},
        transport=transport,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int,
    deadline_s: float,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET `url` and read the whole body within the size cap and the total deadline.

    Raises PermanentError or TransientError with a fixed reason for every way it can fail.
    HTTP error statuses are returned, not raised: the caller knows what they mean for it.
    """
    started = time.monotonic()
    try:
        with client.stream("GET", url, headers=dict(headers or {})) as response:
            content = _read_capped(response, max_bytes, started + deadline_s)
            return Fetched(
                url=url,
                final_url=str(response.url),
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=content,
                redirect_statuses=tuple(r.status_code for r in response.history),
                elapsed=time.monotonic() - started,
            )
    except NewswatchError:
        raise
    except httpx.HTTPError as exc:
        raise map_httpx_error(exc) from None


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PermanentError(f"declared {declared} bytes, cap {max_bytes}", reason="too_large")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # as they arrive: the deadline is checked per read
        size += len(chunk)
        if size > max_bytes:
            raise PermanentError(f"body over the cap of {max_bytes} bytes", reason="too_large")
        if time.monotonic() > deadline:
            raise TransientError("total deadline passed while reading", reason="timeout")
        chunks.append(chunk)
    return b"".join(chunks)


def map_httpx_error(exc: httpx.HTTPError) -> NewswatchError:  # noqa: PLR0911  (a lookup table)
    """The typed error for an httpx exception; the message names the host only."""
    host = _host_of(exc)
    if isinstance(exc, httpx.TooManyRedirects):
        return PermanentError(f"too many redirects from {host}", reason="redirect_loop")
    if isinstance(exc, httpx.TimeoutException):
        return TransientError(f"timed out talking to {host}", reason="timeout")
    if isinstance(exc, httpx.ConnectError):
        return TransientError(f"cannot connect to {host}", reason="connect")
    if isinstance(exc, httpx.DecodingError):
        return PermanentError(f"undecodable body from {host}", reason="bad_encoding")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return PermanentError("not an http(s) URL", reason="bad_url")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return TransientError(f"connection broken by {host}", reason="protocol")
    return TransientError(f"HTTP failure with {host}: {type(exc).__name__}", reason="http")


def _host_of(exc: httpx.HTTPError) -> str:
    try:
        return exc.request.url.host or "?"
    except RuntimeError:  # the exception was raised before a request existed
        return "?"


def status_error(status: int, retry_after: str | None = None) -> NewswatchError:
    """The typed error for an HTTP error status of a feed or page."""
    if status in {429, 503}:
        return TransientError(
            f"HTTP {status}", reason=f"http_{status}", retry_after=parse_retry_after(retry_after)
        )
    if status >= 500:
        return TransientError(f"HTTP {status}", reason="http_5xx")
    if status in (404, 410):
        return PermanentError(f"HTTP {status}", reason=f"http_{status}")
    return PermanentError(f"HTTP {status}", reason="http_4xx")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
