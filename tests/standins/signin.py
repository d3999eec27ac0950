"""AWS Sign-In stand-in for ``login_session`` profiles (``aws login``), and its token cache.

aws-config's LoginCredentialsProvider reads ``~/.aws/login/cache/<sha256(login_session)>.json``
(or ``$AWS_LOGIN_CACHE_DIRECTORY``).  While the cached credentials are valid for more than 5
minutes no network is used.  Otherwise it calls Sign-In ``CreateOAuth2Token`` through
``AWS_ENDPOINT_URL_SIGNIN`` (service id "Signin"): ``POST /v1/token`` with a JSON body
(clientId, grantType=refresh_token, refreshToken) and a ``DPoP`` header, an ES256 JWT
signed with the cached ``dpopKey`` (RFC 9449).  The stand-in verifies that proof: header
(typ dpop+jwt, alg ES256, jwk = the expected public key), payload (htm POST, htu = this URL,
a recent iat) and the signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from standins._http import Request, Response, StandIn

UTC = dt.timezone.utc
PATH = "/v1/token"


def new_dpop_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def sec1_pem(key: ec.EllipticCurvePrivateKey) -> str:
    """``-----BEGIN EC PRIVATE KEY-----`` (SEC1), the form the AWS CLI caches."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwk_xy(key: ec.EllipticCurvePublicKey) -> tuple[str, str]:
    numbers = key.public_numbers()
    return _b64url(numbers.x.to_bytes(32, "big")), _b64url(numbers.y.to_bytes(32, "big"))


class Signin(StandIn):
    def __init__(self) -> None:
        super().__init__()
        # (client_id, refresh_token) -> (public key, new credentials, new refresh token, expires_in)
        self._refreshes: dict[tuple[str, str], tuple] = {}
        self._refreshes_lock = threading.Lock()
        self.dpop_failures: list[str] = []

    def expect_refresh(self, client_id: str, refresh_token: str, dpop_key: ec.EllipticCurvePrivateKey,
                       akid: str, secret: str, session_token: str, new_refresh_token: str,
                       expires_in: int = 900) -> None:
        with self._refreshes_lock:
            self._refreshes[(client_id, refresh_token)] = (
                dpop_key.public_key(), (akid, secret, session_token), new_refresh_token, expires_in)

    def token_calls(self) -> list[Request]:
        return self.requests_to(PATH, "POST")

    def _check_dpop(self, proof: str | None, key: ec.EllipticCurvePublicKey) -> str | None:
        """None if ``proof`` is a valid DPoP proof by ``key`` for POST to this URL, else why not."""
        if not proof or proof.count(".") != 2:
            return "missing or malformed DPoP header"
        head_b64, payload_b64, sig_b64 = proof.split(".")
        head, payload = json.loads(_unb64url(head_b64)), json.loads(_unb64url(payload_b64))
        if head.get("typ") != "dpop+jwt" or head.get("alg") != "ES256":
            return f"bad DPoP header {head}"
        jwk = head.get("jwk") or {}
        if (jwk.get("kty"), jwk.get("crv")) != ("EC", "P-256") or (jwk.get("x"), jwk.get("y")) != _jwk_xy(key):
            return "DPoP jwk is not the session's key"
        if payload.get("htm") != "POST" or payload.get("htu") != self.url + PATH:
            return f"DPoP htm/htu {payload.get('htm')} {payload.get('htu')} != POST {self.url + PATH}"
        if abs(time.time() - int(payload.get("iat", 0))) > 300 or not payload.get("jti"):
            return "DPoP iat/jti missing or stale"
        raw = _unb64url(sig_b64)
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            key.verify(signature, f"{head_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            return "DPoP signature does not verify"
        return None

    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path != PATH:
            return Response.json(404, {"error": "not_found", "message": request.path})
        body = request.json()
        if body.get("grantType") != "refresh_token":
            return _error(400, "ValidationException", "INVALID_REQUEST", "grantType must be refresh_token")
        with self._refreshes_lock:
            found = self._refreshes.get((str(body.get("clientId")), str(body.get("refreshToken"))))
        if found is None:
            return _error(401, "AccessDeniedException", "TOKEN_EXPIRED", "refresh token unknown or expired")
        public_key, (akid, secret, token), new_refresh, expires_in = found
        why = self._check_dpop(request.headers.get("dpop"), public_key)
        if why:
            self.dpop_failures.append(why)
            return _error(401, "AccessDeniedException", "INVALID_REQUEST", why)
        return Response.json(200, {
            "accessToken": {"accessKeyId": akid, "secretAccessKey": secret, "sessionToken": token},
            "tokenType": "aws_sigv4", "expiresIn": expires_in, "refreshToken": new_refresh,
        })


def _error(status: int, kind: str, code: str, message: str) -> Response:
    return Response.json(status, {"error": code, "message": message}, **{"x-amzn-ErrorType": kind})


def token_cache_path(home: Path | str, login_session: str) -> Path:
    digest = hashlib.sha256(login_session.strip().encode()).hexdigest()
    return Path(home) / ".aws" / "login" / "cache" / f"{digest}.json"


def seed_token_cache(home: Path | str, login_session: str, *, akid: str, secret: str, session_token: str,
                     account_id: str, expires_at: dt.datetime, refresh_token: str, client_id: str,
                     dpop_key: ec.EllipticCurvePrivateKey) -> Path:
    """Write the cache entry `aws login` would write; returns its path."""
    data = {
        "accessToken": {"accessKeyId": akid, "secretAccessKey": secret, "sessionToken": session_token,
                        "accountId": account_id,
                        "expiresAt": expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        "tokenType": "aws_sigv4",
        "refreshToken": refresh_token,
        "clientId": client_id,
        "dpopKey": sec1_pem(dpop_key),
    }
    path = token_cache_path(home, login_session)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return path
