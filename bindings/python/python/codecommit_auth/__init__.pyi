"""Type stubs of ``codecommit_auth``: the public names are declared here, in the package
users import, so that mypy names them ``codecommit_auth.GitCredential``, ``Client`` and so on
(not ``codecommit_auth._native.…``). ``_native.pyi`` re-exports them; stubtest checks both."""

import builtins
import datetime
import enum
from typing import Optional, TypedDict, final

from ._native import Client as _NativeClient
from ._pygit2 import CodeCommitCallbacks as CodeCommitCallbacks

__all__ = [
    "Client",
    "CodeCommitAuthError",
    "CredentialSourceError",
    "DulwichAuth",
    "CodeCommitCallbacks",
    "ErrorCode",
    "GitCredential",
    "HostNotAllowedError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidCredentialRequestError",
    "InvalidRegionError",
    "InvalidRemoteError",
    "IoError",
    "LoginRequiredError",
    "MfaRequest",
    "MfaRequiredError",
    "MissingPathError",
    "NoCredentialsError",
    "UnknownProfileError",
    "dulwich_auth",
    "git_credential",
    "git_credential_async",
    "repository_url",
    "sign",
    "signed_url",
    "signed_url_async",
]

__version__: str

class ErrorCode(enum.IntEnum):
    """Stable numeric error codes, shared with the Rust, C and Node APIs and used as the CLI exit status."""

    INVALID_REMOTE = 10
    INVALID_REGION = 11
    HOST_NOT_ALLOWED = 12
    UNKNOWN_PROFILE = 13
    INVALID_CONFIG = 14
    NO_CREDENTIALS = 15
    LOGIN_REQUIRED = 16
    MFA_REQUIRED = 17
    CREDENTIAL_SOURCE = 18
    TIMEOUT = 19
    INVALID_CREDENTIAL_REQUEST = 20
    MISSING_PATH = 21
    INVALID_ARGUMENT = 22
    IO = 23
    INTERNAL = 24
    NULL_ARGUMENT = 25
    INVALID_UTF8 = 26

class CodeCommitAuthError(Exception):
    """Base class of every error raised by codecommit_auth."""

    code: ErrorCode

class InvalidRemoteError(CodeCommitAuthError): ...
class InvalidRegionError(CodeCommitAuthError): ...
class HostNotAllowedError(CodeCommitAuthError): ...
class UnknownProfileError(CodeCommitAuthError): ...
class InvalidConfigError(CodeCommitAuthError): ...
class NoCredentialsError(CodeCommitAuthError): ...
class LoginRequiredError(CodeCommitAuthError): ...
class MfaRequiredError(CodeCommitAuthError): ...
class CredentialSourceError(CodeCommitAuthError): ...
class TimeoutError(CodeCommitAuthError, builtins.TimeoutError): ...
class InvalidCredentialRequestError(CodeCommitAuthError): ...
class MissingPathError(CodeCommitAuthError): ...
class InvalidArgumentError(CodeCommitAuthError, ValueError): ...
class IoError(CodeCommitAuthError, OSError): ...
class InternalError(CodeCommitAuthError): ...
# The C-API-only codes (NULL_ARGUMENT, INVALID_UTF8) have no class: Python never meets them.

@final
class MfaRequest:
    """What an ``mfa_callback`` is called with."""

    @property
    def profile(self) -> str: ...
    @property
    def serial(self) -> str: ...
    @property
    def role_arn(self) -> str: ...

@final
class GitCredential:
    """A signed CodeCommit Git credential. Its ``repr`` never shows a secret."""

    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def expires_at(self) -> datetime.datetime: ...
    @property
    def url(self) -> str: ...
    @property
    def repository_url(self) -> str: ...
    @property
    def access_key_id(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def profile(self) -> Optional[str]: ...
    @property
    def source(self) -> str: ...
    def git_reply(self) -> str: ...

class Client(_NativeClient):
    """Resolves remotes to signed Git credentials (see the module docs)."""

    async def git_credential_async(
        self, remote_or_url: str, *, at: Optional[datetime.datetime] = None
    ) -> GitCredential: ...
    async def signed_url_async(
        self, remote_or_url: str, *, at: Optional[datetime.datetime] = None
    ) -> str: ...

def git_credential(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> GitCredential: ...
def signed_url(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> str: ...
def repository_url(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
) -> str: ...
def sign(
    access_key_id: Optional[str] = None,
    secret_access_key: Optional[str] = None,
    session_token: Optional[str] = None,
    region: Optional[str] = None,
    host: Optional[str] = None,
    path: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
    *,
    # Deprecated names of access_key_id and secret_access_key (DeprecationWarning).
    access_key: Optional[str] = None,
    secret_key: Optional[str] = None,
) -> GitCredential:
    """access_key_id, secret_access_key, region, host and path are required (TypeError)."""
async def git_credential_async(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> GitCredential: ...
async def signed_url_async(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> str: ...

class DulwichAuth(TypedDict):
    """Keyword arguments for ``dulwich.porcelain.clone``/``fetch``/``push``/``pull``."""

    username: str
    password: str

def dulwich_auth(
    remote_or_url: str,
    *,
    client: Optional[Client] = None,
    at: Optional[datetime.datetime] = None,
) -> DulwichAuth: ...
