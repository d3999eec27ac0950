"""Type stubs of the native part of ``codecommit_auth`` (checked by stubtest in the tests).

The public classes and functions are declared in ``__init__.pyi`` (so that mypy names them
``codecommit_auth.X``) and re-exported here; only the native client base is declared here."""

import datetime
from typing import Callable, Optional, Union

# typing_extensions: type checkers take it from their bundled typeshed (stdlib/typing_extensions.pyi); these stubs are never imported at run time, so the package does not depend on it.
from typing_extensions import Self, disjoint_base

from codecommit_auth import (
    CodeCommitAuthError as CodeCommitAuthError,
    CredentialSourceError as CredentialSourceError,
    ErrorCode as ErrorCode,
    GitCredential as GitCredential,
    HostNotAllowedError as HostNotAllowedError,
    InternalError as InternalError,
    InvalidArgumentError as InvalidArgumentError,
    InvalidConfigError as InvalidConfigError,
    InvalidCredentialRequestError as InvalidCredentialRequestError,
    InvalidRegionError as InvalidRegionError,
    InvalidRemoteError as InvalidRemoteError,
    IoError as IoError,
    LoginRequiredError as LoginRequiredError,
    MfaRequest as MfaRequest,
    MfaRequiredError as MfaRequiredError,
    MissingPathError as MissingPathError,
    NoCredentialsError as NoCredentialsError,
    TimeoutError as TimeoutError,
    UnknownProfileError as UnknownProfileError,
    __version__ as __version__,
    git_credential as git_credential,
    repository_url as repository_url,
    sign as sign,
    signed_url as signed_url,
)

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
    "Client",
    "GitCredential",
    "MfaRequest",
    "git_credential",
    "signed_url",
    "repository_url",
    "sign",
    "_exception_for",
]

@disjoint_base
class Client:
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

def _exception_for(code: int, message: str) -> CodeCommitAuthError: ...
