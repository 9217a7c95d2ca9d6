"""The save conflict in the builder: a stale save opens "changed since you opened it" with its three ways out."""

from __future__ import annotations

import pytest
from nicegui.testing import user_simulation

from lakestream.store import Store
from lakestream.store.local import LocalBackend
from lakestream.ui.app import UiOptions, builder


@pytest.fixture
async def session(tmp_path, monkeypatch):
    """The builder on a local store, its page object, and a second writer (bob) on the same folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("LAKESTREAM_HOME", str(home))
    monkeypatch.delenv("DATABRICKS_APP_PORT", raising=False)
    pages = []
    options = UiOptions(store="local", store_options={"home": str(home)})
    async with user_simulation(root=lambda: pages.append(builder(options))) as user:
        await user.open("/")
        user.find(marker="action-save").click()
        await user.should_see("(version 1)")
        yield user, pages[-1], Store(LocalBackend(home), user="bob@example.com")


def _bob_saves(bob: Store, pipeline_id: str, name: str):
    current = bob.get(pipeline_id)
    return bob.save(current.model_copy(update={"name": name}), current.version)


async def _stale_save(user):
    user.find(marker="action-save").click()
    await user.should_see("This pipeline changed since you opened it")
    await user.should_see("saved by bob@example.com")


async def test_overwrite_keeps_the_other_save_in_history(session):
    user, page, bob = session
    pipeline_id = page.doc.id
    _bob_saves(bob, pipeline_id, "Bob's")
    await _stale_save(user)
    user.find("Overwrite").click()
    await user.should_see("Saved (version 3)")
    assert bob.latest_version(pipeline_id) == 3 and bob.get(pipeline_id).name == page.doc.name
    assert bob.get_version(pipeline_id, 2).name == "Bob's"  # nothing lost


async def test_reload_takes_the_other_version(session):
    user, page, bob = session
    pipeline_id = page.doc.id
    theirs = _bob_saves(bob, pipeline_id, "Bob's")
    await _stale_save(user)
    user.find("Reload theirs").click()
    await user.should_see("Reloaded the latest version")
    assert page.doc.name == "Bob's" and page.doc.version == theirs.version
    assert bob.latest_version(pipeline_id) == 2


async def test_save_as_copy_leaves_the_other_version_alone(session):
    user, page, bob = session
    pipeline_id = page.doc.id
    _bob_saves(bob, pipeline_id, "Bob's")
    await _stale_save(user)
    user.find("Save mine as a copy").click()
    await user.should_see("Saved as a copy")
    assert page.doc.id != pipeline_id and bob.get(page.doc.id).version == 1
    assert bob.get(pipeline_id).name == "Bob's" and bob.latest_version(pipeline_id) == 2
