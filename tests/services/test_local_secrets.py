"""The local profile reads secrets from environment variables, with a message naming the one to set."""

from __future__ import annotations

import pytest

from lakestream.connectors.secrets import MissingSecret, env_name, local_secret


def test_secrets_come_from_the_environment(monkeypatch):
    assert env_name("alerts", "slack-hook.v2") == "LAKESTREAM_SECRET_ALERTS__SLACK_HOOK_V2"
    monkeypatch.setenv("LAKESTREAM_SECRET_ALERTS__SLACK_HOOK_V2", "https://hooks/x")
    assert local_secret("alerts", "slack-hook.v2") == "https://hooks/x"


def test_a_missing_secret_says_what_to_export(monkeypatch):
    monkeypatch.delenv("LAKESTREAM_SECRET_SMTP__PASSWORD", raising=False)
    with pytest.raises(MissingSecret, match=r"secret smtp/password is not set for the local run: "
                                            r"export LAKESTREAM_SECRET_SMTP__PASSWORD=<value>"):
        local_secret("smtp", "password")
