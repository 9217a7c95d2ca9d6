"""OAuth profiles of ~/.databrickscfg in the app's workspace connection, against the fake workspace at wire
level: a service principal (OAuth M2M: host metadata, OIDC discovery, client-credentials grant) connects;
profiles that sign in through a web browser get a message and never open a browser on the server."""

from __future__ import annotations

import threading
import webbrowser

import pytest

from lakestream.deploy import workspace
from lakestream.deploy.app import Identity, client_for
from lakestream.deploy.profiles import chosen_profile, list_profiles


@pytest.fixture
def no_browser(monkeypatch):
    """Fails the test if anything tries to open a web browser."""
    opened: list[str] = []
    for name in ("open", "open_new", "open_new_tab"):
        monkeypatch.setattr(webbrowser, name, lambda url, *a, **k: opened.append(url) or True)
    yield opened
    assert not opened, f"a browser was opened: {opened}"


def _within(seconds: float, work):
    """`work()`'s result; fails (instead of hanging the test run) if it does not return in time."""
    result: list = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the test below
            result.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"no answer within {seconds} s: the server would hang"
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def test_a_service_principal_profile_connects_with_oauth_m2m(cfg, fake, no_browser):
    fake.add_service_principal("6f1c-sp", "s3cret-value", "lakestream-deployer")
    cfg.write_text(f"[robot]\nhost = {fake.url}\nclient_id = 6f1c-sp\nclient_secret = s3cret-value\n")
    (profile,) = list_profiles()
    assert (profile.name, profile.auth) == ("robot", "OAuth (service principal)")
    assert "s3cret" not in repr(profile)

    status = _within(60, lambda: workspace.use_profile(Identity("me", False), "robot"))
    assert status.ok, status.message
    assert status.user == "lakestream-deployer"
    assert chosen_profile() == "robot"
    # the SDK found the token endpoint through the host's metadata and OIDC discovery, then asked for a token
    assert fake.calls("GET", r"^/\.well-known/databricks-config$")
    assert fake.calls("GET", r"^/oidc/\.well-known/oauth-authorization-server$")
    (grant,) = fake.calls("POST", r"^/oidc/v1/token$")
    assert "grant_type=client_credentials" in grant.body.decode()
    assert grant.headers["authorization"].startswith("Basic ")  # the secret went as HTTP Basic auth only
    me = [r for r in fake.calls("GET", r"/scim/v2/Me$") if r.user == "lakestream-deployer"]
    assert me and me[-1].headers["authorization"].startswith("Bearer oauth-")
    # from now on the app's client is the service principal
    assert client_for(Identity("me", False)).current_user.me().user_name == "lakestream-deployer"


def test_a_wrong_client_secret_is_reported(cfg, fake, no_browser):
    fake.add_service_principal("6f1c-sp", "s3cret-value", "lakestream-deployer")
    cfg.write_text(f"[robot]\nhost = {fake.url}\nclient_id = 6f1c-sp\nclient_secret = not-the-secret\n")
    status = _within(60, lambda: workspace.use_profile(Identity("me", False), "robot"))
    assert not status.ok
    assert "invalid_client" in status.message or "Client authentication failed" in status.message
    assert "not-the-secret" not in status.message
    assert chosen_profile() is None


def test_a_browser_login_profile_gets_a_message_and_opens_no_browser(cfg, fake, no_browser):
    cfg.write_text(f"[me]\nhost = {fake.url}\nauth_type = external-browser\n")
    (profile,) = list_profiles()
    assert profile.auth == "OAuth (browser)"
    status = _within(30, lambda: workspace.use_profile(Identity("me", False), "me"))
    assert not status.ok
    assert "signs in through a web browser" in status.message
    assert f"databricks auth login --host {fake.url} --profile me" in status.message
    assert not fake.calls("GET", r"/oidc/v1/authorize")
    assert chosen_profile() is None


def test_the_environment_asking_for_a_browser_login_gets_a_message(cfg, fake, no_browser, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_AUTH_TYPE", "external-browser")
    status = _within(30, lambda: workspace.check(Identity("me", False)))
    assert not status.ok and "DATABRICKS_AUTH_TYPE=external-browser" in status.message


def test_a_cli_login_profile_without_the_cli_says_what_to_do(cfg, fake, no_browser, monkeypatch, tmp_path):
    empty = tmp_path / "no-cli"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no `databricks` command to ask for the login's token
    cfg.write_text(f"[cli]\nhost = {fake.url}\nauth_type = databricks-cli\n")
    status = _within(60, lambda: workspace.use_profile(Identity("me", False), "cli"))
    assert not status.ok
    assert "the `databricks` command is not installed on the LakeStream server" in status.message
    assert f"databricks auth login --host {fake.url} --profile cli" in status.message
    assert chosen_profile() is None
