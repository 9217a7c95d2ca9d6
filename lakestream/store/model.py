"""Plain records the store returns: pipeline summaries, version entries, deploy records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a pipeline: who saved it, when, a short note of what the store did (e.g.
    "renamed") and the message the user wrote when saving it (may be empty)."""

    version: int
    saved_at: datetime
    saved_by: str
    name: str
    node_count: int
    note: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "saved_at": self.saved_at.isoformat()}


@dataclass(frozen=True)
class Summary:
    """One line of the pipeline list. `error` is set (and the rest is best effort) when the
    pipeline's files cannot be read: the list still shows every other pipeline."""

    id: str
    name: str
    description: str = ""
    node_count: int = 0
    target: str = "auto"
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str = ""
    deleted_at: datetime | None = None
    owner: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("updated_at", "deleted_at"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class DeployRecord:
    """One deploy attempt of a pipeline version; `details` is whatever the deploy service records."""

    id: str
    pipeline_id: str
    version: int
    at: datetime
    by: str
    status: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "at": self.at.isoformat()}
