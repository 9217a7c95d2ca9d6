"""Unity Catalog volume backend: the store's files through the databricks-sdk Files API.

The Files API has no rename and no lock, but a PUT with overwrite=false fails when the file exists:
that exclusive create is the commit point of a save, so two writers never both win. Every call is
safe to retry (reads, idempotent writes, and an exclusive create whose "already exists" answer is
checked against our own bytes), so server errors and timeouts are retried a few times, then
reported as one clear StoreUnavailable.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar

import requests
from databricks.sdk import errors as sdk_errors
from databricks.sdk.service._internal import _escape_multi_segment_path_parameter
from databricks.sdk.service.files import FilesAPI

from lakestream.store import paths
from lakestream.store.backend import Backend
from lakestream.store.errors import StoreError, StoreUnavailable
from lakestream.store.store import Store

T = TypeVar("T")
_HEAD_BYTES = 65536
_VOLUME_PATH = re.compile(r"^/Volumes/[A-Za-z0-9_\-]+/[A-Za-z0-9_\-]+/[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-.]+)*$")
_TRANSIENT = (sdk_errors.InternalError, sdk_errors.TemporarilyUnavailable, sdk_errors.DeadlineExceeded,
              sdk_errors.TooManyRequests, TimeoutError, requests.RequestException)


def check_volume_path(path: str) -> str:
    """A volume folder like /Volumes/main/lakestream/files/lakestream; StoreError otherwise."""
    path = (path or "").rstrip("/")
    if not _VOLUME_PATH.match(path) or any(part in (".", "..") for part in path.split("/")):
        raise StoreError(f"{path!r} is not a volume folder; expected /Volumes/<catalog>/<schema>/<volume>[/folder].")
    return path


class VolumeBackend(Backend):
    """Files under a volume folder; `attempts` calls per operation, `backoff` seconds apart (doubling)."""

    name = "volume"
    parallel_reads = 8  # each request is a network round trip; the SDK's connection pool holds 20

    def __init__(self, client: Any, base: str, user_folder: str = "", *, attempts: int = 3, backoff: float = 0.2):
        self.client = client
        self.base = check_volume_path(base)
        self.root = f"{self.base}/{user_folder}" if user_folder else self.base
        self.attempts = attempts
        self.backoff = backoff
        # The plain Files API client: one REST call per operation, so retries stay ours to reason about.
        self._files = FilesAPI(client.api_client)

    def location(self) -> str:
        return self.root

    def _full(self, path: str) -> str:
        return f"{self.root}/{path}" if path else self.root

    def _call(self, what: str, call: Callable[[], T]) -> T:
        """Run one Files API call, retrying transient failures; map errors to the Backend contract."""
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except sdk_errors.NotFound:
                raise FileNotFoundError(what) from None
            except sdk_errors.ResourceConflict:
                raise FileExistsError(what) from None
            except (sdk_errors.PermissionDenied, sdk_errors.Unauthenticated) as error:
                raise StoreError(f"No permission to {what} in {self.root}: {_reason(error)}") from None
            except _TRANSIENT as error:
                if attempt == self.attempts:
                    raise StoreUnavailable(
                        f"The volume {self.root} did not answer ({_reason(error)}) when trying to {what}, "
                        f"{self.attempts} attempts. Nothing already saved is lost; try again."
                    ) from None
                time.sleep(self.backoff * 2 ** (attempt - 1))
            except sdk_errors.DatabricksError as error:
                raise StoreError(f"Cannot {what} in {self.root}: {_reason(error)}") from None
        raise AssertionError("unreachable")

    def read(self, path: str) -> bytes:
        def download() -> bytes:
            response = self._files.download(self._full(path))
            with response.contents as body:
                return body.read()
        return self._call(f"read {path}", download)

    def read_first_line(self, path: str) -> bytes:
        """Listing reads only version headers: ask for the first 64 KiB (an HTTP Range the Files API
        supports) and fall back to the whole file when the line is longer."""
        def head() -> bytes:
            response = self.client.api_client.do(
                "GET", f"/api/2.0/fs/files{_escape_multi_segment_path_parameter(self._full(path))}",
                headers={"Accept": "application/octet-stream", "Range": f"bytes=0-{_HEAD_BYTES - 1}"}, raw=True)
            with response["contents"] as body:
                return body.read()
        data = self._call(f"read {path}", head)
        end = data.find(b"\n")
        return data[: end + 1] if end >= 0 else super().read_first_line(path)

    def create(self, path: str, data: bytes) -> None:
        try:
            self._call(f"write {path}", lambda: self._files.upload(self._full(path), io.BytesIO(data), overwrite=False))
        except FileExistsError:
            # An earlier attempt of ours may have landed before its answer was lost: same bytes = done.
            try:
                if self.read(path) == data:
                    return
            except FileNotFoundError:
                pass
            raise

    def replace(self, path: str, data: bytes) -> None:
        self._call(f"write {path}", lambda: self._files.upload(self._full(path), io.BytesIO(data), overwrite=True))

    def list(self, folder: str) -> dict[str, int | None]:
        def entries() -> dict[str, int | None]:
            found = {}
            for entry in self._files.list_directory_contents(self._full(folder)):
                if entry.name and not entry.name.startswith("."):
                    found[entry.name] = None if entry.is_directory else int(entry.file_size or 0)
            return found
        try:
            return self._call(f"list {folder or 'the store'}", entries)
        except FileNotFoundError:
            return {}

    def delete(self, path: str) -> None:
        try:
            self._call(f"delete {path}", lambda: self._files.delete(self._full(path)))
        except FileNotFoundError:
            pass

    def delete_tree(self, folder: str) -> None:
        for name, size in self.list(folder).items():
            child = f"{folder}/{name}"
            if size is None:
                self.delete_tree(child)
            else:
                self.delete(child)
        try:
            self._call(f"delete {folder}", lambda: self._files.delete_directory(self._full(folder)))
        except FileNotFoundError:
            pass

    def lock(self, folder: str) -> nullcontext[None]:
        return nullcontext()  # the exclusive create is the compare-and-set; see the module docstring


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]


def workspace_client() -> Any:
    """A WorkspaceClient from the environment (DATABRICKS_HOST/TOKEN, a profile, or an App's identity)."""
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    try:
        return WorkspaceClient(config=Config(retry_timeout_seconds=15, http_timeout_seconds=10))
    except ValueError as error:
        raise StoreError(f"No Databricks workspace is configured for the volume store ({_reason(error)}).") from None


def open_volume_store(path: str | None = None, client: Any = None, user: str | None = None,
                      **backend_options: Any) -> Store:
    """A Store in `path` (else $LAKESTREAM_VOLUME), in the user's own folder `users/<user>/`.

    `user` defaults to the workspace user of `client` (App mode passes the signed-in user's e-mail).
    """
    import os

    path = path or os.environ.get("LAKESTREAM_VOLUME")
    if not path:
        raise StoreError("The volume store needs a volume folder: set LAKESTREAM_VOLUME "
                         "(e.g. /Volumes/main/lakestream/files/lakestream) or pass --volume.")
    base = check_volume_path(path)
    client = client or workspace_client()
    if not user:
        try:
            user = client.current_user.me().user_name
        except Exception as error:  # any SDK or network failure: say what and where
            raise StoreError(f"Cannot find the workspace user for the volume store: {_reason(error)}") from None
    options = {k: v for k, v in backend_options.items() if k in ("attempts", "backoff")}
    return Store(VolumeBackend(client, base, paths.user_folder(user), **options), user=user)
