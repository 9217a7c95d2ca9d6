"""The versions panel with NiceGUI's simulated user: who/when list, side-by-side compare, code diff, restore."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import user_simulation

from lakestream.pipeline import Edge, Node
from lakestream.store import paths
from lakestream.ui.versions import compare_view, graph_layout, versions_dialog
from tests.store.conftest import make_pipeline

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def history(local_store):
    """Version 1: source → filter (amount > 2) → sink; version 2: filter changed, a node added, label XSS."""
    first = local_store.create(make_pipeline())
    nodes = list(first.nodes)
    nodes[1] = nodes[1].model_copy(update={"config": {"condition": "amount > 99"}, "label": XSS})
    nodes.append(Node(id="n9", type="filter", label="Extra", config={"condition": "true"}))
    edges = first.edges + (Edge(id="e9", source="n1", target="n9"),)
    second = local_store.save(first.model_copy(update={"nodes": tuple(nodes), "edges": edges}), expected_version=1)
    return local_store, first, second


@pytest.fixture
async def panel(history):
    store, first, second = history
    restored = []

    def root():
        ui.button("Versions", on_click=lambda: versions_dialog(
            store, first.id, current_version=second.version, on_restored=restored.append)).mark("open-versions")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="open-versions").click()
        await user.should_see("Versions of Card fraud")
        await user.should_see("Version 1: Card fraud")  # the comparison is there
        yield user, store, first, restored


async def test_lists_versions_with_who_and_when(panel):
    user, store, first, _ = panel
    for info in store.versions(first.id):
        row = user.find(marker=f"version-{info.version}")
        assert row.elements
    await user.should_see("ana@example.com")
    await user.should_see(info.saved_at.strftime("%Y-%m-%d %H:%M"))
    await user.should_see("created")


async def test_side_by_side_marks_changed_added_removed_nodes_and_lists_fields(panel):
    user, *_ = panel
    await user.should_see("Version 1: Card fraud")
    await user.should_see("Version 2: Card fraud")
    user.find(marker="node-new-n2-changed")
    user.find(marker="node-new-n9-added")
    user.find(marker="node-old-n2")
    await user.should_see(f"~ node {XSS}: config.condition: 'amount > 2' → 'amount > 99'")
    await user.should_see("+ node 'Extra' (filter)")
    await user.should_see(XSS)  # shown as text, never as markup


async def test_choosing_the_same_version_twice_shows_no_differences(panel):
    user, *_ = panel
    user.find(marker="compare-old").elements.pop().set_value(2)
    await asyncio.sleep(0.1)
    await user.should_see("no differences")
    await user.should_see("Version 2: Card fraud")
    await user.should_not_see("Version 1: Card fraud")


async def test_code_diff_between_two_versions(panel):
    user, *_ = panel
    user.find(marker="show-code-diff").click()
    for _ in range(100):  # generation runs in a worker thread
        await asyncio.sleep(0.05)
        found = user.find(marker="code-diff").elements if _has(user, "code-diff") else set()
        if found:
            break
    [code] = found
    assert "-WHERE amount > 2;" in code.content and "+WHERE amount > 99;" in code.content
    assert "+-- Extra (Filter, node n9)" in code.content


async def test_code_diff_of_a_version_that_cannot_be_generated_says_why():
    good = make_pipeline()
    broken = good.model_copy(update={"version": 2, "nodes": good.nodes + (
        Node(id="n9", type="filter", config={"condition": "true"}),)})
    async with user_simulation(root=lambda: compare_view(good, broken)) as user:
        await user.open("/")
        user.find(marker="show-code-diff").click()
        await user.should_see("Code generation unavailable: No code for version 2", retries=100)


def _has(user, marker: str) -> bool:
    try:
        user.find(marker=marker)
    except AssertionError:
        return False
    return True


async def test_restore_saves_the_old_content_as_a_new_version(panel):
    user, store, first, restored = panel
    user.find(marker="restore-1").click()
    await user.should_see("Restored version 1 as version 3")
    [saved] = restored
    assert saved.version == 3 and store.latest_version(first.id) == 3
    assert store.get(first.id).nodes == first.nodes
    assert store.versions(first.id)[0].note == "restored version 1"


async def test_restore_after_someone_else_saved_is_refused(panel):
    user, store, first, restored = panel
    store.save(store.get(first.id).model_copy(update={"name": "Theirs"}), expected_version=2)
    user.find(marker="restore-1").click()
    await user.should_see("This pipeline changed since you opened it")
    assert restored == [] and store.latest_version(first.id) == 3 and store.get(first.id).name == "Theirs"


def test_graph_layout_fits_the_box():
    layout, width = graph_layout(make_pipeline(nodes=6), 430, 180)
    assert all(0 <= x <= 430 - width and 0 <= y <= 180 - 20 for x, y in layout.values())
    xs = sorted(x for x, _ in layout.values())
    assert all(b - a >= width for a, b in zip(xs, xs[1:]))  # nodes 200 apart on the canvas do not overlap


async def test_the_working_copy_is_compared_with_the_latest_version_first(history):
    store, first, second = history
    nodes = tuple(n.model_copy(update={"config": {"condition": "amount > 5000"}}) if n.id == "n2" else n
                  for n in second.nodes if n.id != "n9")
    working = second.model_copy(update={"nodes": nodes, "edges": first.edges})  # unsaved edits on version 2

    def root():
        ui.button("Versions", on_click=lambda: versions_dialog(
            store, first.id, current_version=2, working=working)).mark("open-versions")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="open-versions").click()
        await user.should_see("Working copy (unsaved): Card fraud")
        await user.should_see("Version 2: Card fraud")
        await user.should_see("- node 'Extra' (filter)")
        await user.should_see(f"~ node {XSS}: config.condition: 'amount > 99' → 'amount > 5000'")
        user.find(marker="node-new-n2-changed")
        # any saved version against the working copy
        user.find(marker="compare-old").elements.pop().set_value(1)
        await user.should_see("Version 1: Card fraud")
        await user.should_see(f"~ node {XSS}: config.condition: 'amount > 2' → 'amount > 5000'")
        await user.should_not_see("- node 'Extra' (filter)")
        user.find(marker="show-code-diff").click()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if _has(user, "code-diff"):
                break
        [code] = user.find(marker="code-diff").elements
        assert "-WHERE amount > 2;" in code.content and "+WHERE amount > 5000;" in code.content


async def test_messages_are_listed_with_their_versions(local_store):
    first = local_store.create(make_pipeline(), message="First cut for the fraud team")
    local_store.save(first.model_copy(update={"description": "v2"}), 1)
    local_store.save(first.model_copy(update={"description": "v3", "version": 2}), 2,
                     message="Describe it " + "very " * 60 + "precisely")

    def root():
        ui.button("Versions", on_click=lambda: versions_dialog(local_store, first.id, current_version=3)) \
            .mark("open-versions")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="open-versions").click()
        await user.should_see("First cut for the fraud team")
        [long] = user.find(marker="version-3-message").elements
        assert long.text.endswith("very precisely") and "ls-diff-line" in long.classes  # shown whole, wrapped
        assert not _has(user, "version-2-message")


async def test_a_corrupt_latest_version_is_repaired_by_restoring_an_earlier_one(history):
    store, first, second = history
    file = store.backend.root / paths.version_file(first.id, 2)
    file.write_bytes(file.read_bytes()[:-50])
    asked = []

    async def may_restore() -> bool:
        asked.append(True)
        return len(asked) > 1  # the first time the user declines

    restored = []

    def root():
        ui.button("Versions", on_click=lambda: versions_dialog(
            store, first.id, current_version=store.latest_version(first.id), on_restored=restored.append,
            may_restore=may_restore)).mark("open-versions")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="open-versions").click()
        await user.should_see("Versions of Card fraud")
        await user.should_see("Version 2 cannot be read: it is cut short or padded. Restore an earlier version")
        assert not _has(user, "restore-2")
        user.find(marker="restore-1").click()
        await asyncio.sleep(0.2)
        assert restored == [] and store.latest_version(first.id) == 2
        user.find(marker="restore-1").click()
        await user.should_see("Restored version 1 as version 3")
    [saved] = restored
    assert store.get(first.id) == saved and saved.nodes == first.nodes
