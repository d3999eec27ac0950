"""A forward proxy (CONNECT tunnels and absolute-form HTTP) that logs what passes through,
and a TLS front for a plain-HTTP server (moto's STS) with a certificate of the test's CA.

    with ForwardProxy(resolve={"sts.proxy-only.test": "127.0.0.1"}, auth=("user", "pa:ss")) as proxy:
        env["HTTPS_PROXY"] = proxy.url_with_auth      # http://user:pa%3Ass@127.0.0.1:PORT
    proxy.log     # [ProxyEntry(method="CONNECT", target="sts.proxy-only.test:443", authorized=True)]

The proxy resolves only the names in ``resolve`` (and IP literals): a client that bypasses
it cannot reach those names at all, so a request that arrives proves it came through the
proxy. With ``auth`` it answers 407 to requests without those Basic credentials (the
credentials themselves are never logged). Every socket has a timeout; nothing waits forever.

    with TlsFront(backend_port, cert) as front:       # cert: a trustme LeafCert
        front.port                                    # TLS on 127.0.0.1:front.port -> backend
"""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ._http import LocalServer, connection_handler

IO_TIMEOUT = 30.0
HEADER_MAX = 64 * 1024


@dataclass
class ProxyEntry:
    method: str
    target: str  # host:port for CONNECT, the absolute URL (without query) otherwise
    authorized: bool
    status: int


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copies both ways until either side closes or IO_TIMEOUT passes without traffic. TLS
    records already decrypted (which select cannot see) are read first."""
    sockets = [a, b]
    while True:
        ready = [s for s in sockets if isinstance(s, ssl.SSLSocket) and s.pending()]
        if not ready:
            ready, _, _ = select.select(sockets, [], [], IO_TIMEOUT)
        if not ready:
            return
        for src in ready:
            dst = b if src is a else a
            try:
                data = src.recv(65536)
            except OSError:  # ssl.SSLError included
                return
            if not data:
                return
            try:
                dst.sendall(data)
            except OSError:
                return


def _read_head(conn: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(4096)
        if not chunk:
            break
        head += chunk
        if len(head) > HEADER_MAX:
            break
    return head


class ForwardProxy(LocalServer):
    def __init__(self, resolve: dict[str, str] | None = None, auth: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.resolve = dict(resolve or {})
        self.auth = auth
        self.log: list[ProxyEntry] = []
        self._lock = threading.Lock()

    @property
    def url_with_auth(self) -> str:
        assert self.auth is not None
        user, password = (quote(v, safe="") for v in self.auth)
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def targets(self, method: str | None = None) -> list[str]:
        with self._lock:
            return [e.target for e in self.log if method is None or e.method == method]

    def _address(self, host: str, port: int) -> tuple[str, int] | None:
        host = host.strip("[]")
        if host in self.resolve:
            return self.resolve[host], port
        try:
            socket.inet_pton(socket.AF_INET, host)
            return host, port
        except OSError:
            return None

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.auth is None:
            return True
        expected = "Basic " + base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
        return headers.get("proxy-authorization", "") == expected

    def _record(self, method: str, target: str, authorized: bool, status: int) -> None:
        with self._lock:
            self.log.append(ProxyEntry(method, target, authorized, status))

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(IO_TIMEOUT)
        head = _read_head(conn)
        if b"\r\n\r\n" not in head:
            return
        raw_head, rest = head.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        try:
            method, target, _version = lines[0].split(" ", 2)
        except ValueError:
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        authorized = self._authorized(headers)
        shown = target if method == "CONNECT" else target.split("?", 1)[0]
        if not authorized:
            self._record(method, shown, False, 407)
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            address = self._address(host, int(port or 443))
        else:
            parts = urlsplit(target)
            address = self._address(parts.hostname or "", parts.port or 80)
        if address is None:
            self._record(method, shown, True, 502)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        try:
            upstream = socket.create_connection(address, timeout=IO_TIMEOUT)
        except OSError:
            self._record(method, shown, True, 502)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with upstream:
            self._record(method, shown, True, 200)
            if method == "CONNECT":
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                # Origin-form request line; the proxy's own header is not passed on.
                parts = urlsplit(target)
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                kept = [line for line in lines[1:] if not line.lower().startswith("proxy-")]
                upstream.sendall(f"{method} {path} HTTP/1.1\r\n".encode("latin-1")
                                 + "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + rest)
            _pipe(conn, upstream)

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        return connection_handler(self._handle)


class TlsFront(LocalServer):
    """TLS on 127.0.0.1:port with ``cert`` (a trustme LeafCert), relayed to a plain backend."""

    def __init__(self, backend_port: int, cert) -> None:  # noqa: ANN001 - trustme.LeafCert
        self.backend_port = backend_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        super().__init__()
        cert.configure_cert(self.context)
        self.handshakes_failed = 0

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(IO_TIMEOUT)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            self.handshakes_failed += 1
            return
        with socket.create_connection(("127.0.0.1", self.backend_port), timeout=IO_TIMEOUT) as up:
            _pipe(tls, up)

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        return connection_handler(self._serve)
