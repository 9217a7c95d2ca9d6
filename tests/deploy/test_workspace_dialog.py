"""The workspace connection dialog with NiceGUI's simulated user: choosing a profile, App mode."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing.user_simulation import user_simulation

from lakestream.deploy.app import Identity
from lakestream.deploy.profiles import chosen_profile, save_profile
from lakestream.ui.workspace_dialog import open_workspace_dialog


@pytest.fixture
def cfg(no_workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "databrickscfg"))
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    return tmp_path / "databrickscfg"


def _root(identity=None):
    def root():
        ui.button("Workspace", on_click=lambda: open_workspace_dialog(identity)).mark("open")

    return root


async def test_a_profile_is_chosen_checked_and_remembered(cfg, fake):
    save_profile("dev", fake.url, "dapi-test")
    save_profile("broken", fake.url, "dapi-expired")
    async with user_simulation(root=_root(Identity("me", False))) as user:
        await user.open("/")
        user.find(marker="open").click()
        await user.should_see("dev — " + fake.url + " · token", retries=50)
        select = next(iter(user.find(marker="workspace-profile").elements))
        select.set_value("broken")
        user.find(marker="workspace-use-profile").click()
        await user.should_see("refused the credentials", retries=100)
        assert chosen_profile() is None
        select.set_value("dev")
        user.find(marker="workspace-use-profile").click()
        await user.should_see(f"Connected to {fake.url} as tester@example.com", retries=100)
    assert chosen_profile() == "dev"


async def test_app_mode_offers_no_profiles_and_checks_the_users_token(fake, monkeypatch):
    monkeypatch.setenv("DATABRICKS_APP_NAME", "lakestream")
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    fake.add_user("alice-token", "alice@example.com")
    async with user_simulation(root=_root(Identity("alice@example.com", True, "alice-token"))) as user:
        await user.open("/")
        user.find(marker="open").click()
        await user.should_see("through the Databricks App", retries=50)
        await user.should_not_see("Host and token")
        user.find(marker="workspace-check").click()
        await user.should_see("as alice@example.com", retries=100)
