"""Local backend details: atomic create without hard links, temp files of dead writers, permissions."""

from __future__ import annotations

import errno
import os

import pytest

from lakestream.store import StoreError
from lakestream.store.local import LocalBackend


def test_create_is_exclusive_and_atomic_even_without_hard_links(tmp_path, monkeypatch):
    backend = LocalBackend(tmp_path)

    def no_links(*args):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with backend.lock("p"):
        backend.create("p/v/1.json", b"first")
        with pytest.raises(FileExistsError):
            backend.create("p/v/1.json", b"second")
    assert backend.read("p/v/1.json") == b"first"
    assert [p.name for p in (tmp_path / "p" / "v").iterdir()] == ["1.json"]  # no temp file left


def test_only_temp_files_of_dead_writers_are_removed(tmp_path):
    backend = LocalBackend(tmp_path)
    folder = tmp_path / "p" / "versions"
    folder.mkdir(parents=True)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a process that is certainly gone
    dead = folder / f".tmp-{pid}-abc"
    alive = folder / f".tmp-{os.getppid()}-def"
    dead.write_bytes(b"half")
    alive.write_bytes(b"in progress")
    with backend.lock("p"):
        pass
    assert not dead.exists() and alive.exists()


def test_an_unwritable_home_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        # root ignores permissions; a file where the folder should be fails the same way for everyone
        (tmp_path / "home").write_text("not a folder")
        backend = LocalBackend(tmp_path / "home" / "sub")
    else:
        (tmp_path / "home").mkdir(mode=0o500)
        backend = LocalBackend(tmp_path / "home" / "sub")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        backend.replace("preferences.json", b"{}")


def test_an_unreadable_version_file_is_reported_for_its_pipeline_only(tmp_path):
    from lakestream.store import Store
    from lakestream.store.paths import version_file
    from tests.store.conftest import make_pipeline

    store = Store(LocalBackend(tmp_path), user="ana")
    good = store.create(make_pipeline(name="Good"))
    bad = store.create(make_pipeline(name="Bad"))
    store.save(bad, expected_version=1)
    loop = tmp_path / version_file(bad.id, 2)
    loop.unlink()
    loop.symlink_to(loop)  # opening it fails with "Too many levels of symbolic links"
    listed = {s.id: s for s in store.list()}
    assert listed[good.id].ok and "Too many levels of symbolic links" in listed[bad.id].error
    with pytest.raises(StoreError, match="Cannot read .*Too many levels"):
        store.get(bad.id)
    assert store.get_version(bad.id, 1).name == "Bad" and store.get(good.id) == good
