"""pygit2 integration: ``CodeCommitCallbacks``, a ``pygit2.RemoteCallbacks`` that answers
CodeCommit's authentication challenge with freshly signed credentials.

Imported on first use of ``codecommit_auth.CodeCommitCallbacks``, so pygit2 is needed only
by programs that use it.
"""

from __future__ import annotations

from typing import Callable, Optional

import pygit2
from pygit2.enums import CredentialType

from . import Client

__all__ = ["CodeCommitCallbacks"]


class CodeCommitCallbacks(pygit2.RemoteCallbacks):
    """Credentials for pygit2's network operations (clone, fetch, push, ls_remotes)::

        client = codecommit_auth.Client(profile="dev")
        remote = "codecommit::us-east-1://my-repo"
        repo = pygit2.clone_repository(
            client.repository_url(remote), "my-repo",
            callbacks=codecommit_auth.CodeCommitCallbacks(remote, client=client))

    ``remote_or_url`` is what to sign for (a ``codecommit://`` remote or an HTTPS URL); when
    ``None``, the URL libgit2 is connecting to is used, which works for CodeCommit HTTPS URLs
    and for the client's ``endpoint``. Each authentication challenge gets a new signature,
    so one instance may serve many operations and outlive the 15-minute password.
    """

    def __init__(
        self,
        remote_or_url: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        certificate_check: Optional[Callable[[None, bool, bytes], bool]] = None,
    ) -> None:
        super().__init__(certificate_check=certificate_check)
        self.remote_or_url = remote_or_url
        self.client = client if client is not None else Client()

    def credentials(
        self,
        url: str,
        username_from_url: Optional[str],
        allowed_types: CredentialType,
    ) -> pygit2.UserPass:
        if not allowed_types & CredentialType.USERPASS_PLAINTEXT:
            raise pygit2.GitError(
                f"{url} does not accept a username and password; CodeCommit over HTTPS does "
                "(use an https:// or codecommit:// remote, not SSH)"
            )
        cred = self.client.git_credential(self.remote_or_url or url)
        return pygit2.UserPass(cred.username, cred.password)
