"""The pipeline store: versioned saves with an expected version, trash, versions, deploys, preferences.

One implementation over any Backend. Layout under the backend root:

    pipelines/<uuid>/versions/0000000001.json   every saved version, never rewritten
    pipelines/<uuid>/trash.json                 present while the pipeline is in the trash
    pipelines/<uuid>/deploys/<time>-<id>.json   deploy history records
    preferences.json                            the user's preferences

A save's commit point is the exclusive creation of the next version file: two writers based on the
same version cannot both succeed, whatever the backend; the local backend also holds a lock.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from lakestream.pipeline import Pipeline
from lakestream.store import paths
from lakestream.store.backend import Backend
from lakestream.store.errors import ConflictError, CorruptPipeline, NotFound, StoreError, StoreUnavailable
from lakestream.store.model import DeployRecord, Summary, VersionInfo
from lakestream.store.records import (
    BadRecord,
    decode_json,
    decode_meta,
    decode_version,
    deploy_record,
    encode_json,
    encode_version,
    expected_size,
    version_info,
)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


MESSAGE_LIMIT = 500  # characters of a version message: a sentence or two, read in one line of the list


def check_message(message: str) -> str:
    """A version message as stored: surrounding blanks dropped; StoreError when it is too long."""
    message = (message or "").strip()
    if len(message) > MESSAGE_LIMIT:
        raise StoreError(f"A version message is at most {MESSAGE_LIMIT} characters; this one has {len(message)}. "
                         "Nothing was saved.")
    return message


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local user"


class Store:
    """Pipelines of one user in one backend. Every method raises a StoreError subclass with a message
    ready to show; see docs/store.md for the UI-facing contract."""

    def __init__(self, backend: Backend, *, user: str | None = None):
        self.backend = backend
        self.user = user or default_user()

    @property
    def location(self) -> str:
        return self.backend.location()

    # ---- reading -------------------------------------------------------------------------------

    def _version_numbers(self, pipeline_id: str) -> list[int]:
        names = self.backend.list(paths.versions_dir(pipeline_id))
        return sorted(v for v in map(paths.version_of, names) if v is not None)

    def latest_version(self, pipeline_id: str) -> int:
        """The latest saved version number (0 when the pipeline does not exist)."""
        numbers = self._version_numbers(pipeline_id)
        return numbers[-1] if numbers else 0

    def exists(self, pipeline_id: str) -> bool:
        return paths.is_id(pipeline_id) and self.latest_version(pipeline_id) > 0

    def _load(self, pipeline_id: str, version: int) -> tuple[dict[str, Any], Pipeline]:
        try:
            data = self.backend.read(paths.version_file(pipeline_id, version))
        except FileNotFoundError:
            raise NotFound(f"Pipeline {pipeline_id} has no version {version}.") from None
        try:
            meta, pipeline = decode_version(data)
        except BadRecord as error:
            raise CorruptPipeline(
                pipeline_id, f"Version {version} of pipeline {pipeline_id} is unreadable: {error}. "
                "Earlier versions are kept; open the versions list to restore one.", str(error)
            ) from None
        if pipeline.id != pipeline_id or pipeline.version != version:
            reason = f"it holds another document ({pipeline.id} version {pipeline.version})"
            raise CorruptPipeline(
                pipeline_id, f"Version {version} of pipeline {pipeline_id} {reason.removeprefix('it ')}; "
                "it was moved or edited by hand.", reason
            )
        return meta, pipeline

    def get(self, pipeline_id: str) -> Pipeline:
        """The latest version; NotFound, or CorruptPipeline for a damaged file."""
        latest = self.latest_version(pipeline_id)
        if not latest:
            raise NotFound(f"No pipeline with id {pipeline_id} in {self.location}.")
        return self._load(pipeline_id, latest)[1]

    def get_version(self, pipeline_id: str, version: int) -> Pipeline:
        return self._load(pipeline_id, version)[1]

    def version_info(self, pipeline_id: str, version: int, size: int | None = None) -> VersionInfo:
        """Who saved `version` and when (reads only the file's header). With the file's `size` (from a
        listing), a file cut short or padded is reported as unreadable too."""
        try:
            line = self.backend.read_first_line(paths.version_file(pipeline_id, version))
        except FileNotFoundError:
            raise NotFound(f"Pipeline {pipeline_id} has no version {version}.") from None
        try:
            meta = decode_meta(line)
            if size is not None and size != expected_size(line, meta):
                raise BadRecord("it is cut short or padded")
            return version_info(meta)
        except BadRecord as error:
            raise CorruptPipeline(pipeline_id, f"Version {version} of pipeline {pipeline_id} is unreadable: {error}.",
                                  str(error)) from None

    def versions(self, pipeline_id: str) -> list[VersionInfo]:
        """Every saved version, newest first. An unreadable one is listed with note "unreadable: …"."""
        sizes = self.backend.list(paths.versions_dir(pipeline_id))
        numbers = {number: size for name, size in sizes.items() if (number := paths.version_of(name)) is not None}
        if not numbers:
            raise NotFound(f"No pipeline with id {pipeline_id} in {self.location}.")
        out = []
        for number in sorted(numbers, reverse=True):
            try:
                out.append(self.version_info(pipeline_id, number, numbers[number]))
            except CorruptPipeline as error:
                out.append(VersionInfo(number, datetime.fromtimestamp(0, timezone.utc), "", "", 0,
                                       f"unreadable: {error.reason}"))
        return out

    def _summary(self, pipeline_id: str, entries: dict[str, int | None]) -> Summary:
        deleted_at = None
        if "trash.json" in entries:
            try:
                marker = decode_json(self.backend.read(paths.trash_marker(pipeline_id)))
                deleted_at = datetime.fromisoformat(marker["deleted_at"])
            except (FileNotFoundError, BadRecord, KeyError, TypeError, ValueError):
                deleted_at = datetime.fromtimestamp(0, timezone.utc)
        sizes = self.backend.list(paths.versions_dir(pipeline_id))
        numbers = sorted(v for v in map(paths.version_of, sizes) if v is not None)
        if not numbers:
            raise NotFound(f"Pipeline {pipeline_id} has no saved version.")
        latest = numbers[-1]
        file_name = paths.version_file(pipeline_id, latest)
        try:
            line = self.backend.read_first_line(file_name)
            meta = decode_meta(line)
            info = version_info(meta)
            if sizes[file_name.rsplit("/", 1)[1]] != expected_size(line, meta):
                raise BadRecord("it is cut short or padded")
        except (BadRecord, FileNotFoundError) as error:
            # the name an earlier version was saved under, so the user recognises what to repair
            earlier = self._readable_header(pipeline_id, numbers[:-1])
            return Summary(pipeline_id, earlier.name if earlier else "(unreadable)", version=latest,
                           deleted_at=deleted_at, error=f"version {latest} is unreadable: {error}")
        return Summary(
            id=pipeline_id, name=info.name, description=str(meta.get("description", "")),
            node_count=info.node_count, target=str(meta.get("target", "auto")), version=latest,
            updated_at=info.saved_at, updated_by=info.saved_by, deleted_at=deleted_at,
        )

    def _readable_header(self, pipeline_id: str, numbers: list[int]) -> VersionInfo | None:
        """The header of the newest of `numbers` that can be read (None when none can)."""
        for number in reversed(numbers):
            try:
                return self.version_info(pipeline_id, number)
            except (CorruptPipeline, NotFound):
                continue
        return None

    def summary(self, pipeline_id: str) -> Summary:
        """The list entry of one pipeline (NotFound when it does not exist)."""
        entries = self.backend.list(paths.pipeline_dir(pipeline_id))
        if not entries:
            raise NotFound(f"No pipeline with id {pipeline_id} in {self.location}.")
        return self._summary(pipeline_id, entries)

    def _list_one(self, name: str, trash: bool) -> Summary | None:
        try:
            entries = self.backend.list(paths.pipeline_dir(name))
            if ("trash.json" in entries) != trash:
                return None
            return self._summary(name, entries)
        except NotFound:
            return None  # a first save that never completed (killed, or refused): nothing to list
        except StoreUnavailable:
            raise  # the whole store is down, not this pipeline
        except StoreError as error:
            return Summary(name, "(unreadable)", error=str(error))

    def list(self, *, trash: bool = False) -> list[Summary]:
        """Summaries of the pipelines (or of the trash), most recently updated first; a pipeline whose
        files cannot be read is listed with `error` set, the others are unaffected."""
        names = [name for name, size in self.backend.list(paths.PIPELINES).items()
                 if size is None and paths.is_id(name)]  # anything else is not a pipeline folder of ours
        if self.backend.parallel_reads > 1 and len(names) > 1:
            # remote storage: each pipeline costs a few round trips, so overlap them
            with ThreadPoolExecutor(min(self.backend.parallel_reads, len(names))) as pool:
                found = list(pool.map(lambda name: self._list_one(name, trash), names))
        else:
            found = [self._list_one(name, trash) for name in names]
        never = datetime.fromtimestamp(0, timezone.utc)
        key = (lambda s: s.deleted_at or never) if trash else (lambda s: s.updated_at or never)
        return sorted((s for s in found if s is not None), key=lambda s: (key(s), s.id), reverse=True)

    def find(self, ref: str) -> str:
        """The id of the pipeline `ref` names: an id, a unique id prefix (≥ 4 characters) or an exact name."""
        if paths.is_id(ref):
            return ref
        summaries = self.list() + self.list(trash=True)
        ref_lower = ref.lower()
        by_prefix = [s.id for s in summaries if len(ref) >= 4 and s.id.startswith(ref_lower)]
        by_name = [s.id for s in summaries if s.name == ref]
        matches = list(dict.fromkeys(by_prefix + by_name))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFound(f"No pipeline named or with an id starting with {ref!r} in {self.location}.")
        raise StoreError(f"{ref!r} matches {len(matches)} pipelines ({', '.join(m[:8] for m in matches)}); "
                         "use the id.")

    # ---- writing -------------------------------------------------------------------------------

    def _in_trash(self, pipeline_id: str) -> bool:
        return "trash.json" in self.backend.list(paths.pipeline_dir(pipeline_id))

    def save(self, pipeline: Pipeline, expected_version: int, *, note: str = "", message: str = "") -> Pipeline:
        """Save `pipeline` as version expected_version + 1 and return the saved document.

        `expected_version` is the version the edit started from (0 for a new pipeline). If another
        save happened since, ConflictError (nothing written) carries both documents. `message` is the
        user's optional description of the change, kept with the version (at most MESSAGE_LIMIT characters).
        """
        pipeline_id = paths.check_id(pipeline.id)
        message = check_message(message)
        with self.backend.lock(paths.pipeline_dir(pipeline_id)):
            latest = self.latest_version(pipeline_id)
            if latest and self._in_trash(pipeline_id):
                raise StoreError(f"Pipeline {pipeline.name!r} is in the trash; restore it first or save a copy.")
            if expected_version > 0 and latest == 0:
                raise NotFound(f"Pipeline {pipeline.name!r} no longer exists in {self.location}; save it as a copy.")
            if latest != expected_version:
                raise self._conflict(pipeline, expected_version, latest)
            now = _now()
            saved = pipeline.model_copy(update={
                "version": latest + 1, "updated_at": now,
                **({"created_at": now} if latest == 0 else {}),
            })
            try:
                self.backend.create(paths.version_file(pipeline_id, latest + 1),
                                    encode_version(saved, self.user, note, message))
            except FileExistsError:  # a writer without the lock (another host on a volume) won the race
                raise self._conflict(pipeline, expected_version, latest + 1) from None
        return saved

    def _conflict(self, mine: Pipeline, expected: int, latest: int) -> ConflictError:
        meta, theirs = self._load(mine.id, latest)
        return ConflictError(mine, expected, theirs, version_info(meta))

    def create(self, pipeline: Pipeline, *, note: str = "created", message: str = "") -> Pipeline:
        """Save a new pipeline as version 1. It keeps its id when that is a free UUID, else gets a new one."""
        if not paths.is_id(pipeline.id) or self.latest_version(pipeline.id):
            pipeline = pipeline.model_copy(update={"id": paths.new_id()})
        return self.save(pipeline, 0, note=note, message=message)

    def save_as(self, pipeline: Pipeline, name: str | None = None) -> Pipeline:
        """A copy under a new id (version 1), optionally renamed: "save as copy" of the conflict dialog."""
        copy = pipeline.model_copy(update={"id": paths.new_id(), **({"name": name} if name is not None else {})})
        return self.save(copy, 0, note=f"copied from {pipeline.id}")

    def _save_on_latest(self, pipeline_id: str, make: Callable[[], Pipeline], note: str,
                        expected_version: int | None, message: str = "") -> Pipeline:
        # Without an expected version the change applies to whatever is latest; a racing save makes
        # us rebuild and retry, so it never overwrites the other save.
        for _ in range(5):
            base = self.latest_version(pipeline_id) if expected_version is None else expected_version
            try:
                return self.save(make(), base, note=note, message=message)
            except ConflictError:
                if expected_version is not None:
                    raise
        raise StoreError(f"Pipeline {pipeline_id} keeps changing; try again.")

    def rename(self, pipeline_id: str, name: str, expected_version: int | None = None) -> Pipeline:
        """Save the latest version under a new name (a new version)."""
        if not name.strip():
            raise StoreError("A pipeline name cannot be empty.")
        return self._save_on_latest(
            pipeline_id, lambda: self.get(pipeline_id).model_copy(update={"name": name}), "renamed", expected_version)

    def restore_version(self, pipeline_id: str, version: int, expected_version: int | None = None, *,
                        message: str = "") -> Pipeline:
        """Save the content of an old version as a new version (nothing is rewritten); it also repairs a
        pipeline whose latest version is unreadable."""
        old = self.get_version(pipeline_id, version)
        return self._save_on_latest(pipeline_id, lambda: old, f"restored version {version}", expected_version,
                                    message)

    def delete(self, pipeline_id: str) -> None:
        """Move to the trash (restorable with `restore`)."""
        if not self.latest_version(pipeline_id):
            raise NotFound(f"No pipeline with id {pipeline_id} in {self.location}.")
        with self.backend.lock(paths.pipeline_dir(pipeline_id)):
            marker = {"deleted_at": _now().isoformat(), "deleted_by": self.user}
            self.backend.replace(paths.trash_marker(pipeline_id), encode_json(marker))

    def restore(self, pipeline_id: str) -> Pipeline:
        """Take a pipeline out of the trash and return it."""
        if not self._in_trash(pipeline_id):
            raise NotFound(f"Pipeline {pipeline_id} is not in the trash.")
        with self.backend.lock(paths.pipeline_dir(pipeline_id)):
            self.backend.delete(paths.trash_marker(pipeline_id))
        return self.get(pipeline_id)

    def purge(self, pipeline_id: str) -> None:
        """Delete a pipeline in the trash for good, with all its versions."""
        if not self._in_trash(pipeline_id):
            raise StoreError(f"Pipeline {pipeline_id} is not in the trash; only trashed pipelines can be purged.")
        self.backend.delete_tree(paths.pipeline_dir(pipeline_id))

    # ---- deploy history and preferences -------------------------------------------------------

    def record_deploy(self, pipeline_id: str, version: int, status: str,
                      details: dict[str, Any] | None = None) -> DeployRecord:
        """Append a deploy record (JSON-serialisable `details`, e.g. job and pipeline ids, links)."""
        if not self.latest_version(pipeline_id):
            raise NotFound(f"No pipeline with id {pipeline_id} in {self.location}.")
        now = datetime.now(timezone.utc)
        record = DeployRecord(uuid.uuid4().hex[:12], pipeline_id, version, now, self.user, status, dict(details or {}))
        name = f"{now:%Y%m%dT%H%M%S%f}-{record.id}.json"
        self.backend.create(f"{paths.deploys_dir(pipeline_id)}/{name}", encode_json(record.to_dict()))
        return record

    def deploy_history(self, pipeline_id: str) -> list[DeployRecord]:
        """Deploy records, newest first (unreadable records are skipped)."""
        out = []
        folder = paths.deploys_dir(pipeline_id)
        for name in sorted(self.backend.list(folder), reverse=True):
            try:
                out.append(deploy_record(decode_json(self.backend.read(f"{folder}/{name}"))))
            except (BadRecord, FileNotFoundError):
                continue
        return out

    def preferences(self) -> dict[str, Any]:
        """The user's preferences ({} when none are saved or the file is unreadable)."""
        try:
            return decode_json(self.backend.read(paths.PREFERENCES))
        except (FileNotFoundError, BadRecord):
            return {}

    def set_preferences(self, updates: dict[str, Any]) -> dict[str, Any]:
        """Merge `updates` into the preferences (a None value removes a key); return the result."""
        with self.backend.lock(""):
            merged = {**self.preferences(), **updates}
            merged = {k: v for k, v in merged.items() if v is not None}
            self.backend.replace(paths.PREFERENCES, encode_json(merged))
        return merged
