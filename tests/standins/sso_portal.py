"""SSO portal stand-in: GetRoleCredentials, plus seeding the SSO token cache.

aws-config reaches it through ``AWS_ENDPOINT_URL_SSO`` (service id "SSO"): it sends
``GET /federation/credentials?role_name=R&account_id=A`` with the cached access token in
``x-amz-sso_bearer_token``.  Unknown tokens get 401 ``UnauthorizedException``, as from the
real portal after the session expired.

The token cache is ``~/.aws/sso/cache/<sha1>.json``: sha1 of the ``sso_session`` name for
``sso_session`` profiles, of ``sso_start_url`` for legacy profiles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from standins._http import Request, Response, StandIn

UTC = dt.timezone.utc


@dataclass
class RoleCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: dt.datetime


class SsoPortal(StandIn):
    def __init__(self) -> None:
        super().__init__()
        self._grants: dict[tuple[str, str, str], RoleCredentials] = {}
        self._grants_lock = threading.Lock()

    def grant(self, access_token: str, account_id: str, role_name: str, akid: str, secret: str,
              session_token: str, expiration: dt.datetime | None = None) -> RoleCredentials:
        """Answer GetRoleCredentials for this bearer token, account and role."""
        creds = RoleCredentials(akid, secret, session_token,
                                expiration or dt.datetime.now(UTC) + dt.timedelta(hours=1))
        with self._grants_lock:
            self._grants[(access_token, account_id, role_name)] = creds
        return creds

    def role_credential_calls(self) -> list[Request]:
        return self.requests_to("/federation/credentials", "GET")

    def handle(self, request: Request) -> Response:
        if request.method != "GET" or request.path != "/federation/credentials":
            return _error(404, "ResourceNotFoundException", f"no route {request.method} {request.path}")
        token = request.headers.get("x-amz-sso_bearer_token")
        account, role = request.query.get("account_id"), request.query.get("role_name")
        if not token:
            return _error(401, "UnauthorizedException", "missing x-amz-sso_bearer_token")
        if not account or not role:
            return _error(400, "InvalidRequestException", "role_name and account_id are required")
        with self._grants_lock:
            creds = self._grants.get((token, account, role))
            known_token = any(t == token for t, _, _ in self._grants)
        if creds is None:
            if known_token:
                return _error(403, "ForbiddenException", "No access")
            return _error(401, "UnauthorizedException", "Session token not found or invalid")
        return Response.json(200, {"roleCredentials": {
            "accessKeyId": creds.access_key_id,
            "secretAccessKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
            "expiration": int(creds.expiration.timestamp() * 1000),
        }})


def _error(status: int, kind: str, message: str) -> Response:
    return Response.json(status, {"message": message}, **{"x-amzn-ErrorType": kind})


def _iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_cache_path(home: Path | str, key: str) -> Path:
    """``HOME/.aws/sso/cache/<sha1(key)>.json``; key = sso_session name or legacy start URL."""
    return Path(home) / ".aws" / "sso" / "cache" / (hashlib.sha1(key.encode()).hexdigest() + ".json")


def seed_token_cache(home: Path | str, key: str, *, access_token: str, expires_at: dt.datetime,
                     start_url: str, region: str, client_id: str | None = None,
                     client_secret: str | None = None, refresh_token: str | None = None,
                     registration_expires_at: dt.datetime | None = None) -> Path:
    """Write the token file `aws sso login` would write; returns its path."""
    data: dict[str, str | None] = {"startUrl": start_url, "region": region, "accessToken": access_token,
                                   "expiresAt": _iso(expires_at)}
    if client_id:
        data.update(clientId=client_id, clientSecret=client_secret, refreshToken=refresh_token,
                    registrationExpiresAt=_iso(registration_expires_at
                                               or dt.datetime.now(UTC) + dt.timedelta(days=90)))
    path = token_cache_path(home, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return path
