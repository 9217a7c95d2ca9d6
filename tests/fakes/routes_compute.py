"""Fake routes: Lakeflow Declarative Pipelines (2.0) and Jobs (2.2), with updates and runs that progress.

Each poll of an update (get_update) or a run (runs/get) moves it one step through its life cycle, so status polling is
deterministic. `fake.pipeline_outcome` / `fake.run_outcome` choose how they end ("COMPLETED"/"FAILED",
"SUCCESS"/"FAILED"); a failed update logs an ERROR event with `fake.failure_message`.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from databricks.sdk.service import jobs, pipelines

from .validation import ApiError, check_body, check_params

UPDATE_STEPS = ("QUEUED", "INITIALIZING", "RUNNING")
RUN_STEPS = ("PENDING", "RUNNING")
PIPELINE_REQUEST_KEYS = ("allow_duplicate_names", "dry_run", "expected_last_modified", "pipeline_id")


def _millis() -> int:
    return int(time.time() * 1000)


def _like(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern (% and _) as a regular expression."""
    out = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(out, re.IGNORECASE | re.DOTALL)


def _page(items: list[Any], request, default: int, limit_name: str) -> tuple[list[Any], str | None]:
    limit = int(request.arg(limit_name) or default) or default
    if limit > 100:
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"{limit_name} must be at most 100")
    start = int(request.arg("page_token") or 0)
    chunk = items[start:start + limit]
    return chunk, (str(start + limit) if start + limit < len(items) else None)


