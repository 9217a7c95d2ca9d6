"""Behaviour of the store, the same on every backend: versions, conflicts, trash, history, preferences."""

from __future__ import annotations

import pytest

from lakestream.store import ConflictError, CorruptPipeline, NotFound, StoreError
from lakestream.store import paths
from tests.store.conftest import make_pipeline


def test_create_get_save_keeps_every_version(store):
    first = store.create(make_pipeline())
    assert first.version == 1
    assert store.get(first.id) == first
    second = store.save(first.model_copy(update={"description": "v2"}), expected_version=1)
    third = store.save(second.model_copy(update={"description": "v3"}), expected_version=2)
    assert (second.version, third.version) == (2, 3)
    assert store.get(first.id).description == "v3"
    assert [store.get_version(first.id, v).description for v in (1, 2, 3)] == ["", "v2", "v3"]
    infos = store.versions(first.id)
    assert [i.version for i in infos] == [3, 2, 1]
    assert {i.saved_by for i in infos} == {"ana@example.com"}
    assert infos[-1].note == "created" and infos[0].node_count == 3


def test_stale_save_is_refused_with_both_versions(store):
    base = store.create(make_pipeline())
    theirs = store.save(base.model_copy(update={"name": "Theirs"}), expected_version=1)
    mine = base.model_copy(update={"name": "Mine"})
    with pytest.raises(ConflictError) as caught:
        store.save(mine, expected_version=1)
    error = caught.value
    assert error.mine == mine and error.theirs == theirs and error.theirs_info.version == 2
    assert "changed since you opened it" in str(error) and "ana@example.com" in str(error)
    assert store.get(base.id).name == "Theirs"  # nothing was overwritten
    # "overwrite" in the conflict dialog: save mine on top of theirs, both stay in history
    overwritten = store.save(mine, expected_version=error.theirs.version)
    assert overwritten.version == 3 and overwritten.name == "Mine"
    assert store.get_version(base.id, 2).name == "Theirs"
    # "save as copy": a new pipeline with a new id
    copy = store.save_as(mine, name="Mine (copy)")
    assert copy.id != base.id and copy.version == 1 and store.get(copy.id).name == "Mine (copy)"


def test_new_pipeline_with_taken_id_conflicts_and_future_version_conflicts(store):
    base = store.create(make_pipeline())
    with pytest.raises(ConflictError):
        store.save(make_pipeline().model_copy(update={"id": base.id}), expected_version=0)
    with pytest.raises(ConflictError):
        store.save(base, expected_version=7)
    assert store.latest_version(base.id) == 1


def test_create_gives_a_fresh_id_when_the_id_is_taken_or_not_a_uuid(store):
    base = store.create(make_pipeline())
    again = store.create(base)
    assert again.id != base.id
    odd = store.create(make_pipeline().model_copy(update={"id": "../../etc/passwd"}))
    assert paths.is_id(odd.id)


def test_rename_restore_version_and_summaries(store):
    p = store.create(make_pipeline(name="First", nodes=4, description="watch cards"))
    store.save(p.model_copy(update={"nodes": p.nodes[:1], "edges": ()}), expected_version=1)
    renamed = store.rename(p.id, "Second")
    assert renamed.version == 3 and renamed.name == "Second" and len(renamed.nodes) == 1
    restored = store.restore_version(p.id, 1)
    assert restored.version == 4 and len(restored.nodes) == 4 and restored.name == "First"
    assert restored.created_at == p.created_at
    assert store.versions(p.id)[0].note == "restored version 1"
    [summary] = store.list()
    assert (summary.id, summary.name, summary.description, summary.node_count, summary.version) == \
        (p.id, "First", "watch cards", 4, 4)
    assert summary.updated_by == "ana@example.com" and summary.target == "auto" and summary.ok
    with pytest.raises(StoreError, match="cannot be empty"):
        store.rename(p.id, "  ")


def test_rename_with_stale_expected_version_conflicts(store):
    p = store.create(make_pipeline())
    store.save(p, expected_version=1)
    with pytest.raises(ConflictError):
        store.rename(p.id, "Late", expected_version=1)


def test_list_is_newest_first_and_find_by_name_or_prefix(store):
    a = store.create(make_pipeline(name="Alpha"))
    b = store.create(make_pipeline(name="Beta"))
    store.save(a.model_copy(update={"description": "newer"}), expected_version=1)
    names = [s.name for s in store.list()]
    assert set(names) == {"Alpha", "Beta"} and len(names) == 2
    assert store.find("Beta") == b.id
    assert store.find(a.id[:8]) == a.id
    with pytest.raises(NotFound, match="Gamma"):
        store.find("Gamma")


def test_trash_hides_restores_and_purges(store):
    keep = store.create(make_pipeline(name="Keep"))
    gone = store.create(make_pipeline(name="Gone"))
    store.delete(gone.id)
    assert [s.name for s in store.list()] == ["Keep"]
    [trashed] = store.list(trash=True)
    assert trashed.id == gone.id and trashed.deleted_at is not None
    with pytest.raises(StoreError, match="in the trash"):
        store.save(gone, expected_version=1)
    assert store.restore(gone.id) == gone
    assert {s.name for s in store.list()} == {"Keep", "Gone"}
    store.delete(gone.id)
    store.purge(gone.id)
    assert store.list(trash=True) == [] and not store.exists(gone.id)
    with pytest.raises(StoreError, match="not in the trash"):
        store.purge(keep.id)
    with pytest.raises(NotFound):
        store.save(gone, expected_version=1)


