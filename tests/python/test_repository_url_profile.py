"""repository_url reads the AWS config files only when the URL's host depends on the profile.

The config file is made unreadable (a FIFO, which core refuses at once, or a file that does not
parse): a call that still succeeds proves no profile was read; a call that needs the profile
(region or FIPS unknown without it) reports the file.
"""

from __future__ import annotations

import os

import pytest

import codecommit_auth as cc

HOST = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/repo"
FIPS_HOST = "https://git-codecommit-fips.us-east-1.amazonaws.com/v1/repos/repo"


@pytest.fixture(params=["fifo", "unparsable"])
def unreadable_config(request, aws_files, monkeypatch):
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_USE_FIPS_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    aws_files.config.unlink()
    if request.param == "fifo":
        os.mkfifo(aws_files.config)
    else:
        aws_files.config.write_text("[default]\nregion = us-east-1\nnot a property\n")
    return aws_files.config


def test_a_region_in_the_remote_needs_no_profile_once_fips_is_known(unreadable_config, monkeypatch):
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "false")
    assert cc.repository_url("codecommit::us-east-1://repo") == HOST
    assert cc.Client(region="us-east-1").repository_url("codecommit://repo") == HOST
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    assert cc.repository_url("codecommit::us-east-1://repo") == FIPS_HOST


def test_an_https_url_or_an_endpoint_override_needs_no_profile(unreadable_config):
    assert cc.repository_url(HOST) == HOST
    client = cc.Client(endpoint="http://127.0.0.1:9")
    assert client.repository_url("codecommit://repo") == "http://127.0.0.1:9/v1/repos/repo"


def test_the_profile_is_read_when_the_host_depends_on_it(unreadable_config):
    # No region anywhere but the profile.
    with pytest.raises(cc.InvalidConfigError) as raised:
        cc.repository_url("codecommit://repo")
    assert str(unreadable_config) in str(raised.value)
    # The region is known, but the profile's use_fips_endpoint could change the host.
    with pytest.raises(cc.InvalidConfigError):
        cc.repository_url("codecommit::us-east-1://repo")


def test_the_profiles_use_fips_endpoint_changes_the_host(aws_files, monkeypatch):
    monkeypatch.delenv("AWS_USE_FIPS_ENDPOINT", raising=False)
    aws_files.config.write_text("[default]\nuse_fips_endpoint = true\n")
    assert cc.repository_url("codecommit::us-east-1://repo") == FIPS_HOST
