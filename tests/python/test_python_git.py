"""pygit2 (PyPI wheel) and dulwich against the local CodeCommit-compatible endpoint, with
credentials from the Python package: clone, commit, push, fetch; static keys, keys with a
session token, and assumed-role credentials from moto's STS; plain HTTP and TLS."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

import helpers
from pyutil import REGION, load_package

cc = load_package()
pygit2 = pytest.importorskip("pygit2")
porcelain = pytest.importorskip("dulwich.porcelain")

SIGNATURE = pygit2.Signature("Test User", "test@example.com")


def use_keys(monkeypatch, akid, secret, token=None):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", akid)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    if token:
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)


def commit(repo: "pygit2.Repository", name: str, data: bytes, message: str) -> "pygit2.Oid":
    """Commit one new file on top of refs/heads/main (or as its first commit), check it out."""
    main = repo.references.get("refs/heads/main")
    parents = [main.target] if main is not None else []
    builder = repo.TreeBuilder(repo[main.target].tree) if main is not None else repo.TreeBuilder()
    builder.insert(name, repo.create_blob(data), pygit2.enums.FileMode.BLOB)
    oid = repo.create_commit("refs/heads/main", SIGNATURE, SIGNATURE, message, builder.write(), parents)
    repo.set_head("refs/heads/main")
    if not repo.is_bare:
        repo.checkout_head(strategy=pygit2.enums.CheckoutStrategy.FORCE)
    return oid


class Rejections(cc.CodeCommitCallbacks):
    """Records push rejections (a rejected ref is not an exception in libgit2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected: dict[str, str] = {}
        self.asked = 0

    def credentials(self, url, username_from_url, allowed_types):
        self.asked += 1
        return super().credentials(url, username_from_url, allowed_types)

    def push_update_reference(self, refname, message):
        if message:
            self.rejected[refname] = message


def pygit2_round_trip(client, remote: str, tmp: Path, callbacks_remote: str | None) -> None:
    """Clone an empty repository, commit, push; clone again, commit, push; fetch."""
    url = client.repository_url(remote)
    first = pygit2.clone_repository(url, str(tmp / "first"),
                                    callbacks=Rejections(callbacks_remote, client=client))
    commit(first, "hello.txt", b"hello from pygit2\n", "add hello.txt")
    callbacks = Rejections(callbacks_remote, client=client)
    first.remotes["origin"].push(["refs/heads/main:refs/heads/main"], callbacks=callbacks)
    assert callbacks.rejected == {} and callbacks.asked >= 1

    second = pygit2.clone_repository(url, str(tmp / "second"),
                                     callbacks=Rejections(callbacks_remote, client=client))
    assert (Path(second.workdir) / "hello.txt").read_bytes() == b"hello from pygit2\n"
    commit(second, "second.txt", b"second\n", "add second.txt")
    second.remotes["origin"].push(["refs/heads/main:refs/heads/main"],
                                  callbacks=Rejections(callbacks_remote, client=client))

    first.remotes["origin"].fetch(callbacks=Rejections(callbacks_remote, client=client))
    fetched = first.references["refs/remotes/origin/main"].peel(pygit2.Commit)
    assert [c.message for c in first.walk(fetched.id)] == ["add second.txt", "add hello.txt"]


def test_pygit2_clone_push_fetch_with_codecommit_remote(endpoint, aws_files, monkeypatch, tmp_path):
    akid, secret, token = endpoint.new_key(token=True)  # the token needs %-handling in the username
    use_keys(monkeypatch, akid, secret, token)
    repo = endpoint.add_repo().name
    client = cc.Client(endpoint=endpoint.url)
    pygit2_round_trip(client, f"codecommit::{REGION}://{repo}", tmp_path, f"codecommit::{REGION}://{repo}")
    ok = [r for r in endpoint.requests() if r["status"] == 200]
    assert {r["access_key_id"] for r in ok} == {akid}
    assert any("receive-pack" in r["path"] for r in ok)


def test_pygit2_callbacks_sign_the_url_libgit2_connects_to(endpoint, aws_files, monkeypatch, tmp_path):
    """Without a remote, the callbacks sign for the URL libgit2 passes them."""
    akid, secret, _ = endpoint.new_key()
    use_keys(monkeypatch, akid, secret)
    repo = endpoint.add_repo().name
    client = cc.Client(endpoint=endpoint.url, region=REGION)
    pygit2_round_trip(client, f"codecommit://{repo}", tmp_path, None)


def test_pygit2_with_assumed_role_over_tls(endpoint_factory, aws_files, monkeypatch, tmp_path):
    server = endpoint_factory(tls=True, sts=True)
    aws_files.write(config=helpers.role_config(role_session_name="pygit2"), credentials=helpers.ROLE_CREDENTIALS)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.sts_url)
    pygit2.settings.set_ssl_cert_locations(server.ca, None)
    repo = server.add_repo().name
    client = cc.Client(endpoint=server.host)  # HOST:PORT, https, like CODE_COMMIT_ENDPOINT
    remote = f"codecommit::{REGION}://deployer@{repo}"
    assert client.repository_url(remote).startswith("https://")
    pygit2_round_trip(client, remote, tmp_path, remote)
    keys = {r["access_key_id"] for r in server.requests() if r["status"] == 200}
    assert keys and all(k.startswith("ASIA") for k in keys)


