"""A loopback HTTP server for feeds, pages, robots.txt and webhook receivers.

Routes are registered per test: a static response, a conditional one (ETag/Last-Modified,
answering 304), a redirect, a slow drip, or a handler function. Unknown paths answer 404
(robots.txt included, which RFC 9309 reads as "no rules"). Every request is recorded.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    """What a route answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drip_delay: float = 0.0  # seconds between single bytes (a server that drips)
    hang: float = 0.0  # seconds to wait before answering at all


Handler = Callable[[Request], Response]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with a route table."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as web servers set it: the body written after the headers would
            # otherwise wait for the client's delayed ACK of them (up to 40 ms on Linux) on
            # a kept-alive connection, which set the pace of a webhook channel's deliveries
            # (17 a second) and added to every page fetched in the benchmarks.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                outer._serve(self, "GET")

            def do_POST(self) -> None:
                outer._serve(self, "POST")

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + path

    def route(self, path: str, handler: Handler) -> None:
        """Answer `path` (without query) with `handler`."""
        self.routes[path] = handler

    def static(self, path: str, body: bytes | str, status: int = 200, **kw: object) -> None:
        """Answer `path` with a fixed response; `headers`, `gzip`, drip/hang options in kw."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(kw.get("headers") or {})  # type: ignore[call-overload]
        if kw.get("gzip"):
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        response = Response(status, data, headers, float(kw.get("drip_delay", 0.0)),  # type: ignore[arg-type]
                            float(kw.get("hang", 0.0)))  # type: ignore[arg-type]  # fmt: skip
        self.route(path, lambda _req: response)

    def conditional(self, path: str, body: str, etag: str, content_type: str) -> None:
        """Answer 304 when the client sends the right If-None-Match, else the body."""

        def handler(request: Request) -> Response:
            if request.headers.get("if-none-match") == etag:
                return Response(304, b"", {"ETag": etag})
            return Response(200, body.encode(), {"ETag": etag, "Content-Type": content_type})

        self.route(path, handler)

    def hits(self, path: str) -> list[Request]:
        """Requests received for a path."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(
            method, handler.path, {k.lower(): v for k, v in handler.headers.items()}, body
        )
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(handler.path.split("?", 1)[0])
        response = route(request) if route else Response(404, b"not found")
        if response.hang:
            time.sleep(response.hang)
        try:
            handler.send_response(response.status)
            headers = {"Content-Type": "text/plain", **response.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            if response.drip_delay:
                for i in range(len(response.body)):
                    handler.wfile.write(response.body[i : i + 1])
                    handler.wfile.flush()
                    time.sleep(response.drip_delay)
            else:
                handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a timeout test): nothing to answer


def service_up(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port (Redis, PostgreSQL)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
