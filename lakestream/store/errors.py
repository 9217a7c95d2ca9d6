"""Store errors: each one carries a message ready to show the user (CLI line or UI toast)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakestream.errors import UserError

if TYPE_CHECKING:
    from lakestream.pipeline import Pipeline
    from lakestream.store.model import VersionInfo


class StoreError(UserError):
    """Base class of every store error."""


class UnknownStore(StoreError):
    """A backend name that is not registered; the message lists the valid names."""


class NotFound(StoreError):
    """No pipeline (or version, or trash entry) with this id."""


class InvalidId(NotFound):
    """A pipeline id that is not a canonical UUID: it can never name a stored pipeline."""


class CorruptPipeline(StoreError):
    """A stored file of one pipeline cannot be read; the other pipelines are unaffected. `reason` is
    what is wrong with the file, in a few words ("it is cut short or padded")."""

    def __init__(self, pipeline_id: str, message: str, reason: str = ""):
        self.pipeline_id = pipeline_id
        self.reason = reason or message
        super().__init__(message)


class StoreReadOnly(StoreError):
    """The store folder refuses writes: a read-only file system, or no permission to write there."""


class StoreFull(StoreError):
    """The device (or the user's quota) holding the store folder has no space left."""


class StoreUnavailable(StoreError):
    """The storage did not answer (server errors, timeouts) even after the safe retries."""


class ConflictError(StoreError):
    """A save based on a version that is no longer the latest: nothing was written.

    `mine` is the document the caller tried to save, `theirs` the latest stored document and
    `theirs_info` who saved it and when. The UI offers: reload (theirs), save as a copy (mine under a
    new id), or overwrite (save mine with expected_version=theirs.version).
    """

    def __init__(self, mine: Pipeline, expected_version: int, theirs: Pipeline, theirs_info: VersionInfo):
        self.mine = mine
        self.expected_version = expected_version
        self.theirs = theirs
        self.theirs_info = theirs_info
        when = theirs_info.saved_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"This pipeline changed since you opened it: you edited version {expected_version}, "
            f"but version {theirs.version} was saved by {theirs_info.saved_by} at {when}."
        )
