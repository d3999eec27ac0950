"""No secret in any Python exception: str(), repr(), args and the formatted traceback.

Takes the URL `signed_url()` itself produces from planted keys (secret key and session
token), mutates it in many ways, feeds each mutation to every entry point of the package
(module functions and Client methods, as remote and as endpoint), and scans what a user or
a log would see of the exception.
"""

from __future__ import annotations

import datetime as dt
import traceback
from urllib.parse import quote

import pytest

from pyutil import load_package

cc = load_package()

UTC = dt.timezone.utc
AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
AKID = "ASIAPLANTEDKEY123456"
SECRET = "Pl4nted/SecretKey+wJalrXUtnFEMIK7MDENGbP"
TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6Zk2b+Xq1v/tYq9Bz0C8gH4kRrWm5a"
         "XhUeM3nCIgR4x7pL1sZpN2wRk8PLANTEDtokenQk3Jw9vXy+Zt5eR2uNq/H0aLmC7sD4fGiOpK==")


@pytest.fixture
def planted(monkeypatch, aws_files):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    url = cc.signed_url("codecommit::us-east-1://demo", at=AT)
    assert quote(TOKEN, safe="") in url
    return url


def mutations(url: str) -> list[str]:
    at = url.index("@")
    return [
        url + ".git", url + "?x=1", url + "//", url + "#f", url + "/extra",
        url.replace("/demo", "/"), url.replace("/v1/repos/demo", ""),
        url.replace("https://", "http://"), url.replace("https://", "codecommit://"),
        url.replace("https://", "codecommit::us-east-1://"), url.replace("https://", "ftp://"),
        url.upper(), url.replace(".com/", ".com:99999/"), url.replace(".com/", ".com.evil.example/"),
        url.replace("@", "@@"), url.replace("@", "%40"), url[:at] + "\\" + url[at:],
        quote(url, safe=""), url[:at], url[:at - 20], url + "\n\x1b[2J",
    ]


def secrets(url: str) -> list[str]:
    signature = url[url.rindex(":", 0, url.index("@")) + 1: url.index("@")]
    return [SECRET, TOKEN, quote(TOKEN, safe=""), TOKEN[:40], signature, signature[16:48]]


def shown(error: BaseException) -> str:
    text = traceback.format_exception(type(error), error, error.__traceback__)
    cause = [repr(error.__cause__), str(error.__cause__)] if error.__cause__ else []
    return "\n".join([str(error), repr(error), repr(error.args), *text, *cause])


def test_no_secret_in_any_exception(planted):
    client = cc.Client(cache=False)
    calls = {
        "git_credential": lambda m: cc.git_credential(m, at=AT),
        "signed_url": lambda m: cc.signed_url(m, at=AT),
        "repository_url": cc.repository_url,
        "Client.git_credential": lambda m: client.git_credential(m, at=AT),
        "Client.signed_url": lambda m: client.signed_url(m, at=AT),
        "Client.repository_url": client.repository_url,
        "endpoint=": lambda m: cc.Client(endpoint=m, cache=False).signed_url("codecommit://demo", at=AT),
        "region=": lambda m: cc.signed_url("codecommit://demo", region=m, at=AT),
        "profile=": lambda m: cc.signed_url("codecommit://demo", profile=m, at=AT),
    }
    raised, leaks = 0, []
    for mutated in mutations(planted):
        for name, call in calls.items():
            try:
                call(mutated)
            except cc.CodeCommitAuthError as error:  # the base class of every error
                raised += 1
                text = shown(error)
                found = [s[:12] for s in secrets(planted) if s in text]
                if found:
                    leaks.append(f"{name}({mutated[:60]!r}): {found}: {text[:200]!r}")
                assert "\x1b" not in str(error) and "\n" not in str(error)
                assert len(str(error).encode()) <= 1024
    assert raised > 50
    assert not leaks, "\n".join(leaks)
