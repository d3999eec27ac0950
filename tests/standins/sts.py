"""A scriptable STS AssumeRole stand-in for fault injection: answer a list of failures
(HTTP 500s, Throttling, a stall) first, then real-looking credentials.

    with FlakySts([THROTTLING, THROTTLING]) as sts:     # two throttles, then success
        env["AWS_ENDPOINT_URL_STS"] = sts.url
    sts.times      # when each AssumeRole arrived (time.monotonic()), for backoff checks
    sts.issued     # (akid, secret, token) of every success

``FlakySts(..., forever=THROTTLING)`` answers that failure to every request after the list.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from urllib.parse import parse_qs

from ._http import Request, Response, StandIn

UTC = dt.timezone.utc


def _error(status: int, code: str, message: str, kind: str = "Sender") -> Response:
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{secrets.token_hex(8)}</RequestId></ErrorResponse>"
    )
    return Response(status, body, {"Content-Type": "text/xml"})


THROTTLING = _error(400, "Throttling", "Rate exceeded")
SERVER_ERROR = _error(500, "InternalFailure", "We encountered an internal error. Please try again.", "Receiver")
UNAVAILABLE = _error(503, "ServiceUnavailable", "Service is unavailable", "Receiver")


class Stall:
    """A failure that holds the request for ``seconds`` before answering success."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class FlakySts(StandIn):
    def __init__(self, failures: list, forever: Response | None = None, expires_in: int = 3600) -> None:
        super().__init__()
        self.failures = list(failures)
        self.forever = forever
        self.expires_in = expires_in
        self.times: list[float] = []
        self.issued: list[tuple[str, str, str]] = []
        self._plock = threading.Lock()

    def start(self) -> "FlakySts":
        super().start()
        # A stalled request's client is gone when the answer is written: not worth a traceback.
        self._server.handle_error = lambda *args: None  # type: ignore[union-attr,method-assign]
        return self

    @property
    def attempts(self) -> int:
        return len(self.times)

    def backoffs(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:])]

    def handle(self, request: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("Action") != "AssumeRole":
            return _error(400, "InvalidAction", f"stand-in only does AssumeRole, not {form.get('Action')}")
        with self._plock:
            self.times.append(time.monotonic())
            step = self.failures.pop(0) if self.failures else self.forever
        if isinstance(step, Stall):
            time.sleep(step.seconds)
            step = None
        if step is not None:
            return step
        return self._success(form)

    def _success(self, form: dict[str, str]) -> Response:
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        token = "FwoGZXIvYXdzEFlaky" + secrets.token_urlsafe(120)
        self.issued.append((akid, secret, token))
        expiration = (dt.datetime.now(UTC) + dt.timedelta(seconds=self.expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
        arn = form.get("RoleArn", "arn:aws:iam::123456789012:role/r")
        session = form.get("RoleSessionName", "s")
        body = (
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
            f"<Credentials><AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
            f"<SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
            f"<AssumedRoleUser><AssumedRoleId>AROAFLAKY:{session}</AssumedRoleId>"
            f"<Arn>{arn.replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/{session}</Arn>"
            "</AssumedRoleUser></AssumeRoleResult>"
            f"<ResponseMetadata><RequestId>{secrets.token_hex(8)}</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>"
        )
        return Response(200, body, {"Content-Type": "text/xml"})
