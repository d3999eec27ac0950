"""IMDSv2 stand-in: instance-profile credentials, session token REQUIRED.

Point ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` at ``.url`` (and unset
``AWS_EC2_METADATA_DISABLED``).  ``PUT /latest/api/token`` with
``X-aws-ec2-metadata-token-ttl-seconds`` issues a token; every GET without a valid
``X-aws-ec2-metadata-token`` gets 401, as on an instance with ``HttpTokens=required``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading

from standins._http import Request, Response, StandIn

UTC = dt.timezone.utc
TOKEN_PATH = "/latest/api/token"
CREDS_PATH = "/latest/meta-data/iam/security-credentials/"


class Imds(StandIn):
    def __init__(self, akid: str, secret: str, session_token: str, role: str = "standin-instance-role",
                 expiration: dt.datetime | None = None) -> None:
        super().__init__()
        self.credentials = (akid, secret, session_token)
        self.role = role
        self.expiration = expiration or dt.datetime.now(UTC) + dt.timedelta(hours=6)
        self.tokens: set[str] = set()
        self._tokens_lock = threading.Lock()

    def rejected(self) -> list[Request]:
        """GETs that came without a valid session token (IMDSv1-style)."""
        return [r for r in self.requests if r.method == "GET"
                and r.headers.get("x-aws-ec2-metadata-token") not in self.tokens]

    def handle(self, request: Request) -> Response:
        if request.path == TOKEN_PATH:
            if request.method != "PUT":
                return Response(405, "token requests must be PUT")
            ttl = request.headers.get("x-aws-ec2-metadata-token-ttl-seconds")
            if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return Response(400, "missing or invalid X-aws-ec2-metadata-token-ttl-seconds")
            token = secrets.token_urlsafe(32)
            with self._tokens_lock:
                self.tokens.add(token)
            return Response(200, token, {"Content-Type": "text/plain",
                                         "X-aws-ec2-metadata-token-ttl-seconds": ttl})
        if request.method != "GET":
            return Response(405, "method not allowed")
        with self._tokens_lock:
            valid = request.headers.get("x-aws-ec2-metadata-token") in self.tokens
        if not valid:
            return Response(401, "Unauthorized")
        if request.path == CREDS_PATH:
            return Response(200, self.role, {"Content-Type": "text/plain"})
        if request.path == CREDS_PATH + self.role:
            akid, secret, token = self.credentials
            now = dt.datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return Response.json(200, {
                "Code": "Success", "LastUpdated": now, "Type": "AWS-HMAC",
                "AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
                "Expiration": self.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            })
        return Response(404, "Not Found")
