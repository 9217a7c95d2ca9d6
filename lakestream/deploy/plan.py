"""The deploy plan: every workspace action with its exact payload, computed without touching the workspace."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from lakestream.deploy.code import DeployCode, code_for
from lakestream.deploy.options import ENVIRONMENT_VERSION, DeployOptions
from lakestream.errors import UserError
from lakestream.pipeline import Pipeline

TAG = "lakestream"  # tag key on every pipeline and job LakeStream creates; its value is the document id
PIPELINE_REF = "${pipeline.id}"  # placeholder in a job payload for the id of the pipeline created before it


class PlanError(UserError):
    """The pipeline or the options cannot be deployed as asked; the message says what to change."""


@dataclass(frozen=True)
class Action:
    """One step of a deploy. `kind` is mkdirs | upload | prune | pipeline | job | start_pipeline | run_job."""

    kind: str
    title: str
    payload: dict[str, Any]
    content: str | None = field(default=None, repr=False)  # upload: the file text

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "title": self.title, "payload": self.payload}
        if self.content is not None:
            out["content"] = self.content
        return out


@dataclass(frozen=True)
class DeployPlan:
    pipeline_id: str
    pipeline_name: str
    version: int
    user: str
    folder: str
    target: str
    reasons: str
    options: DeployOptions
    actions: tuple[Action, ...]
    notes: tuple[str, ...] = ()

    @property
    def resource_name(self) -> str:
        return self.pipeline_name

    def describe(self) -> list[str]:
        """Readable lines: the target and why, then one numbered line per action."""
        lines = [f"Deploy '{self.pipeline_name}' (version {self.version}) as {self.user}", f"Target: {self.reasons}"]
        lines += [f"Note: {note}" for note in self.notes]
        lines += [f"{i}. {action.title}" for i, action in enumerate(self.actions, 1)]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "pipeline_id": self.pipeline_id, "pipeline_name": self.pipeline_name, "version": self.version,
            "user": self.user, "folder": self.folder, "target": self.target, "reasons": self.reasons,
            "options": self.options.model_dump(by_alias=True), "notes": list(self.notes),
            "actions": [a.to_dict() for a in self.actions],
        }


def slug(name: str, fallback: str) -> str:
    """A folder name from a pipeline name: letters, digits, '-' and '_' only (user text never makes a path)."""
    text = re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-_").lower()[:60]
    return text or fallback


def user_folder(user: str, pipeline: Pipeline) -> str:
    if not user or "/" in user or user in (".", "..") or "\x00" in user:
        raise PlanError(f"Cannot deploy for user {user!r}: not a workspace user name")
    return f"/Workspace/Users/{user}/lakestream/{slug(pipeline.name, pipeline.id[:8])}"


def effective_pipeline(pipeline: Pipeline, options: DeployOptions) -> Pipeline:
    """The pipeline with the dialog's catalog, schema and checkpoint root applied to its settings."""
    updates = {}
    if options.catalog:
        updates["catalog"] = options.catalog
    if options.schema_:
        updates["schema_"] = options.schema_
    if options.checkpoint_root:
        updates["checkpoint_root"] = options.checkpoint_root
    if not updates:
        return pipeline
    return pipeline.model_copy(update={"settings": pipeline.settings.model_copy(update=updates)})


def pipeline_spec(pipeline: Pipeline, options: DeployOptions, folder: str, *, hybrid: bool = False) -> dict[str, Any]:
    settings = pipeline.settings
    if not settings.catalog or not settings.schema_:
        raise PlanError("A declarative pipeline publishes to Unity Catalog: choose a catalog and a schema")
    spec: dict[str, Any] = {
        "name": pipeline.name, "catalog": settings.catalog, "schema": settings.schema_,
        "root_path": folder, "channel": "CURRENT",
        "libraries": [{"glob": {"include": f"{folder}/transformations/**"}}],
        # conditions as replay evaluates them (x / 0 and bad casts give NULL), whatever the workspace default
        "configuration": {"lakestream.pipeline_id": pipeline.id, "spark.sql.ansi.enabled": "false"},
        "tags": {TAG: pipeline.id},
    }
    if options.compute == "serverless":
        spec["serverless"] = True
    elif options.compute == "new_cluster":
        spec["clusters"] = [{"label": "default", "node_type_id": options.node_type_id, "num_workers": options.num_workers}]
    else:
        raise PlanError("A declarative pipeline runs on serverless or on its own cluster, not on an existing "
                        "cluster: choose serverless or a new cluster")
    if options.schedule == "continuous" and hybrid:
        # The SDK marks `continuous` deprecated in favour of a continuous job wrapping the pipeline; a
        # hybrid's job already runs the never-ending stateful task, which would block that refresh.
        spec["continuous"] = True
    return spec


