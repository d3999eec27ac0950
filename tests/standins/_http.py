"""The base of the stand-ins: a threaded server on 127.0.0.1, port 0 (``LocalServer``), and
on it the HTTP/1.1 stand-in (``StandIn``).

``StandIn`` subclasses implement ``handle(request) -> Response``.  Every request is recorded
in ``requests`` (method, path, query, headers, body) before it is answered.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, value: dict, **headers: str) -> "Response":
        return cls(status, json.dumps(value), {"Content-Type": "application/json", **headers})


class LocalServer:
    """A threaded server on 127.0.0.1, port 0: start with ``with Sub(...) as s:`` (or
    ``start()``/``stop()``). Subclasses give the request handler class (``_handler``) and may
    change ``server_class``."""

    server_class: type[socketserver.ThreadingTCPServer] = socketserver.ThreadingTCPServer

    def __init__(self) -> None:
        self._server: socketserver.ThreadingTCPServer | None = None

    def _handler(self) -> type[socketserver.BaseRequestHandler]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = self.server_class(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def connection_handler(serve: Callable[[socket.socket], None]) -> type[socketserver.BaseRequestHandler]:
    """A handler class that gives each accepted connection to ``serve``; a connection that
    breaks (OSError) ends quietly."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                serve(self.request)
            except OSError:
                pass

    return Handler


class StandIn(LocalServer):
    """An HTTP/1.1 stand-in: ``handle(request) -> Response`` answers every request."""

    server_class = ThreadingHTTPServer

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    # -- to implement -----------------------------------------------------
    def handle(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with standin._lock:
                    standin.requests.append(request)
                try:
                    response = standin.handle(request)
                except Exception as exc:  # a bug in a stand-in must show, not hang
                    response = Response(500, f"stand-in error: {exc!r}")
                payload = response.body
                if isinstance(payload, dict):
                    payload = json.dumps(payload)
                if isinstance(payload, str):
                    payload = payload.encode()
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = _serve

        return Handler

    def requests_to(self, path: str, method: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method)]