def install(fake) -> None:
    fake.pipelines = {}  # id -> {"spec": dict, "creator", "last_modified", "updates": [..], "events": [..]}
    fake.jobs = {}  # job_id -> {"settings": dict, "creator", "created_time"}
    fake.runs = {}  # run_id -> {"job_id", "step", "tasks", "outcome", "message"}
    fake.pipeline_outcome = "COMPLETED"
    fake.run_outcome = "SUCCESS"
    fake.failure_message = "Table or view not found: main.fraud.payments"

    # ---- pipelines ----------------------------------------------------------------------------
    def pipeline(pipeline_id: str) -> dict[str, Any]:
        if pipeline_id not in fake.pipelines:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Pipeline {pipeline_id} does not exist.")
        return fake.pipelines[pipeline_id]

    def check_name(name: str | None, allow_duplicates: bool, own_id: str | None) -> None:
        if not name:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "Pipeline name must be set.")
        if allow_duplicates:
            return
        for pid, p in fake.pipelines.items():
            if pid != own_id and p["spec"].get("name") == name:
                raise ApiError(409, "RESOURCE_CONFLICT", f"Pipeline name '{name}' already exists (pipeline {pid}).")

    def add_event(p: dict[str, Any], level: str, event_type: str, message: str, error: str | None = None) -> None:
        event = {"id": str(uuid.uuid4()), "event_type": event_type, "level": level, "message": message,
                 "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                 "origin": {"pipeline_id": p["spec"]["id"], "pipeline_name": p["spec"].get("name")}}
        if error:
            event["error"] = {"exceptions": [{"class_name": "AnalysisException", "message": error}], "fatal": True}
        p["events"].append(pipelines.PipelineEvent.from_dict(event).as_dict())

    fake.add_pipeline_event = lambda pid, level, message: add_event(pipeline(pid), level, "user_action", message)

    def advance(p: dict[str, Any], update: dict[str, Any]) -> None:
        if update["state"] in ("COMPLETED", "FAILED", "CANCELED"):
            return
        step = UPDATE_STEPS.index(update["state"]) + 1
        if step < len(UPDATE_STEPS):
            update["state"] = UPDATE_STEPS[step]
            return
        update["state"] = fake.pipeline_outcome
        if update["state"] == "FAILED":
            add_event(p, "ERROR", "update_progress", f"Update {update['update_id'][:6]} is FAILED.", fake.failure_message)
        else:
            add_event(p, "INFO", "update_progress", f"Update {update['update_id'][:6]} is COMPLETED.")

    def create_pipeline(request):
        body = request.json or {}
        spec = check_body(pipelines.PipelineSpec, body, extra=PIPELINE_REQUEST_KEYS).as_dict()
        check_name(spec.get("name"), bool(body.get("allow_duplicate_names")), None)
        if body.get("dry_run"):
            return {"effective_settings": spec}
        spec["id"] = str(uuid.uuid4())
        fake.pipelines[spec["id"]] = {"spec": spec, "creator": request.user, "last_modified": _millis(),
                                      "updates": [], "events": []}
        add_event(fake.pipelines[spec["id"]], "INFO", "create_pipeline", f"Pipeline '{spec['name']}' created.")
        return pipelines.CreatePipelineResponse.from_dict({"pipeline_id": spec["id"], "effective_settings": spec}).as_dict()

    def edit_pipeline(request, pipeline_id):
        p = pipeline(pipeline_id)
        body = request.json or {}
        spec = check_body(pipelines.PipelineSpec, body, extra=PIPELINE_REQUEST_KEYS).as_dict()
        expected = body.get("expected_last_modified")
        if expected is not None and expected != p["last_modified"]:
            raise ApiError(409, "RESOURCE_CONFLICT", "The pipeline was modified since expected_last_modified.")
        if spec.get("id", pipeline_id) != pipeline_id:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "The id in the body does not match the path.")
        check_name(spec.get("name"), bool(body.get("allow_duplicate_names")), pipeline_id)
        spec["id"] = pipeline_id
        p["spec"] = spec
        p["last_modified"] = max(_millis(), p["last_modified"] + 1)
        return {}

    def state_of(p: dict[str, Any]) -> str:
        active = [u for u in p["updates"] if u["state"] not in ("COMPLETED", "FAILED", "CANCELED")]
        return "RUNNING" if active else ("FAILED" if p["updates"] and p["updates"][-1]["state"] == "FAILED" else "IDLE")

    def latest(p: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"update_id": u["update_id"], "state": u["state"], "creation_time": u["creation_time"]}
                for u in reversed(p["updates"][-5:])]

    def get_pipeline(request, pipeline_id):
        p = pipeline(pipeline_id)
        return pipelines.GetPipelineResponse.from_dict({
            "pipeline_id": pipeline_id, "name": p["spec"].get("name"), "spec": p["spec"], "state": state_of(p),
            "creator_user_name": p["creator"], "run_as_user_name": p["creator"],
            "last_modified": p["last_modified"], "latest_updates": latest(p),
        }).as_dict()

    def list_pipelines(request):
        found = list(fake.pipelines.items())
        text = request.arg("filter")
        if text:
            match = re.fullmatch(r"\s*name\s+LIKE\s+'((?:[^']|'')*)'\s*", text, re.IGNORECASE)
            if not match:
                raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Unsupported filter: {text}")
            pattern = _like(match.group(1).replace("''", "'"))
            found = [(pid, p) for pid, p in found if pattern.fullmatch(p["spec"].get("name", ""))]
        found.sort(key=lambda item: item[0])
        chunk, token = _page(found, request, 25, "max_results")
        statuses = [{"pipeline_id": pid, "name": p["spec"].get("name"), "state": state_of(p),
                     "creator_user_name": p["creator"], "latest_updates": latest(p)} for pid, p in chunk]
        out = pipelines.ListPipelinesResponse.from_dict({"statuses": statuses}).as_dict()
        if token:
            out["next_page_token"] = token
        return out

    def start_update(request, pipeline_id):
        p = pipeline(pipeline_id)
        body = request.json or {}
        check_params(pipelines.PipelinesAPI.start_update, {**body, "pipeline_id": pipeline_id})
        if state_of(p) == "RUNNING":
            raise ApiError(409, "RESOURCE_CONFLICT", "An active update already exists for this pipeline.")
        update = {"update_id": str(uuid.uuid4()), "state": "QUEUED", "creation_time": _millis(),
                  "full_refresh": bool(body.get("full_refresh"))}
        p["updates"].append(update)
        add_event(p, "INFO", "create_update", f"Update {update['update_id'][:6]} started by {request.user}.")
        return {"update_id": update["update_id"]}

    def get_update(request, pipeline_id, update_id):
        p = pipeline(pipeline_id)
        update = next((u for u in p["updates"] if u["update_id"] == update_id), None)
        if update is None:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Update {update_id} does not exist.")
        advance(p, update)
        info = {"pipeline_id": pipeline_id, "update_id": update_id, "state": update["state"],
                "creation_time": update["creation_time"], "full_refresh": update["full_refresh"]}
        return pipelines.GetUpdateResponse.from_dict({"update": info}).as_dict()

    def events(request, pipeline_id):
        p = pipeline(pipeline_id)
        found = list(reversed(p["events"]))  # newest first, the API's default order
        text = request.arg("filter")
        if text:
            levels = re.findall(r"'(INFO|WARN|ERROR|METRICS)'", text)
            if not re.match(r"\s*level\s*(=|in)", text, re.IGNORECASE) or not levels:
                raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Unsupported filter: {text}")
            found = [e for e in found if e["level"] in levels]
        if request.arg("order_by") == "timestamp asc":
            found.reverse()
        chunk, token = _page(found, request, 100, "max_results")
        out = {"events": chunk}
        if token:
            out["next_page_token"] = token
        return pipelines.ListPipelineEventsResponse.from_dict(out).as_dict()

    fake.routes += [
        ("POST", re.compile(r"/api/2\.0/pipelines"), create_pipeline),
        ("GET", re.compile(r"/api/2\.0/pipelines"), list_pipelines),
        ("GET", re.compile(r"/api/2\.0/pipelines/([^/]+)"), get_pipeline),
        ("PUT", re.compile(r"/api/2\.0/pipelines/([^/]+)"), edit_pipeline),
        ("POST", re.compile(r"/api/2\.0/pipelines/([^/]+)/updates"), start_update),
        ("GET", re.compile(r"/api/2\.0/pipelines/([^/]+)/updates/([^/]+)"), get_update),
        ("GET", re.compile(r"/api/2\.0/pipelines/([^/]+)/events"), events),
    ]
    _install_jobs(fake)


