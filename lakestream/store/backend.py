"""The small interface every storage backend implements: files under one root, by relative path.

Relative paths are built only by the store from validated parts (canonical UUIDs, version numbers,
generated names), never from user text. Backends signal "missing" with FileNotFoundError and
"already exists" with FileExistsError; anything else that goes wrong is a StoreError.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager


class Backend(ABC):
    """Byte storage with the two primitives a never-lose-work store needs: an exclusive create
    (the commit point of a save) and an atomic replace."""

    name: str = ""
    parallel_reads: int = 1  # how many reads the store may overlap (remote storage: more)

    @abstractmethod
    def location(self) -> str:
        """Where the files are, for messages (a folder or a volume path)."""

    @abstractmethod
    def read(self, path: str) -> bytes:
        """The whole file; FileNotFoundError when it does not exist."""

    def read_first_line(self, path: str) -> bytes:
        """The first line (with its newline); backends that can stop early override this."""
        data = self.read(path)
        end = data.find(b"\n")
        return data if end < 0 else data[: end + 1]

    @abstractmethod
    def create(self, path: str, data: bytes) -> None:
        """Write a new file atomically; FileExistsError (nothing written) when it already exists."""

    @abstractmethod
    def replace(self, path: str, data: bytes) -> None:
        """Write or overwrite a file atomically: readers see the old or the new bytes, never a mix."""

    @abstractmethod
    def list(self, folder: str) -> dict[str, int | None]:
        """Entries of a folder: name -> size in bytes (None for sub-folders); {} when it is missing."""

    @abstractmethod
    def delete(self, path: str) -> None:
        """Delete a file; nothing happens when it is already gone."""

    @abstractmethod
    def delete_tree(self, folder: str) -> None:
        """Delete a folder and everything in it; nothing happens when it is already gone."""

    @abstractmethod
    def lock(self, folder: str) -> AbstractContextManager[None]:
        """Hold an exclusive lock on a folder (other processes wait); may be a no-op when `create`
        alone is a reliable compare-and-set."""
