"""Network failures on demand: a port that accepts and never answers, and a closed port."""

from __future__ import annotations

import socket

from helpers import BackgroundLoop


class _Listener:
    """A socket listening on 127.0.0.1, port 0, with ``backlog`` pending connections."""

    def __init__(self, backlog: int) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(backlog)

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class SilentPort(_Listener, BackgroundLoop):
    """Listens on 127.0.0.1, accepts every connection, reads nothing, answers nothing.

    ``accepted`` counts connections, so a test can see the client really got this far."""

    def __init__(self) -> None:
        _Listener.__init__(self, backlog=64)
        BackgroundLoop.__init__(self)
        self._held: list[socket.socket] = []
        self.accepted = 0

    def _run(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self._held.append(conn)
            self.accepted += 1

    def __exit__(self, *exc: object) -> None:
        BackgroundLoop.__exit__(self, *exc)
        for conn in self._held:
            conn.close()
        self._sock.close()


def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FullBacklogPort(_Listener):
    """A port where TCP connect never completes: it listens with backlog 0, never accepts, and
    its accept queue is filled at start, so the kernel drops further SYNs (connect timeout)."""

    def __init__(self) -> None:
        super().__init__(backlog=0)
        self._fillers: list[socket.socket] = []

    def __enter__(self) -> "FullBacklogPort":
        for _ in range(8):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.port))
            self._fillers.append(filler)
        return self

    def connects(self, timeout: float = 1.0) -> bool:
        """True if a new connection would still complete (the queue is not full)."""
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(timeout)
        try:
            probe.connect(("127.0.0.1", self.port))
            return True
        except OSError:
            return False
        finally:
            probe.close()

    def __exit__(self, *exc: object) -> None:
        for filler in self._fillers:
            filler.close()
        self._sock.close()