def _install_jobs(fake) -> None:
    def job(job_id: Any) -> dict[str, Any]:
        try:
            return fake.jobs[int(job_id)]
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Job {job_id} does not exist.") from None

    def check_settings(settings: dict[str, Any]) -> None:
        keys = [t.get("task_key") for t in settings.get("tasks", [])]
        if len(set(keys)) != len(keys) or not all(keys):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "Every task needs a unique task_key.")
        envs = {e.get("environment_key") for e in settings.get("environments", [])}
        for task in settings.get("tasks", []):
            for dep in task.get("depends_on", []):
                if dep.get("task_key") not in keys:
                    raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Task {task['task_key']} depends on an unknown task.")
            if task.get("environment_key") and task["environment_key"] not in envs:
                raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Task {task['task_key']} names an unknown environment.")
            pipeline_id = task.get("pipeline_task", {}).get("pipeline_id")
            if pipeline_id is not None and pipeline_id not in fake.pipelines:
                raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Pipeline {pipeline_id} does not exist.")
        if settings.get("schedule") and settings.get("continuous"):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "A job cannot have both a schedule and continuous.")

    def new_run(job_id: int) -> int:
        record = fake.jobs[job_id]
        run_id = fake.new_id()
        missing = [t["spark_python_task"]["python_file"] for t in record["settings"].get("tasks", [])
                   if "spark_python_task" in t and t["spark_python_task"]["python_file"] not in fake.objects]
        fake.runs[run_id] = {"job_id": job_id, "step": 0, "start": _millis(),
                             "tasks": [t["task_key"] for t in record["settings"].get("tasks", [])],
                             "continuous": bool(record["settings"].get("continuous")),
                             "message": f"File {missing[0]} not found." if missing else None}
        return run_id

    def start_continuous(job_id: int) -> None:
        """An unpaused continuous job starts a run by itself, as the platform does."""
        continuous = fake.jobs[job_id]["settings"].get("continuous") or {}
        active = [r for r in fake.runs.values() if r["job_id"] == job_id and run_state(r)["life_cycle_state"] != "TERMINATED"]
        if continuous.get("pause_status", "UNPAUSED") == "UNPAUSED" and continuous and not active:
            new_run(job_id)

    def create(request):
        body = dict(request.json or {})
        acl = body.pop("access_control_list", None)
        if acl is not None:
            for entry in acl:
                check_body(jobs.JobAccessControlRequest, entry)
        settings = check_body(jobs.JobSettings, body).as_dict()
        check_settings(settings)
        job_id = fake.new_id()
        fake.jobs[job_id] = {"settings": settings, "creator": request.user, "created_time": _millis()}
        start_continuous(job_id)
        return jobs.CreateResponse.from_dict({"job_id": job_id}).as_dict()

    def reset(request):
        body = request.json or {}
        if set(body) - {"job_id", "new_settings"}:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "reset takes job_id and new_settings")
        record = job(body.get("job_id"))
        settings = check_body(jobs.JobSettings, body.get("new_settings")).as_dict()
        check_settings(settings)
        record["settings"] = settings
        start_continuous(int(body["job_id"]))
        return {}

    def as_base(job_id: int, expand: bool) -> dict[str, Any]:
        record = fake.jobs[job_id]
        settings = dict(record["settings"])
        if not expand:
            for key in ("tasks", "job_clusters", "environments", "parameters"):
                settings.pop(key, None)
        return {"job_id": job_id, "settings": settings, "creator_user_name": record["creator"],
                "created_time": record["created_time"]}

    def list_jobs(request):
        name = request.arg("name")
        ids = sorted((j for j, r in fake.jobs.items()
                      if name is None or r["settings"].get("name", "").lower() == name.lower()), reverse=True)
        chunk, token = _page(ids, request, 20, "limit")
        expand = request.arg("expand_tasks") == "true"
        out = jobs.ListJobsResponse.from_dict({"jobs": [as_base(j, expand) for j in chunk]}).as_dict()
        out["has_more"] = token is not None
        if token:
            out["next_page_token"] = token
        return out

    def get(request):
        job_id = int(request.arg("job_id") or 0)
        job(job_id)
        return jobs.Job.from_dict(as_base(job_id, True)).as_dict()

    def run_now(request):
        body = request.json or {}
        check_params(jobs.JobsAPI.run_now, body)
        job(body.get("job_id"))
        run_id = new_run(int(body["job_id"]))
        return jobs.RunNowResponse.from_dict({"run_id": run_id, "number_in_job": run_id}).as_dict()

    def run_state(run: dict[str, Any]) -> dict[str, Any]:
        if run["step"] < len(RUN_STEPS) or (run["continuous"] and not run["message"]):
            return {"life_cycle_state": RUN_STEPS[min(run["step"], len(RUN_STEPS) - 1)], "state_message": ""}
        failed = run["message"] is not None or fake.run_outcome == "FAILED"
        return {"life_cycle_state": "TERMINATED", "result_state": "FAILED" if failed else "SUCCESS",
                "state_message": run["message"] or ("Task failed." if failed else "")}

    def list_runs(request):
        job_id = int(request.arg("job_id") or 0)
        active_only = request.arg("active_only") == "true"
        found = sorted((rid for rid, r in fake.runs.items() if not job_id or r["job_id"] == job_id), reverse=True)
        if active_only:
            found = [rid for rid in found if run_state(fake.runs[rid])["life_cycle_state"] != "TERMINATED"]
        chunk, token = _page(found, request, 25, "limit")
        items = [{"run_id": rid, "job_id": fake.runs[rid]["job_id"], "state": run_state(fake.runs[rid]),
                  "start_time": fake.runs[rid]["start"]} for rid in chunk]
        out = jobs.ListRunsResponse.from_dict({"runs": items}).as_dict()
        out["has_more"] = token is not None
        if token:
            out["next_page_token"] = token
        return out

    def get_run(request):
        run_id = int(request.arg("run_id") or 0)
        if run_id not in fake.runs:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Run {run_id} does not exist.")
        run = fake.runs[run_id]
        state = run_state(run)
        run["step"] += 1
        data = {
            "run_id": run_id, "job_id": run["job_id"], "number_in_job": run_id, "start_time": run["start"],
            "state": state, "run_page_url": f"{fake.url}/jobs/{run['job_id']}/runs/{run_id}",
            "tasks": [{"task_key": key, "run_id": run_id * 100 + i, "state": state}
                      for i, key in enumerate(run["tasks"])],
        }
        return jobs.Run.from_dict(data).as_dict()

    fake.routes += [
        ("POST", re.compile(r"/api/2\.2/jobs/create"), create),
        ("POST", re.compile(r"/api/2\.2/jobs/reset"), reset),
        ("GET", re.compile(r"/api/2\.2/jobs/list"), list_jobs),
        ("GET", re.compile(r"/api/2\.2/jobs/get"), get),
        ("POST", re.compile(r"/api/2\.2/jobs/run-now"), run_now),
        ("GET", re.compile(r"/api/2\.2/jobs/runs/get"), get_run),
        ("GET", re.compile(r"/api/2\.2/jobs/runs/list"), list_runs),
    ]
