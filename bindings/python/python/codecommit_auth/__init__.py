"""AWS CodeCommit Git credentials from AWS profiles.

Turns a ``codecommit://`` remote (or a CodeCommit HTTPS URL) and an AWS profile into the
SigV4 username and password Git needs, or a URL carrying them. A thin layer over the Rust
``codecommit-auth`` core: the same remote forms, host allowlist, credential sources,
cross-process credential cache and error codes as the ``git-remote-codecommit`` and
``git-credential-codecommit`` programs.

    >>> import codecommit_auth
    >>> cred = codecommit_auth.git_credential("codecommit::us-east-1://my-repo")  # doctest: +SKIP
    >>> cred.username, cred.password, cred.expires_at                            # doctest: +SKIP

``Client`` holds options (profile, region, endpoint, cache, refresh margin, MFA callback)
and remembers temporary credentials; share one between threads. Every call that may touch
the network releases the GIL; the ``*_async`` variants run it in the event loop's default
executor. Integrations: ``codecommit_auth.CodeCommitCallbacks`` (a
``pygit2.RemoteCallbacks``, when pygit2 is installed) and ``dulwich_auth`` (keyword
arguments for ``dulwich.porcelain.clone``).
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, Any, Callable, Optional, TypedDict, TypeVar

from ._native import (
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
from ._native import Client as _NativeClient

# One exception class per error code in core's table (core/src/error.rs), except the codes
# only the C API can produce (NULL_ARGUMENT, INVALID_UTF8): a Python caller never meets
# them, so they are not part of this package's API. `ErrorCode` still lists every number.

if TYPE_CHECKING:
    from ._pygit2 import CodeCommitCallbacks as CodeCommitCallbacks

# `TimeoutError` is left out of `__all__` so that `from codecommit_auth import *` does not
# shadow the builtin; use `codecommit_auth.TimeoutError` (a subclass of the builtin).
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

_T = TypeVar("_T")


async def _in_executor(call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run a blocking call (which releases the GIL) in the running loop's default executor."""
    import asyncio  # here, not at the top: `import codecommit_auth` stays cheap

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(call, *args, **kwargs))


class Client(_NativeClient):
    """Resolves remotes to signed Git credentials.

    Keyword-only options: ``profile`` (when the remote names none), ``region`` (when the
    remote and its host give none), ``endpoint`` (``host[:port]`` or ``http[s]://host[:port]``,
    like ``CODE_COMMIT_ENDPOINT``, which applies when this is ``None``), ``cache`` (share
    temporary credentials with other processes through the AWS CLI cache), ``refresh_margin``
    (``timedelta`` or seconds: refresh temporary credentials this long before they expire),
    ``ignore_host_check`` (sign for HTTPS URLs on any host) and ``mfa_callback``
    (``(MfaRequest) -> str``, asked for the code of a role profile with ``mfa_serial``; it is
    called from the thread resolving credentials, with the GIL held only for the call).

    Thread-safe; one client remembers temporary credentials until they near expiry.
    """

    async def git_credential_async(
        self, remote_or_url: str, *, at: Optional[datetime.datetime] = None
    ) -> GitCredential:
        """``git_credential`` without blocking the event loop."""
        return await _in_executor(self.git_credential, remote_or_url, at=at)

    async def signed_url_async(
        self, remote_or_url: str, *, at: Optional[datetime.datetime] = None
    ) -> str:
        """``signed_url`` without blocking the event loop."""
        return await _in_executor(self.signed_url, remote_or_url, at=at)


async def git_credential_async(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> GitCredential:
    """``git_credential`` without blocking the event loop."""
    return await _in_executor(
        git_credential, remote_or_url, profile=profile, region=region, endpoint=endpoint, at=at
    )


async def signed_url_async(
    remote_or_url: str,
    *,
    profile: Optional[str] = None,
    region: Optional[str] = None,
    endpoint: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
) -> str:
    """``signed_url`` without blocking the event loop."""
    return await _in_executor(
        signed_url, remote_or_url, profile=profile, region=region, endpoint=endpoint, at=at
    )


class DulwichAuth(TypedDict):
    """Keyword arguments for ``dulwich.porcelain.clone``/``fetch``/``push``/``pull``."""

    username: str
    password: str


def dulwich_auth(
    remote_or_url: str,
    *,
    client: Optional[Client] = None,
    at: Optional[datetime.datetime] = None,
) -> DulwichAuth:
    """``username``/``password`` for dulwich's porcelain, fresh for one operation::

        client = codecommit_auth.Client()
        remote = "codecommit::us-east-1://my-repo"
        porcelain.clone(client.repository_url(remote), "my-repo", **dulwich_auth(remote, client=client))

    The password is valid for about 15 minutes: call this again for a later operation.
    """
    cred = (client if client is not None else Client()).git_credential(remote_or_url, at=at)
    return {"username": cred.username, "password": cred.password}


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import codecommit_auth` never imports pygit2.
    if name == "CodeCommitCallbacks":
        try:
            from ._pygit2 import CodeCommitCallbacks
        except ImportError as e:
            # `from codecommit_auth import *` still works without pygit2; using the class
            # says what is missing.
            return _needs_pygit2(e)
        return CodeCommitCallbacks
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"CodeCommitCallbacks"})


def _needs_pygit2(error: ImportError) -> Any:
    message = (
        f"codecommit_auth.CodeCommitCallbacks needs pygit2 ({error}): "
        "pip install 'codecommit-auth[pygit2]'"
    )

    def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        raise ImportError(message)

    # Stands in for the pygit2 integration when pygit2 is not installed.
    return type("CodeCommitCallbacks", (), {"__init__": refuse, "__module__": __name__})
