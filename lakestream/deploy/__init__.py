"""Deploy to Databricks: dry-run plans, apply with history, status, catalog browsing, bundles, App mode.

    client = connect(profile="dev")                  # or App mode: app.client_for_headers(headers)
    the_plan = plan(pipeline, DeployOptions(schedule="cron", cron="0 0 * * * ?"), user=current_user(client))
    print("\\n".join(the_plan.describe()))            # the dry run
    result = apply(the_plan, client, progress=..., record=store_recorder(store, the_plan))
    status(client, result.details())                 # pipeline update / job run state, links, errors

See docs/deploy.md.
"""

from __future__ import annotations

from typing import Any

from lakestream.deploy.apply import DeployResult, Progress, apply, last_details, store_recorder
from lakestream.deploy.connection import ConnectionStatus, check_connection, connect, current_user
from lakestream.deploy.errors import DeployError, NotConnected
from lakestream.deploy.options import DeployOptions, parse_options
from lakestream.deploy.plan import Action, DeployPlan, PlanError, plan


def deploy(pipeline, options: DeployOptions | None, client, *, store=None, progress: Progress | None = None,
           code: Any = None) -> DeployResult:
    """Plan and apply in one call as the client's user, recording history in `store` when given.

    Raises PlanError (nothing was done), NotConnected, or DeployError (a step failed; recorded).
    """
    the_plan = plan(pipeline, options, user=current_user(client), code=code)
    record = store_recorder(store, the_plan) if store is not None else None
    previous = last_details(store, pipeline.id) if store is not None else {}
    return apply(the_plan, client, progress=progress, record=record, previous=previous)


__all__ = [
    "Action", "ConnectionStatus", "DeployError", "DeployOptions", "DeployPlan", "DeployResult", "NotConnected",
    "PlanError", "apply", "check_connection", "connect", "current_user", "deploy", "last_details",
    "parse_options", "plan", "store_recorder",
]