def test_corrupt_version_affects_only_its_pipeline(store):
    good = store.create(make_pipeline(name="Good"))
    bad = store.create(make_pipeline(name="Bad"))
    store.save(bad.model_copy(update={"description": "v2"}), expected_version=1)
    store.backend.replace(paths.version_file(bad.id, 2), b'{"meta": {"version": 2, garbage')
    listed = {s.id: s for s in store.list()}
    assert listed[good.id].ok and listed[good.id].name == "Good"
    assert not listed[bad.id].ok and "version 2 is unreadable" in listed[bad.id].error
    assert listed[bad.id].name == "Bad"  # the name of the newest readable version: the user knows which it is
    assert store.get(good.id) == good
    with pytest.raises(CorruptPipeline, match="Earlier versions are kept"):
        store.get(bad.id)
    assert store.get_version(bad.id, 1) == bad
    assert store.versions(bad.id)[0].note.startswith("unreadable")
    # restoring the good version repairs the pipeline
    assert store.restore_version(bad.id, 1, expected_version=2).version == 3
    assert store.get(bad.id).name == "Bad"


def test_damaged_document_body_is_caught_by_the_checksum(store):
    p = store.create(make_pipeline())
    name = paths.version_file(p.id, 1)
    data = store.backend.read(name)
    store.backend.replace(name, data.replace(b"Card fraud", b"Card frauD"))
    with pytest.raises(CorruptPipeline, match="checksum"):
        store.get(p.id)
    store.backend.replace(name, data[:-40])
    assert "unreadable" in store.list()[0].error


def test_deploy_history_and_preferences(store):
    p = store.create(make_pipeline())
    store.record_deploy(p.id, 1, "failed", {"error": "permission denied"})
    store.record_deploy(p.id, 1, "succeeded", {"job_id": 42})
    history = store.deploy_history(p.id)
    assert [(r.status, r.version, r.by) for r in history] == [("succeeded", 1, "ana@example.com"),
                                                              ("failed", 1, "ana@example.com")]
    assert history[0].details == {"job_id": 42}
    assert store.preferences() == {}
    store.set_preferences({"theme": "dark", "recent": [p.id]})
    assert store.set_preferences({"theme": None, "grid": 20}) == {"recent": [p.id], "grid": 20}
    assert store.preferences() == {"recent": [p.id], "grid": 20}


@pytest.mark.parametrize("bad_id", [
    "../../etc/passwd", "/etc/passwd", "..", "", "a\x00b", "x" * 5000,
    "0F6C2B1E-0000-4000-8000-000000000000",  # upper case: not the canonical form
    "0f6c2b1e-0000-4000-8000-000000000000/../../x",
])
def test_user_text_never_becomes_a_path(store, bad_id):
    with pytest.raises(NotFound, match="not a pipeline id"):
        store.get(bad_id)
    with pytest.raises(NotFound):
        store.versions(bad_id)
    with pytest.raises(NotFound):
        store.delete(bad_id)
    with pytest.raises(NotFound):
        store.save(make_pipeline().model_copy(update={"id": bad_id}), expected_version=0)


@pytest.mark.parametrize("name", ["../../evil", "/etc/passwd", "nul\x00byte", "é" * 3000, "a/b\\c"])
def test_names_are_free_text(store, name):
    p = store.create(make_pipeline(name=name))
    assert store.get(p.id).name == name
    assert store.list()[0].name == name
    assert paths.is_id(p.id)


def test_missing_things_are_clear(store):
    missing = "0f6c2b1e-0000-4000-8000-000000000000"
    with pytest.raises(NotFound, match="No pipeline with id"):
        store.get(missing)
    p = store.create(make_pipeline())
    with pytest.raises(NotFound, match="has no version 9"):
        store.get_version(p.id, 9)
    with pytest.raises(StoreError, match="whole numbers"):
        store.get_version(p.id, 0)


def test_a_first_save_that_never_completed_is_not_listed(store):
    kept = store.create(make_pipeline(name="Kept"))
    ghost = make_pipeline(name="Ghost")
    with pytest.raises(NotFound, match="no longer exists"):
        store.save(ghost, expected_version=3)  # a new pipeline cannot start at version 3
    store.backend.replace(f"{paths.versions_dir(make_pipeline().id)}/not-a-version.json", b"{}")
    assert [s.id for s in store.list()] == [kept.id]


def test_a_message_is_kept_with_its_version(store):
    first = store.create(make_pipeline(), message="  First cut\n(with the fraud team)  ")
    second = store.save(first.model_copy(update={"description": "v2"}), 1)
    infos = store.versions(first.id)
    assert [(i.version, i.message, i.note) for i in infos] == [
        (2, "", ""), (1, "First cut\n(with the fraud team)", "created")]
    assert store.version_info(first.id, 1).message == "First cut\n(with the fraud team)"
    assert store.get(first.id) == second  # the message is not part of the document
    line = store.backend.read_first_line(paths.version_file(first.id, 1))
    assert line.count(b"\n") == 1  # the header stays one line whatever the message holds
    with pytest.raises(StoreError, match="at most 500 characters; this one has 501. Nothing was saved."):
        store.save(second, 2, message="x" * 501)
    assert store.latest_version(first.id) == 2
