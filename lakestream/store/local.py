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
from lakestream.store.errors import StoreError, StoreFull, StoreReadOnly

_TEMP_PREFIX = ".tmp-"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_REFUSED = {errno.EROFS: "the file system is mounted read-only", errno.EACCES: "permission denied",
            errno.EPERM: "the operation is not permitted (an immutable folder?)"}


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

    def _write_error(self, error: OSError, path: Path, doing: str = "write") -> StoreError:
        """The user's view of a failed write: a full device or a read-only folder named as such."""
        try:
            where = path.relative_to(self.root)
        except ValueError:
            where = path
        if error.errno in _NO_SPACE:
            cause = "disk quota exceeded" if error.errno == errno.EDQUOT else "the device is full"
            return StoreFull(f"No space left on the device holding the store folder {self.root} ({cause}; "
                             f"could not {doing} {where}). Nothing was changed: free some space and try again.")
        if error.errno in _REFUSED:
            return StoreReadOnly(f"The store folder is read-only: {self.root} ({_REFUSED[error.errno]}; "
                                 f"could not {doing} {where}). Nothing was changed: make it writable, or point "
                                 "LAKESTREAM_HOME at a writable folder.")
        return StoreError(f"Cannot {doing} {path}: {error.strerror or error}")

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
            raise self._write_error(error, folder, "create the folder") from None

    def _write_temp(self, target: Path, data: bytes) -> Path:
        """A complete, fsynced temp file beside `target` (errors name `target`)."""
        folder = target.parent
        self._ensure_dir(folder)
        # The pid in the name lets a later writer remove temp files of writers that died.
        temp = folder / f"{_TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise self._write_error(error, target) from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as error:
            # a full device fails here: the partial temp file goes now, not when the process exits
            temp.unlink(missing_ok=True)
            raise self._write_error(error, target) from None
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
        temp = self._write_temp(target, data)
        try:
            # link() publishes the complete file under its final name, or fails if the name is taken.
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise self._write_error(error, target) from None
            # A file system without hard links: callers hold the folder's lock around a create,
            # so "check, then atomic rename" is still exclusive.
            if target.exists():
                raise FileExistsError(str(target)) from None
            self._rename(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        self._sync(target.parent)

    def _rename(self, temp: Path, target: Path) -> None:
        try:
            os.replace(temp, target)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise self._write_error(error, target) from None

    def _sync(self, folder: Path) -> None:
        try:
            _fsync_dir(folder)
        except OSError as error:
            raise self._write_error(error, folder, "flush the folder") from None

    def replace(self, path: str, data: bytes) -> None:
        target = self._abs(path)
        self._rename(self._write_temp(target, data), target)
        self._sync(target.parent)

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
        target = self._abs(path)
        try:
            target.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            raise self._write_error(error, target, "delete") from None
        self._sync(target.parent)

    def delete_tree(self, folder: str) -> None:
        def refused(_function, path, info) -> None:
            error = info[1]
            if not isinstance(error, FileNotFoundError):  # already gone is what we want
                raise self._write_error(error, Path(path), "delete") from None

        if self._abs(folder).exists():
            shutil.rmtree(self._abs(folder), onerror=refused)

    @contextmanager
    def lock(self, folder: str) -> Iterator[None]:
        directory = self._abs(folder)
        self._ensure_dir(directory)
        try:
            fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise self._write_error(error, directory / ".lock", "lock") from None
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
                        temp.unlink(missing_ok=True)
                    except OSError as error:
                        raise self._write_error(error, temp, "delete") from None
