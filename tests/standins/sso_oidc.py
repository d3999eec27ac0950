"""SSO OIDC stand-in: CreateToken with the ``refresh_token`` grant.

aws-config reaches it through ``AWS_ENDPOINT_URL_SSO_OIDC`` (service id "SSO OIDC") when the
cached token of an ``sso_session`` profile expires within 5 minutes and the cache entry holds
clientId, clientSecret, refreshToken and registrationExpiresAt.  It sends ``POST /token``
with a JSON body; the new token is written back to the cache file.
"""

from __future__ import annotations

import threading

from standins._http import Request, Response, StandIn


class SsoOidc(StandIn):
    def __init__(self) -> None:
        super().__init__()
        self._refreshes: dict[tuple[str, str, str], tuple[str, str, int]] = {}
        self._refreshes_lock = threading.Lock()

    def expect_refresh(self, client_id: str, client_secret: str, refresh_token: str,
                       new_access_token: str, new_refresh_token: str, expires_in: int = 3600) -> None:
        """CreateToken with these client credentials and refresh token returns the new token."""
        with self._refreshes_lock:
            self._refreshes[(client_id, client_secret, refresh_token)] = (
                new_access_token, new_refresh_token, expires_in)

    def create_token_calls(self) -> list[Request]:
        return self.requests_to("/token", "POST")

    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path != "/token":
            return _error(404, "ResourceNotFoundException", f"no route {request.method} {request.path}")
        body = request.json()
        if body.get("grantType") != "refresh_token":
            return _error(400, "UnsupportedGrantTypeException", f"grantType {body.get('grantType')!r}")
        key = (str(body.get("clientId")), str(body.get("clientSecret")), str(body.get("refreshToken")))
        with self._refreshes_lock:
            found = self._refreshes.get(key)
        if found is None:
            return _error(400, "InvalidGrantException", "invalid refresh token or client")
        access_token, refresh_token, expires_in = found
        return Response.json(200, {"accessToken": access_token, "tokenType": "Bearer",
                                   "expiresIn": expires_in, "refreshToken": refresh_token})


def _error(status: int, kind: str, description: str) -> Response:
    return Response.json(status, {"error": kind, "error_description": description},
                         **{"x-amzn-ErrorType": kind})