def test_pygit2_wrong_secret_fails_cleanly(endpoint, aws_files, monkeypatch, tmp_path):
    akid, _, _ = endpoint.new_key()
    use_keys(monkeypatch, akid, helpers.random_secret())
    repo = endpoint.add_repo().name
    client = cc.Client(endpoint=endpoint.url, region=REGION)
    callbacks = Rejections(client=client)
    with pytest.raises(pygit2.GitError):
        pygit2.clone_repository(client.repository_url(f"codecommit://{repo}"), str(tmp_path / "c"),
                                callbacks=callbacks)
    assert 1 <= callbacks.asked <= 16  # libgit2 bounds the authentication replays
    assert not (tmp_path / "c" / "README").exists()


def test_pygit2_surfaces_our_errors(endpoint, aws_files, tmp_path):
    """An error while signing (here: an unknown profile) comes out of pygit2 as ours."""
    repo = endpoint.add_repo().name
    client = cc.Client(endpoint=endpoint.url, region=REGION)
    with pytest.raises(cc.UnknownProfileError):
        pygit2.clone_repository(client.repository_url(f"codecommit://{repo}"), str(tmp_path / "c"),
                                callbacks=cc.CodeCommitCallbacks(f"codecommit://nobody@{repo}", client=client))


def seed_repository(endpoint, aws_files, monkeypatch, tmp_path) -> tuple[str, object]:
    """A repository with one pushed commit (via pygit2) and a client for it."""
    akid, secret, token = endpoint.new_key(token=True)
    use_keys(monkeypatch, akid, secret, token)
    repo = endpoint.add_repo().name
    client = cc.Client(endpoint=endpoint.url, region=REGION)
    local = pygit2.init_repository(str(tmp_path / "seed"), initial_head="main")
    commit(local, "README", b"seeded\n", "seed")
    local.remotes.create("origin", client.repository_url(f"codecommit://{repo}"))
    local.remotes["origin"].push(["refs/heads/main:refs/heads/main"],
                                 callbacks=cc.CodeCommitCallbacks(client=client))
    return repo, client


def test_dulwich_clone_and_push(endpoint, aws_files, monkeypatch, tmp_path):
    repo, client = seed_repository(endpoint, aws_files, monkeypatch, tmp_path)
    remote = f"codecommit://{repo}"
    target = tmp_path / "dulwich"
    errors = io.BytesIO()
    cloned = porcelain.clone(client.repository_url(remote), str(target), errstream=errors,
                             **cc.dulwich_auth(remote, client=client))
    assert (target / "README").read_bytes() == b"seeded\n"

    (target / "from-dulwich.txt").write_bytes(b"dulwich\n")
    porcelain.add(cloned, [str(target / "from-dulwich.txt")])
    porcelain.commit(cloned, message=b"dulwich commit", author=b"T <t@example.com>",
                     committer=b"T <t@example.com>")
    porcelain.push(cloned, client.repository_url(remote), b"refs/heads/main:refs/heads/main",
                   errstream=errors, **cc.dulwich_auth(remote, client=client))

    check = pygit2.clone_repository(client.repository_url(remote), str(tmp_path / "check"),
                                    callbacks=cc.CodeCommitCallbacks(remote, client=client))
    assert (Path(check.workdir) / "from-dulwich.txt").read_bytes() == b"dulwich\n"
    assert check.head.peel(pygit2.Commit).message == "dulwich commit"


def test_dulwich_without_credentials_is_refused(endpoint, aws_files, monkeypatch, tmp_path):
    """The endpoint really checks: dulwich without our credentials cannot clone."""
    repo, client = seed_repository(endpoint, aws_files, monkeypatch, tmp_path)
    with pytest.raises(Exception):
        porcelain.clone(client.repository_url(f"codecommit://{repo}"), str(tmp_path / "x"),
                        errstream=io.BytesIO())
    stale = cc.dulwich_auth(f"codecommit://{repo}", client=client,
                            at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    with pytest.raises(Exception):
        porcelain.clone(client.repository_url(f"codecommit://{repo}"), str(tmp_path / "y"),
                        errstream=io.BytesIO(), **stale)
