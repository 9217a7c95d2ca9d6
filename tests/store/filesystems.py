"""Real file systems that refuse writes, even to root: a small tmpfs that fills up, a read-only remount.

Tests run as root, so chmod alone refuses nothing; these use the kernel's own refusals (ENOSPC on a
full tmpfs, EROFS on a read-only mount, EPERM in an immutable folder). Each helper checks that the
refusal really happens before the test relies on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require

_MOUNT_RIGHTS = "root with the right to mount a tmpfs (CAP_SYS_ADMIN), as in the CI container"


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of `size` (e.g. "512k") mounted on `folder` for the block; unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = shutil.which("mount") and _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                                             str(folder))
    require(bool(mounted) and mounted.returncode == 0, _MOUNT_RIGHTS)
    try:
        yield folder
    finally:
        if _run("umount", str(folder)).returncode != 0:
            _run("umount", "-l", str(folder))  # still busy (an open file): detach it now, freed when closed


def remount_read_only(folder: Path) -> None:
    """Remount the tmpfs on `folder` read-only, and check that root really cannot write there any more."""
    result = _run("mount", "-o", "remount,ro", str(folder))
    assert result.returncode == 0, result.stderr
    assert_refuses_root(folder, errno.EROFS)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding `folder` with one file until at most `leave` bytes are free."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as out:
        chunk = b"\0" * 4096
        try:
            while shutil.disk_usage(folder).free > leave:
                out.write(chunk)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[Path]:
    """`chattr -R +i` on `folder`: nothing in it can be created, changed or deleted, even by root."""
    result = _run("chattr", "-R", "+i", str(folder)) if shutil.which("chattr") else None
    require(result is not None and result.returncode == 0,
            "chattr on a file system with the immutable attribute (ext4) and CAP_LINUX_IMMUTABLE")
    try:
        assert_refuses_root(folder, errno.EPERM)
        yield folder
    finally:
        _run("chattr", "-R", "-i", str(folder))


def without_dac_override(command: list[str]) -> list[str]:
    """`command` run as root without the capabilities that let root ignore file permissions, so a
    chmod 555 folder refuses it (EACCES) as it would refuse any user."""
    require(shutil.which("setpriv") is not None, "setpriv (util-linux)")
    dropped = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", *command]


def assert_refuses_root(folder: Path, code: int) -> None:
    """Creating a file in `folder` fails with `code` for this (root) process: the mechanism is real."""
    probe = folder / ".probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        assert error.errno == code, f"expected {errno.errorcode[code]}, got {error!r}"
        return
    os.close(fd)
    os.unlink(probe)
    raise AssertionError(f"{folder} still accepts new files from uid {os.geteuid()}")
