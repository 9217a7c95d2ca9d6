"""Find and create-or-update the workspace objects of a deploy: the SDP pipeline and the job.

Redeploying must update the same objects: they are found first by the ids recorded in the last
deploy, then by name, and only accepted when their `lakestream` tag names this pipeline document.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from databricks.sdk import errors
from databricks.sdk.service import jobs, pipelines

from lakestream.deploy.errors import DeployError
from lakestream.deploy.plan import TAG


def _kwargs(obj: Any) -> dict[str, Any]:
    """The set fields of an SDK dataclass as keyword arguments (empty lists left out, as as_dict() does)."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {k: v for k, v in values.items() if v is not None and v != []}


def _like_literal(name: str) -> str:
    """`name` as a LIKE pattern matching only itself (quotes doubled, wildcards turned into '_')."""
    return name.replace("'", "''").replace("%", "_")


def find_pipeline(w, name: str, document_id: str, known_id: str | None = None) -> str | None:
    """The id of this document's pipeline, or None; DeployError when the name is taken by another object."""
    if known_id:
        try:
            if (w.pipelines.get(known_id).spec.tags or {}).get(TAG) == document_id:
                return known_id
        except errors.NotFound:
            pass
    foreign = None
    for info in w.pipelines.list_pipelines(filter=f"name LIKE '{_like_literal(name)}'"):
        if info.name != name:
            continue
        tags = w.pipelines.get(info.pipeline_id).spec.tags or {}  # tags are not in the list: check each one
        if tags.get(TAG) == document_id:
            return info.pipeline_id
        foreign = info.pipeline_id
    if foreign:
        raise DeployError(f"A pipeline named '{name}' already exists (id {foreign}) and was not deployed by "
                          "LakeStream from this document; rename the pipeline or remove that object")
    return None


def upsert_pipeline(w, spec: dict[str, Any], document_id: str, known_id: str | None) -> tuple[str, bool]:
    """Create the pipeline or update it in place; return (pipeline id, created)."""
    existing = find_pipeline(w, spec["name"], document_id, known_id)
    if existing is None:
        wanted = pipelines.PipelineSpec.from_dict(spec)
        return w.pipelines.create(**_kwargs(wanted), allow_duplicate_names=False).pipeline_id, True
    for attempt in (1, 2):  # update is a PUT of the whole spec: merge into the current one
        current = w.pipelines.get(existing)
        merged = pipelines.PipelineSpec.from_dict({**(current.spec.as_dict() if current.spec else {}), **spec,
                                                   "id": existing})
        try:
            w.pipelines.update(existing, **_kwargs(merged), expected_last_modified=current.last_modified)
            break
        except errors.ResourceConflict:
            if attempt == 2:  # somebody changed it between our get and update twice in a row
                raise
    return existing, False


def find_job(w, name: str, document_id: str, known_id: int | None = None) -> int | None:
    if known_id:
        try:
            if ((w.jobs.get(known_id).settings.tags) or {}).get(TAG) == document_id:
                return known_id
        except (errors.NotFound, errors.InvalidParameterValue):
            pass
    mine = [j.job_id for j in w.jobs.list(name=name) if ((j.settings and j.settings.tags) or {}).get(TAG) == document_id]
    # An interrupted create retried by the client can leave two; keep the oldest, the others stay visible.
    return min(mine) if mine else None


def upsert_job(w, settings: dict[str, Any], document_id: str, known_id: int | None) -> tuple[int, bool]:
    """Create the job or reset it to exactly these settings; return (job id, created)."""
    wanted = jobs.JobSettings.from_dict(settings)
    existing = find_job(w, settings["name"], document_id, known_id)
    if existing is None:
        return w.jobs.create(**_kwargs(wanted)).job_id, True
    w.jobs.reset(existing, wanted)  # reset replaces all settings; update would merge the task arrays
    return existing, False
