"""Deploy to Databricks: dry-run plans, apply with history, status, catalog browsing, bundles, App mode.

    client = connect(profile="dev")                  # or App mode: app.client_for_headers(headers)
    the_plan = plan(pipeline, DeployOptions(schedule="cron", cron="0 0 * * * ?"), user=current_user(client))
    print("\\n".join(the_plan.describe()))            # the dry run
    result = apply(the_plan, client, progress=..., record=store_recorder(store, the_plan))
    status(client, result.details())                 # pipeline update / job run state, links, errors

See docs/deploy.md.
"""

from __future__ import annotations

import importlib
from typing import Any

from lakestream.deploy.plan import plan  # the function (a later import of the submodule must not shadow it)

# The other names load on first use (PEP 562): `applying` imports databricks-sdk (≈1 s), and the UI must
# be able to open the deploy dialog, and import submodules like deploy.plan, before that has happened.
# (No submodule may be named like a name exported here, or importing it would shadow that name.)
_HOMES = {
    "applying": ("DeployResult", "Progress", "apply", "last_details", "store_recorder"),
    "connection": ("ConnectionStatus", "check_connection", "connect", "current_user"),
    "errors": ("DeployError", "NotConnected"),
    "options": ("DeployOptions", "parse_options"),
    "plan": ("Action", "DeployPlan", "PlanError"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lakestream.deploy' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lakestream.deploy.{module}"), name)
    globals()[name] = value
    return value


def deploy(pipeline, options, client, *, store=None, progress=None, code: Any = None):
    """Plan and apply in one call as the client's user, recording history in `store` when given.

    Raises PlanError (nothing was done), NotConnected, or DeployError (a step failed; recorded).
    """
    from lakestream.deploy.applying import apply, last_details, store_recorder
    from lakestream.deploy.connection import current_user

    the_plan = plan(pipeline, options, user=current_user(client), code=code)
    record = store_recorder(store, the_plan) if store is not None else None
    previous = last_details(store, pipeline.id) if store is not None else {}
    return apply(the_plan, client, progress=progress, record=record, previous=previous)


__all__ = [
    "Action", "ConnectionStatus", "DeployError", "DeployOptions", "DeployPlan", "DeployResult", "NotConnected",
    "PlanError", "apply", "check_connection", "connect", "current_user", "deploy", "last_details",
    "parse_options", "plan", "store_recorder",
]
