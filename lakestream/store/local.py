"""Local files backend: atomic writes (temp file, fsync, rename or link, fsync of the folder) and flock."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lakestream.store.backend import Backend
from lakestream.store.errors import StoreError

_TEMP_PREFIX = ".tmp-"


def default_home() -> Path:
    """`$LAKESTREAM_HOME`, else ~/.lakestream."""
    return Path(os.environ.get("LAKESTREAM_HOME") or Path.home() / ".lakestream")


def _fsync_dir(folder: Path) -> None:
    # A rename or link is durable only once the folder's own entry list is on disk.
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalBackend(Backend):
    """Files under a local folder (`$LAKESTREAM_HOME`, default ~/.lakestream)."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root) if root is not None else default_home()

    def location(self) -> str:
        return str(self.root)

    def _abs(self, path: str) -> Path:
        return self.root / path if path else self.root

    def _ensure_dir(self, folder: Path) -> None:
        if folder.is_dir():
            return
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for created in reversed(missing):
                _fsync_dir(created.parent)
        except OSError as error:
            raise StoreError(f"Cannot create the folder {folder}: {error.strerror}") from None

    def _write_temp(self, folder: Path, data: bytes) -> Path:
        self._ensure_dir(folder)
        # The pid in the name lets a later writer remove temp files of writers that died.
        temp = folder / f"{_TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        return temp

    def read(self, path: str) -> bytes:
        try:
            return self._abs(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise FileNotFoundError(path) from None
        except OSError as error:  # permissions, symlink loops, I/O errors: this file only
            raise StoreError(f"Cannot read {self._abs(path)}: {error.strerror or error}") from None

    def read_first_line(self, path: str) -> bytes:
        try:
            with open(self._abs(path), "rb") as handle:
                return handle.readline()
        except (FileNotFoundError, IsADirectoryError):
            raise FileNotFoundError(path) from None
        except OSError as error:
            raise StoreError(f"Cannot read {self._abs(path)}: {error.strerror or error}") from None

    def create(self, path: str, data: bytes) -> None:
        target = self._abs(path)
        temp = self._write_temp(target.parent, data)
        try:
            # link() publishes the complete file under its final name, or fails if the name is taken.
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise StoreError(f"Cannot write {target}: {error.strerror}") from None
            # A file system without hard links: callers hold the folder's lock around a create,
            # so "check, then atomic rename" is still exclusive.
            if target.exists():
                raise FileExistsError(str(target)) from None
            os.replace(temp, target)
        finally:
            if temp.exists():
                os.unlink(temp)
        _fsync_dir(target.parent)

    def replace(self, path: str, data: bytes) -> None:
        target = self._abs(path)
        temp = self._write_temp(target.parent, data)
        try:
            os.replace(temp, target)
        except OSError as error:
            os.unlink(temp)
            raise StoreError(f"Cannot write {target}: {error.strerror}") from None
        _fsync_dir(target.parent)

    def list(self, folder: str) -> dict[str, int | None]:
        entries: dict[str, int | None] = {}
        try:
            with os.scandir(self._abs(folder)) as scan:
                for entry in scan:
                    if entry.name.startswith("."):
                        continue
                    try:
                        entries[entry.name] = None if entry.is_dir() else entry.stat().st_size
                    except FileNotFoundError:  # removed while listing
                        continue
                    except OSError:
                        entries[entry.name] = -1  # unreadable: listed, so reading it reports why
        except (FileNotFoundError, NotADirectoryError):
            return {}
        except OSError as error:
            raise StoreError(f"Cannot list {self._abs(folder)}: {error.strerror or error}") from None
        return entries

    def delete(self, path: str) -> None:
        try:
            self._abs(path).unlink()
        except FileNotFoundError:
            return
        _fsync_dir(self._abs(path).parent)

    def delete_tree(self, folder: str) -> None:
        shutil.rmtree(self._abs(folder), ignore_errors=True)

    @contextmanager
    def lock(self, folder: str) -> Iterator[None]:
        directory = self._abs(folder)
        self._ensure_dir(directory)
        fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._remove_dead_temps(directory)
            yield
        finally:
            os.close(fd)  # closing releases the flock; the kernel also releases it if we are killed

    def _remove_dead_temps(self, directory: Path) -> None:
        """Temp files left by writers killed mid-write (never visible under a real name)."""
        for sub in (directory, *(p for p in directory.iterdir() if p.is_dir())):
            for temp in sub.glob(f"{_TEMP_PREFIX}*"):
                try:
                    pid = int(temp.name[len(_TEMP_PREFIX):].split("-")[0])
                except ValueError:
                    continue
                if pid != os.getpid() and not _pid_alive(pid):
                    try:
                        temp.unlink()
                    except OSError as error:
                        if error.errno != errno.ENOENT:
                            raise
