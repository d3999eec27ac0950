"""An HTTP server whose response body never ends (for the response-size bound).

    with EndlessBody() as sts:
        env["AWS_ENDPOINT_URL_STS"] = sts.url
    sts.bytes_sent   # how much it wrote before the client hung up

Every request gets `200 OK`, `Content-Type: text/xml`, chunked transfer encoding, and 64 KiB
chunks of XML-looking text until the client closes the connection.
"""

from __future__ import annotations

import socket
import threading


class EndlessBody:
    CHUNK = b"<x>" + b"A" * (64 * 1024 - 7) + b"</x>"

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.bytes_sent = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            try:
                conn.recv(65536)  # the request; its content does not matter
                with self._lock:
                    self.requests += 1
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")
                frame = f"{len(self.CHUNK):x}\r\n".encode() + self.CHUNK + b"\r\n"
                while not self._stopped:
                    conn.sendall(frame)
                    with self._lock:
                        self.bytes_sent += len(self.CHUNK)
            except OSError:
                pass  # the client hung up: that is the point

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def __enter__(self) -> "EndlessBody":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True
        self._sock.close()
