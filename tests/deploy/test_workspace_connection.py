"""The app's workspace connection: profiles of ~/.databrickscfg listed without secrets, host + token checked
against the fake workspace and saved as a profile (mode 0600, other lines untouched), short timeouts."""

from __future__ import annotations

import socket
import stat
import threading
import time

import pytest

from lakestream.deploy import profiles, workspace
from lakestream.deploy.app import Identity, client_for
from lakestream.deploy.profiles import ProfileError, chosen_profile, list_profiles, save_profile

EXISTING = """; my settings
[DEFAULT]
host = https://adb-1.azuredatabricks.net
token = dapi-default

[oauth]
host = https://adb-2.azuredatabricks.net
auth_type = databricks-cli

[lakestream]
host = https://old.example.com
token = dapi-old
cluster_id = 0101-abc
"""


def test_profiles_are_listed_without_their_secrets(cfg):
    cfg.write_text(EXISTING)
    found = list_profiles()
    assert [(p.name, p.host, p.auth) for p in found] == [
        ("DEFAULT", "https://adb-1.azuredatabricks.net", "token"),
        ("oauth", "https://adb-2.azuredatabricks.net", "OAuth (databricks auth login)"),
        ("lakestream", "https://old.example.com", "token")]
    assert "dapi" not in repr(found)


def test_saving_replaces_only_its_section_with_mode_0600(cfg):
    cfg.write_text(EXISTING)
    cfg.chmod(0o644)
    save_profile("lakestream", "new.example.com", "dapi-new")
    text = cfg.read_text()
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert text.startswith(EXISTING.split("[lakestream]")[0])  # comments and other profiles byte for byte
    assert "[lakestream]\nhost  = https://new.example.com\ntoken = dapi-new\ncluster_id = 0101-abc\n" in text
    assert "dapi-old" not in text
    save_profile("second", "https://x.example.com", "dapi-2")
    assert text in cfg.read_text() and cfg.read_text().endswith("[second]\nhost  = https://x.example.com\ntoken = dapi-2\n")


@pytest.mark.parametrize("name,host,token,message", [
    ("bad name", "https://x.example.com", "t", "is not a profile name"),
    ("p", "https://x.example.com\n[evil]", "t", "is not a workspace URL"),
    ("p", "ftp://x.example.com", "t", "is not a workspace URL"),
    ("p", "https://x.example.com", "dapi\n[evil]\nhost = y", "has spaces or line breaks"),
    ("p", "https://x.example.com", "", "The token is empty"),
])
def test_malformed_entries_are_refused_and_nothing_is_written(cfg, name, host, token, message):
    with pytest.raises(ProfileError, match=message):
        save_profile(name, host, token)
    assert not cfg.exists()


def test_host_and_token_are_checked_then_saved_and_used(cfg, fake, monkeypatch):
    status = workspace.connect_with_token("lakestream", fake.url, "dapi-test")
    assert status.ok and status.user == "tester@example.com"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600 and "token = dapi-test" in cfg.read_text()
    assert chosen_profile() == "lakestream"
    assert "dapi-test" not in (cfg.parent / "home" / "workspace.json").read_text()
    # the app's clients now use that profile
    assert client_for(Identity("me", False)).current_user.me().user_name == "tester@example.com"


def test_a_wrong_token_is_explained_and_not_saved(cfg, fake):
    status = workspace.connect_with_token("lakestream", fake.url, "dapi-wrong")
    assert not status.ok and "refused the credentials" in status.message and "dapi-wrong" not in status.message
    assert not cfg.exists() and chosen_profile() is None


def test_the_environment_wins_over_a_chosen_profile(cfg, fake, monkeypatch):
    fake.add_user("dapi-env", "env@example.com")
    save_profile("other", "https://unreachable.invalid", "dapi-x")
    profiles.choose_profile("other")
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-env")
    assert profiles.environment_auth() == fake.url
    assert workspace.check(Identity("me", False), "other").user == "env@example.com"


def test_app_mode_keeps_the_forwarded_token(fake, monkeypatch):
    monkeypatch.setenv("DATABRICKS_APP_NAME", "lakestream")
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    fake.add_user("user-token", "alice@example.com")
    status = workspace.check(Identity("alice@example.com", True, "user-token"), "ignored-profile")
    assert status.ok and status.user == "alice@example.com"


@pytest.fixture
def silent_host():
    """A loopback listener that accepts connections and never answers (a host that hangs)."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    for conn in held:
        conn.close()
    server.close()


def test_an_unreachable_or_silent_host_answers_with_a_message_not_a_hang(cfg, silent_host):
    closed = socket.create_server(("127.0.0.1", 0))
    refused = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    for url in (refused, silent_host):
        started = time.monotonic()
        status = workspace.connect_with_token("lakestream", url, "dapi-test")
        took = time.monotonic() - started
        assert not status.ok and status.message.startswith(f"Cannot use {url}")
        assert took < 60, f"{url} blocked the check for {took:.0f} s"  # a hang detector, not a speed target
    assert not cfg.exists()
