"""Fixtures of the builder tests: a simulated NiceGUI user on a fresh local store, and the page's state."""

from __future__ import annotations

import functools

import pytest
from nicegui.testing.user_simulation import user_simulation
from starlette.requests import Request

from lakestream.ui.app import UiOptions, builder


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
