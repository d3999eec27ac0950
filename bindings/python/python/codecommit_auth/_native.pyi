"""Type stubs of the native part of ``codecommit_auth`` (checked by stubtest in the tests)."""

import builtins
import datetime
import enum
from typing import Callable, Optional, Union, final

# typing_extensions is a declared dependency of the package (pyproject.toml).
from typing_extensions import Self, disjoint_base

__all__ = [
    "__version__",
    "ErrorCode",
    "CodeCommitAuthError",
    "InvalidRemoteError",
    "InvalidRegionError",
    "HostNotAllowedError",
    "UnknownProfileError",
    "InvalidConfigError",
    "NoCredentialsError",
    "LoginRequiredError",
    "MfaRequiredError",
    "CredentialSourceError",
    "TimeoutError",
    "InvalidCredentialRequestError",
    "MissingPathError",
    "InvalidArgumentError",
    "IoError",
    "InternalError",
    "ClientBase",
    "GitCredential",
    "MfaRequest",
    "git_credential",
    "signed_url",
    "repository_url",
    "sign",
    "_exception_for",
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

@disjoint_base
class ClientBase:
    def __new__(
        cls,
        *,
        profile: Optional[str] = None,
        region: Optional[str] = None,
        endpoint: Optional[str] = None,
        cache: Optional[bool] = None,  # None: True (share the AWS CLI cache)
        refresh_margin: Union[datetime.timedelta, float, None] = None,
        ignore_host_check: Optional[bool] = None,  # None: False
        mfa_callback: Optional[Callable[[MfaRequest], str]] = None,
    ) -> Self: ...
    def git_credential(
        self, remote_or_url: str, *, at: Optional[datetime.datetime] = None
    ) -> GitCredential: ...
    def signed_url(self, remote_or_url: str, *, at: Optional[datetime.datetime] = None) -> str: ...
    def repository_url(self, remote_or_url: str) -> str: ...
    @property
    def profile(self) -> Optional[str]: ...
    @property
    def region(self) -> Optional[str]: ...
    @property
    def endpoint(self) -> Optional[str]: ...
    @property
    def cache(self) -> bool: ...
    @property
    def refresh_margin(self) -> datetime.timedelta: ...
    @property
    def ignore_host_check(self) -> bool: ...
    @property
    def mfa_callback(self) -> Optional[Callable[[MfaRequest], str]]: ...

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
def _exception_for(code: int, message: str) -> CodeCommitAuthError: ...