def _compute(options: DeployOptions, task: dict[str, Any], settings: dict[str, Any]) -> None:
    if options.compute == "serverless":
        task["environment_key"] = "default"
        settings["environments"] = [{"environment_key": "default", "spec": {"environment_version": ENVIRONMENT_VERSION}}]
    elif options.compute == "new_cluster":
        task["job_cluster_key"] = "main"
        settings["job_clusters"] = [{"job_cluster_key": "main", "new_cluster": {
            "spark_version": options.spark_version, "node_type_id": options.node_type_id,
            "num_workers": options.num_workers}}]
    else:
        task["existing_cluster_id"] = options.cluster_id


def job_settings(pipeline: Pipeline, options: DeployOptions, folder: str, code: DeployCode) -> dict[str, Any] | None:
    """The job: the SSS stream task (after a pipeline refresh for hybrid), or a scheduled SDP refresh."""
    settings: dict[str, Any] = {"name": pipeline.name, "tags": {TAG: pipeline.id}, "max_concurrent_runs": 1}
    tasks: list[dict[str, Any]] = []
    # A hybrid's continuous pipeline never finishes, so no task may wait for it; a pipeline alone is made
    # continuous by a continuous job wrapping a refresh task (the SDK's advice).
    refresh = code.has_sdp and not (options.schedule == "continuous" and code.entry is not None)
    if refresh:
        tasks.append({"task_key": "prepare", "pipeline_task": {"pipeline_id": PIPELINE_REF}})
    if code.entry is not None:
        task: dict[str, Any] = {"task_key": "patterns", "spark_python_task": {"python_file": f"{folder}/{code.entry}"}}
        if refresh:
            task["depends_on"] = [{"task_key": "prepare"}]
        _compute(options, task, settings)
        tasks.append(task)
    elif options.schedule == "manual":
        return None  # SDP alone, started by hand: the pipeline needs no job
    settings["tasks"] = tasks
    if options.schedule == "continuous":
        settings["continuous"] = {"pause_status": "UNPAUSED"}
    elif options.schedule == "cron":
        settings["schedule"] = {"quartz_cron_expression": options.cron, "timezone_id": options.timezone,
                                "pause_status": "UNPAUSED"}
    return settings


def plan(pipeline: Pipeline, options: DeployOptions | None = None, *, user: str, code: Any = None) -> DeployPlan:
    """Every action a deploy of `pipeline` takes, for workspace user `user`; raises PlanError.

    `code` is a GeneratedCode to deploy (default: generated now with the Databricks profile).
    """
    options = options or DeployOptions()
    effective = effective_pipeline(pipeline, options)
    deploy_code = code_for(effective, options.target or pipeline.code_target, code)
    folder = user_folder(user, pipeline)
    actions: list[Action] = []
    folders = sorted({folder} | {posixpath.dirname(f"{folder}/{p}") for p in deploy_code.files})
    for path in folders:
        actions.append(Action("mkdirs", f"Create folder {path}", {"path": path}))
    for rel, text in sorted(deploy_code.files.items()):
        path = f"{folder}/{rel}"
        payload = {"path": path, "format": "AUTO", "overwrite": True, "bytes": len(text.encode())}
        actions.append(Action("upload", f"Upload {path} ({payload['bytes']} bytes)", payload, text))
    # Files of an earlier deploy that the new code no longer has would still match the pipeline's glob
    # (say, transformations/pipeline.py after switching to SQL): remove them.
    keep = sorted(f"{folder}/{rel}" for rel in deploy_code.files)
    actions.append(Action("prune", f"Remove files in {folder} that this version no longer generates",
                          {"folder": folder, "keep": keep}))
    notes = list(deploy_code.notes)
    if deploy_code.has_sdp:
        spec = pipeline_spec(effective, options, folder, hybrid=deploy_code.entry is not None)
        compute = "serverless" if spec.get("serverless") else "a new cluster"
        actions.append(Action("pipeline", f"Create or update declarative pipeline '{pipeline.name}' "
                              f"({spec['catalog']}.{spec['schema']}, {compute})", spec))
    job = job_settings(effective, options, folder, deploy_code)
    if job is not None:
        when = {"continuous": "continuous", "cron": f"cron {options.cron} {options.timezone}", "manual": "manual"}
        actions.append(Action("job", f"Create or reset job '{pipeline.name}' ({when[options.schedule]}, "
                              f"{len(job['tasks'])} task(s))", job))
    if options.start:
        if job is not None and options.schedule != "continuous":
            actions.append(Action("run_job", "Start a job run now", {"job_id": "${job.id}"}))
        elif job is None:
            actions.append(Action("start_pipeline", "Start a pipeline update now", {"pipeline_id": PIPELINE_REF}))
        else:
            notes.append("The continuous job starts by itself once deployed")
    return DeployPlan(
        pipeline_id=pipeline.id, pipeline_name=pipeline.name, version=pipeline.version, user=user, folder=folder,
        target=deploy_code.target, reasons=deploy_code.reasons, options=options, actions=tuple(actions),
        notes=tuple(notes),
    )
