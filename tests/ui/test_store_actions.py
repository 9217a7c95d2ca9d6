"""The builder's store actions with NiceGUI's simulated user: save with a message, versions against the
working copy, repairing a pipeline whose latest version is damaged, and a store that refuses writes."""

from __future__ import annotations

from lakestream.store import paths
from tests.store.filesystems import fill, remount_read_only, tmpfs
from tests.ui.test_page import _chain, settle


async def _saved_twice(user, pages):
    """A chain saved as version 1, relabelled and saved as version 2."""
    page = await _chain(user, pages)
    user.find(marker="action-save").click()
    await user.should_see("(version 1)")
    page.set_label("n2", "Big payments")
    user.find(marker="action-save").click()
    await user.should_see("(version 2)")
    return page


async def test_save_with_a_message_keeps_it_with_the_version(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-save-message").click()
    await user.should_see("What changed? (optional)")
    user.find(marker="message-cancel").click()
    await settle()
    assert page.doc.version == 0 and page.session.dirty  # cancelled: nothing saved
    user.find(marker="action-save-message").click()
    await user.should_see("What changed? (optional)")
    user.find(marker="message-input").type("First cut, reviewed with the fraud team")
    user.find(marker="message-save").click()
    await user.should_see("Saved Untitled pipeline (version 1)")
    [info] = page.store.versions(page.doc.id)
    assert info.message == "First cut, reviewed with the fraud team" and not page.session.dirty
    user.find(marker="action-versions").click()
    await user.should_see("First cut, reviewed with the fraud team")


async def test_versions_compare_the_unsaved_working_copy(user, pages):
    page = await _saved_twice(user, pages)
    user.find(marker="action-versions").click()
    await user.should_see("Version 1: Untitled pipeline")
    await user.should_not_see("Working copy (unsaved)")  # nothing unsaved: two saved versions
    user.find(marker="versions-close").click()
    page.set_label("n2", "Huge payments")
    user.find(marker="action-versions").click()
    await user.should_see("Working copy (unsaved): Untitled pipeline")
    await user.should_see("Version 2: Untitled pipeline")
    await user.should_see("~ node Huge payments: label: 'Big payments' → 'Huge payments'")


async def test_open_offers_to_restore_a_pipeline_whose_latest_version_is_damaged(user, pages):
    page = await _saved_twice(user, pages)
    pipeline_id = page.doc.id
    damaged = page.store.backend.root / paths.version_file(pipeline_id, 2)
    damaged.write_bytes(b'{"meta": {"version": 2, garbage')
    user.find(marker="action-new").click()
    await settle()
    user.find(marker="action-open").click()
    await user.should_see("their latest version is damaged")
    user.find(marker=f"repair-{pipeline_id}").click()
    await user.should_see("Version 2 cannot be read")
    user.find(marker="restore-1").click()
    await user.should_see("Restored as version 3")
    await settle()
    assert page.doc.id == pipeline_id and page.doc.version == 3 and not page.session.dirty
    assert page.doc.node("n2").label == ""  # version 1's content (relabelled in version 2)
    # a click on the damaged row itself offers the same
    damaged = page.store.backend.root / paths.version_file(pipeline_id, 3)
    damaged.write_bytes(damaged.read_bytes()[:-10])
    user.find(marker="action-open").click()
    await user.should_see("Open a pipeline")
    user.find(marker="open-table").trigger("rowClick", [{}, {"id": pipeline_id, "error": "x"}, 0])
    await user.should_see("Version 3 cannot be read")


async def test_a_link_to_a_damaged_pipeline_opens_its_versions(user, pages):
    page = await _saved_twice(user, pages)
    damaged = page.store.backend.root / paths.version_file(page.doc.id, 2)
    damaged.write_bytes(damaged.read_bytes().replace(b"Big payments", b"Big paymentz"))
    await user.open(f"/?open={page.doc.id}")
    await user.should_see("Cannot open the linked pipeline")
    await user.should_see("Version 2 cannot be read")  # the versions dialog, ready to restore version 1


async def test_a_read_only_or_full_store_is_a_toast_naming_the_cause(user, pages, tmp_path):
    with tmpfs(tmp_path / "home", "1m") as home:
        page = await _chain(user, pages)
        filler = fill(home)
        user.find(marker="action-save").click()
        await user.should_see(f"Not saved: No space left on the device holding the store folder {home}")
        assert list(home.rglob(".tmp-*")) == [] and page.session.dirty
        filler.unlink()
        remount_read_only(home)
        user.find(marker="action-save").click()
        await user.should_see(f"Not saved: The store folder is read-only: {home}")
        await user.should_not_see("Something went wrong")
        assert page.doc.version == 0 and page.session.dirty  # the work is still there, unsaved
