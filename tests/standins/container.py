"""Container credentials stand-in (ECS/EKS Pod Identity style).

Point ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` at ``.full_uri`` (loopback is allowed over plain
HTTP) and pass the token in ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` or in the file named by
``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``.  The stand-in requires ``Authorization`` to be
exactly that token.
"""

from __future__ import annotations

import datetime as dt

from standins._http import Request, Response, StandIn

UTC = dt.timezone.utc
PATH = "/v1/credentials"


class ContainerCredentials(StandIn):
    def __init__(self, akid: str, secret: str, session_token: str, authorization: str,
                 expiration: dt.datetime | None = None) -> None:
        super().__init__()
        self.credentials = (akid, secret, session_token)
        self.authorization = authorization
        self.expiration = expiration or dt.datetime.now(UTC) + dt.timedelta(hours=1)

    @property
    def full_uri(self) -> str:
        return self.url + PATH

    def credential_calls(self) -> list[Request]:
        return self.requests_to(PATH, "GET")

    def handle(self, request: Request) -> Response:
        if request.method != "GET" or request.path != PATH:
            return Response.json(404, {"Code": "NotFound", "Message": request.path})
        if request.headers.get("authorization") != self.authorization:
            return Response.json(401, {"Code": "AccessDenied", "Message": "bad or missing Authorization"})
        akid, secret, token = self.credentials
        return Response.json(200, {
            "AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
            "Expiration": self.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "RoleArn": "arn:aws:iam::123456789012:role/standin-task-role",
        })
