"""Fixtures of the builder tests: a simulated NiceGUI user on a fresh local store, or a real server and Chromium."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
from nicegui.testing.user_simulation import user_simulation
from starlette.requests import Request

from lakestream.ui.app import UiOptions, builder
from tests.browser import CHROMIUM, FLAGS, free_port, server_env, serving
from tests.conftest import require


@pytest.fixture
def pages() -> list:
    """The BuilderPage objects built during the test (the page state the user's actions change)."""
    return []


@pytest.fixture
async def user(tmp_path, monkeypatch, pages):
    """NiceGUI's simulated user (no browser) on the builder, storing pipelines under tmp_path.

    NiceGUI's own `user` plugin needs a main file and global ini settings; `user_simulation` with a
    root function keeps the rest of the test suite unaffected.
    """
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATABRICKS_APP_PORT", raising=False)
    options = UiOptions(store="local", store_options={"home": str(tmp_path / "home")})

    def root(request: Request) -> None:
        pages.append(builder(options, request))

    async with user_simulation(root=root) as simulated:
        # NiceGUI waits 0.3 s by default; store and codegen work runs in threads, and CI machines are busy
        simulated.should_see = functools.partial(simulated.should_see, retries=50)
        simulated.should_not_see = functools.partial(simulated.should_not_see, retries=50)
        yield simulated


# --- real headless Chromium against a `lakestream ui` subprocess (tests marked e2e) ---------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`lakestream ui` on 127.0.0.1 with an empty local store."""
    home = tmp_path_factory.mktemp("home")
    port = free_port()
    env = server_env(drop=("DATABRICKS_APP_PORT",), LAKESTREAM_HOME=str(home), LAKESTREAM_STORE="local")
    command = [sys.executable, "-m", "lakestream", "ui", "--port", str(port)]
    with serving(command, env, home / "server.log", port, timeout=30) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    tab = context.new_page()  # watched: a page or console error fails the test (tests/browser.py)
    tab.goto(server)
    tab.wait_for_selector(".vue-flow")
    yield tab
    context.close()
