"""Run a DeployPlan against a workspace, step by step, with progress, links and a deploy history record."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from databricks.sdk import errors
from databricks.sdk.service.workspace import ImportFormat

from lakestream.deploy.errors import DeployError, describe
from lakestream.deploy.objects import upsert_job, upsert_pipeline
from lakestream.deploy.plan import PIPELINE_REF, Action, DeployPlan

# progress(step, total, action, state, message); state is "running", "done" or "failed".
Progress = Callable[[int, int, Action, str, str], None]
# record(status, details) stores one deploy history entry ("succeeded" or "failed").
Recorder = Callable[[str, dict[str, Any]], None]


@dataclass
class DeployResult:
    ok: bool = False
    host: str = ""
    folder: str = ""
    target: str = ""
    pipeline_id: str | None = None  # the workspace's SDP pipeline id
    job_id: int | None = None
    update_id: str | None = None
    run_id: int | None = None
    links: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        """What the deploy history keeps (JSON-serialisable)."""
        return json.loads(json.dumps(asdict(self)))


def _links(result: DeployResult) -> None:
    host = result.host.rstrip("/")
    if result.folder:
        result.links["folder"] = f"{host}/#workspace{result.folder}"
    if result.pipeline_id:
        result.links["pipeline"] = f"{host}/pipelines/{result.pipeline_id}"
        if result.update_id:
            result.links["update"] = f"{host}/pipelines/{result.pipeline_id}/updates/{result.update_id}"
    if result.job_id:
        result.links["job"] = f"{host}/jobs/{result.job_id}"


def _resolve(value: Any, result: DeployResult) -> Any:
    """Replace the ${pipeline.id} / ${job.id} placeholders with the ids created by earlier steps."""
    if isinstance(value, dict):
        return {k: _resolve(v, result) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, result) for v in value]
    if value == PIPELINE_REF:
        return result.pipeline_id
    if value == "${job.id}":
        return result.job_id
    return value


@dataclass
class _Run:
    """What every step sees: the client, the plan, the result so far, the ids of the last deploy."""

    w: Any
    plan: DeployPlan
    result: DeployResult
    previous: dict[str, Any]


# one step of the plan: (run, the action's payload, the action) -> the message shown beside it
Step = Callable[[_Run, dict[str, Any], Action], str]


def _mkdirs(run: _Run, payload: dict[str, Any], action: Action) -> str:
    run.w.workspace.mkdirs(payload["path"])
    return ""


def _upload(run: _Run, payload: dict[str, Any], action: Action) -> str:
    run.w.workspace.upload(payload["path"], action.content.encode("utf-8"), format=ImportFormat.AUTO, overwrite=True)
    return ""


def _prune(run: _Run, payload: dict[str, Any], action: Action) -> str:
    from databricks.sdk.service.workspace import ObjectType

    folder, keep = payload["folder"], set(payload["keep"])
    stale = [o.path for o in run.w.workspace.list(folder, recursive=True)
             if o.object_type is not ObjectType.DIRECTORY and o.path.startswith(folder + "/") and o.path not in keep]
    for path in stale:
        run.w.workspace.delete(path)
    return f"removed {len(stale)} old file(s)" if stale else "no old files"


def _upsert(kind: str, upsert: Callable[..., tuple[Any, bool]], updated: str) -> Step:
    """The step creating or updating the workspace's `kind` ("pipeline" or "job"), its id kept in `<kind>_id` of
    the result; `upsert` reuses the plan's pipeline id and the id the last deploy recorded."""

    def step(run: _Run, payload: dict[str, Any], action: Action) -> str:
        key = f"{kind}_id"
        object_id, created = upsert(run.w, payload, run.plan.pipeline_id, run.previous.get(key))
        setattr(run.result, key, object_id)
        if created:
            run.result.created.append(f"{kind} {object_id}")
        return f"{'created' if created else updated} {kind} {object_id}"

    return step


def _start_pipeline(run: _Run, payload: dict[str, Any], action: Action) -> str:
    try:
        run.result.update_id = run.w.pipelines.start_update(payload["pipeline_id"]).update_id
    except errors.ResourceConflict:  # not a failure: the pipeline is already doing what was asked
        run.result.warnings.append("An update of the pipeline was already running; it was left running")
        return "an update is already running"
    return f"started update {run.result.update_id}"


def _run_job(run: _Run, payload: dict[str, Any], action: Action) -> str:
    run.result.run_id = run.w.jobs.run_now(payload["job_id"]).run_id
    page = run.w.jobs.get_run(run.result.run_id).run_page_url
    if page:
        run.result.links["run"] = page
    return f"started run {run.result.run_id}"


# One function per action kind (plan.Action.kind).
STEPS: dict[str, Step] = {
    "mkdirs": _mkdirs, "upload": _upload, "prune": _prune, "pipeline": _upsert("pipeline", upsert_pipeline, "updated"),
    "job": _upsert("job", upsert_job, "reset"),
    "start_pipeline": _start_pipeline, "run_job": _run_job,
}


def apply(plan: DeployPlan, client, *, progress: Progress | None = None, record: Recorder | None = None,
          previous: dict[str, Any] | None = None) -> DeployResult:
    """Execute every action of `plan` with the WorkspaceClient `client`; return the DeployResult.

    `previous` is the `details` of the last deploy (its ids let a renamed pipeline update the same
    objects). On failure: the history records it, and DeployError says which step failed and why;
    running the same deploy again completes it without duplicates.
    """
    result = DeployResult(host=client.config.host or "", folder=plan.folder, target=plan.target)
    run = _Run(client, plan, result, previous or {})
    total = len(plan.actions)
    for step, action in enumerate(plan.actions, 1):
        if progress:
            progress(step, total, action, "running", action.title)
        try:
            message = STEPS[action.kind](run, _resolve(action.payload, result), action)
        except DeployError as error:
            reason = str(error)
        except Exception as error:  # every workspace failure becomes one message, recorded below
            reason = describe(error, client.config.http_timeout_seconds)
        else:
            if progress:
                progress(step, total, action, "done", message or action.title)
            continue
        result.error = (f"Deploy failed at step {step} of {total} ({action.title}): {reason}. "
                        "The steps before it were applied; deploy again to finish (nothing is duplicated).")
        _links(result)
        if progress:
            progress(step, total, action, "failed", result.error)
        _record(record, "failed", result)
        raise DeployError(result.error, step, result)
    result.ok = True
    _links(result)
    _record(record, "succeeded", result)
    return result


def _record(record: Recorder | None, status: str, result: DeployResult) -> None:
    if record is None:
        return
    try:
        record(status, result.details())
    except Exception as error:  # a deploy that worked must not be reported as failed because history did not save
        result.warnings.append(f"The deploy history could not be saved: {error}")


def store_recorder(store, plan: DeployPlan) -> Recorder:
    """A Recorder writing to the pipeline store's deploy history (who, when, version, target, ids, links)."""

    def record(status: str, details: dict[str, Any]) -> None:
        store.record_deploy(plan.pipeline_id, plan.version, status, details)

    return record


def last_details(store, pipeline_id: str) -> dict[str, Any]:
    """The details of the newest deploy of this pipeline that created objects (ids to reuse), or {}."""
    try:
        history = store.deploy_history(pipeline_id)
    except Exception:  # no history yet, or an unreadable store: fall back to finding objects by name
        return {}
    for entry in history:
        if entry.details.get("pipeline_id") or entry.details.get("job_id"):
            return entry.details
    return {}
