"""Status of a deployment: the pipeline update and job run states, links, and the last pipeline errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lakestream.deploy.errors import describe

FINAL_UPDATE_STATES = {"COMPLETED", "FAILED", "CANCELED"}
FINAL_RUN_STATES = {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}


@dataclass
class DeployStatus:
    pipeline_state: str | None = None  # IDLE / RUNNING / FAILED ...
    update_state: str | None = None  # QUEUED ... COMPLETED / FAILED
    run_state: str | None = None  # PENDING / RUNNING / TERMINATED
    run_result: str | None = None  # SUCCESS / FAILED ...
    run_message: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # newest first, from the pipeline event log
    problem: str | None = None  # the status itself could not be read

    @property
    def finished(self) -> bool:
        """Nothing more will change without a new update or run (a continuous run never finishes)."""
        update_done = self.update_state is None or self.update_state in FINAL_UPDATE_STATES
        run_done = self.run_state is None or self.run_state in FINAL_RUN_STATES
        return self.problem is not None or (update_done and run_done)

    @property
    def failed(self) -> bool:
        return self.update_state == "FAILED" or self.run_result not in (None, "SUCCESS")

    def summary(self) -> str:
        parts = []
        if self.update_state:
            parts.append(f"pipeline update {self.update_state.lower()}")
        elif self.pipeline_state:
            parts.append(f"pipeline {self.pipeline_state.lower()}")
        if self.run_state:
            result = f" ({self.run_result.lower()})" if self.run_result else ""
            parts.append(f"job run {self.run_state.lower()}{result}")
        if self.problem:
            parts.append(self.problem)
        return "; ".join(parts) or "nothing deployed yet"


def _value(enum_or_none: Any) -> str | None:
    return getattr(enum_or_none, "value", enum_or_none)


def pipeline_errors(client, pipeline_id: str, limit: int = 5) -> list[str]:
    """The newest ERROR events of a pipeline as readable lines (exception messages when present)."""
    out = []
    for event in client.pipelines.list_pipeline_events(pipeline_id, filter="level='ERROR'", max_results=limit):
        detail = ""
        if event.error and event.error.exceptions:
            detail = "; ".join(e.message or e.class_name or "" for e in event.error.exceptions if e)
        out.append(f"{event.timestamp or ''} {event.message or ''}{': ' + detail if detail else ''}".strip())
        if len(out) >= limit:
            break
    return out


def status(client, details: dict[str, Any]) -> DeployStatus:
    """The current state of a deployment described by a DeployResult's `details()` (or a history record)."""
    result = DeployStatus(links=dict(details.get("links") or {}))
    try:
        pipeline_id = details.get("pipeline_id")
        if pipeline_id:
            result.pipeline_state = _value(client.pipelines.get(pipeline_id).state)
            if details.get("update_id"):
                update = client.pipelines.get_update(pipeline_id, details["update_id"]).update
                result.update_state = _value(update.state) if update else None
            result.errors = pipeline_errors(client, pipeline_id)
        run_id = details.get("run_id")
        if not run_id and details.get("job_id"):  # a continuous job starts its runs by itself
            active = next(iter(client.jobs.list_runs(job_id=details["job_id"], active_only=True, limit=1)), None)
            run_id = active.run_id if active else None
        if run_id:
            run = client.jobs.get_run(run_id)
            state = run.state
            result.run_state = _value(state.life_cycle_state) if state else None
            result.run_result = _value(state.result_state) if state else None
            result.run_message = (state.state_message or None) if state else None
            if run.run_page_url:
                result.links["run"] = run.run_page_url
    except Exception as error:  # a status panel shows the problem; it never breaks the page
        result.problem = f"status unavailable: {describe(error, client.config.http_timeout_seconds)}"
    return result


def poll(client, details: dict[str, Any], *, interval: float = 5.0, timeout: float = 600.0,
         sleep: Callable[[float], None] = time.sleep) -> Iterator[DeployStatus]:
    """Yield the status every `interval` seconds until it is finished or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        current = status(client, details)
        yield current
        if current.finished or time.monotonic() >= deadline:
            return
        sleep(interval)
