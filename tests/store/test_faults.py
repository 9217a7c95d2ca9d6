"""Store faults on real file systems: a full device and a read-only store folder are user errors naming
the cause, a failed save leaves no temporary file, and everything already saved stays readable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lakestream.cli import main
from lakestream.store import Store, StoreFull, StoreReadOnly
from lakestream.store.local import LocalBackend
from tests.browser import ROOT
from tests.store.conftest import make_pipeline
from tests.store.filesystems import fill, immutable, remount_read_only, tmpfs, without_dac_override


def _temp_files(root: Path) -> list[Path]:
    return list(root.rglob(".tmp-*"))


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_full_device_names_the_cause_and_each_failed_save_removes_its_temp_file(tmp_path):
    with tmpfs(tmp_path / "disk", "512k") as disk:
        root = disk / "home"
        store = Store(LocalBackend(root), user="ana@example.com")
        saved = store.create(make_pipeline(nodes=30))
        filler = fill(disk)
        assert os.statvfs(disk).f_bavail == 0  # really full
        edited = saved.model_copy(update={"name": "Edited on a full disk"})
        for _ in range(3):
            with pytest.raises(StoreFull) as caught:
                store.save(edited, expected_version=1)
            message = str(caught.value)
            assert message.startswith(f"No space left on the device holding the store folder {root} ")
            assert "versions/0000000002.json" in message and "Nothing was changed" in message
            assert _temp_files(root) == [], "a failed save left its temporary file behind"
        with pytest.raises(StoreFull):
            store.create(make_pipeline(name="Another"))
        assert _temp_files(root) == []
        # what was saved before stays whole and readable
        assert store.latest_version(saved.id) == 1 and store.get(saved.id) == saved
        assert [s.name for s in store.list()] == [saved.name]
        filler.unlink()
        assert store.save(edited, expected_version=1).version == 2


def test_a_device_that_fills_up_while_saving_keeps_every_complete_version(tmp_path):
    with tmpfs(tmp_path / "disk", "256k") as disk:
        store = Store(LocalBackend(disk / "home"), user="ana@example.com")
        doc = store.create(make_pipeline(nodes=40))
        with pytest.raises(StoreFull):
            for _ in range(200):
                doc = store.save(doc.model_copy(update={"description": f"v{doc.version + 1}"}), doc.version)
        assert doc.version > 3, "the device filled up before the test saved anything"
        assert _temp_files(disk) == []
        assert [v.version for v in store.versions(doc.id)] == list(range(doc.version, 0, -1))
        assert store.get(doc.id) == doc


def _populated(root: Path) -> tuple[Store, str, str]:
    """A store with one pipeline in two versions and one in the trash."""
    store = Store(LocalBackend(root), user="ana@example.com")
    kept = store.create(make_pipeline(name="Kept"))
    store.save(kept.model_copy(update={"description": "second"}), 1)
    trashed = store.create(make_pipeline(name="Trashed"))
    store.delete(trashed.id)
    store.set_preferences({"theme": "light"})
    return store, kept.id, trashed.id


WRITES = {
    "save": lambda s, kept, _: s.save(s.get(kept).model_copy(update={"name": "x"}), 2),
    "create": lambda s, *_: s.create(make_pipeline(name="New")),
    "rename": lambda s, kept, _: s.rename(kept, "Renamed"),
    "restore a version": lambda s, kept, _: s.restore_version(kept, 1),
    "move to the trash": lambda s, kept, _: s.delete(kept),
    "restore from the trash": lambda s, _, trashed: s.restore(trashed),
    "purge": lambda s, _, trashed: s.purge(trashed),
    "preferences": lambda s, *_: s.set_preferences({"theme": "dark"}),
    "deploy record": lambda s, kept, _: s.record_deploy(kept, 2, "ok"),
}


def _check_read_only(store: Store, root: Path, kept: str, trashed: str, cause: str) -> None:
    before = _tree(root)
    for name, write in WRITES.items():
        with pytest.raises(StoreReadOnly) as caught:
            write(store, kept, trashed)
        message = str(caught.value)
        assert message.startswith(f"The store folder is read-only: {root} ({cause}"), (name, message)
        assert "Nothing was changed" in message, name
    assert _tree(root) == before
    assert store.get(kept).description == "second" and store.preferences() == {"theme": "light"}
    assert [s.name for s in store.list()] == ["Kept"] and [s.name for s in store.list(trash=True)] == ["Trashed"]


def test_a_read_only_mount_refuses_every_write_by_name(tmp_path):
    with tmpfs(tmp_path / "disk", "4m") as disk:
        store, kept, trashed = _populated(disk / "home")
        remount_read_only(disk)
        _check_read_only(store, disk / "home", kept, trashed, "the file system is mounted read-only")


def test_an_immutable_store_folder_refuses_every_write_by_name(tmp_path):
    root = tmp_path / "home"
    store, kept, trashed = _populated(root)
    with immutable(root):
        _check_read_only(store, root, kept, trashed, "the operation is not permitted")


# --- the command line: exit 1 with one line naming the cause, never exit 3 -----------------------------


@pytest.fixture
def cli_home(monkeypatch):
    def use(root: Path) -> None:
        monkeypatch.setenv("LAKESTREAM_HOME", str(root))
        monkeypatch.delenv("LAKESTREAM_STORE", raising=False)
    return use


def test_cli_on_a_read_only_and_on_a_full_store(tmp_path, capsys, cli_home):
    document = tmp_path / "fraud.lakestream.json"
    document.write_text(make_pipeline(name="Card fraud").to_json())
    with tmpfs(tmp_path / "disk", "1m") as disk:
        cli_home(disk / "home")
        assert main(["pipelines", "import", str(document)]) == 0
        capsys.readouterr()
        filler = fill(disk)
        assert main(["pipelines", "import", str(document)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"lakestream: No space left on the device holding the store folder {disk / 'home'} ")
        assert err.count("\n") == 1 and _temp_files(disk) == []
        filler.unlink()
        remount_read_only(disk)
        for argv in (["import", str(document)], ["delete", "Card fraud"], ["restore", "Card fraud", "--version", "1"]):
            assert main(["pipelines", *argv]) == 1, argv
            err = capsys.readouterr().err
            assert err.startswith(f"lakestream: The store folder is read-only: {disk / 'home'} "), err
        assert main(["pipelines", "list"]) == 0 and "Card fraud" in capsys.readouterr().out


def test_cli_process_without_permission_to_write_exits_1(tmp_path):
    """A real `python -m lakestream` whose user may not write the store folder (chmod 555; root's
    permission override dropped): exit 1 and one line, as for any user error."""
    root = tmp_path / "home"
    root.mkdir()
    root.chmod(0o555)
    document = tmp_path / "p.lakestream.json"
    document.write_text(make_pipeline().to_json())
    command = without_dac_override([sys.executable, "-m", "lakestream", "pipelines", "import", str(document),
                                    "--home", str(root)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"lakestream: The store folder is read-only: {root} (permission denied; ")
    assert result.stderr.count("\n") == 1 and list(root.iterdir()) == []
