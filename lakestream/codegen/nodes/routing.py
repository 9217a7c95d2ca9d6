"""Contexts of split/route (one dataset per output port) and data quality (expectations, quarantine)."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, expr, ident, py, sql
from lakestream.codegen.nodes._common import local_sink, warn_local_write


def _true(condition: str) -> str:
    """A condition that is true only when it is true (NULL counts as false, as in a WHERE clause)."""
    return f"coalesce({expr(condition)}, false)"


def split_router(view) -> dict:
    """Route i takes rows matching its condition and no earlier one; the default takes rows matching none."""
    config = view.config
    routes, earlier = [], []
    for route in config.routes:
        condition = " AND ".join([_true(route.condition)] + [f"NOT {c}" for c in earlier])
        routes.append({"name": view.output_name(route.name), "condition": Code(condition)})
        earlier.append(_true(route.condition))
    if config.default_route:
        condition = " AND ".join(f"NOT {c}" for c in earlier)
        routes.append({"name": view.output_name(config.default_route), "condition": Code(condition)})
    return {"routes": routes}


def data_quality(view) -> dict:
    """Expectations: SDP ON VIOLATION on Databricks; elsewhere filters, a fail check and observed counters."""
    config = view.config
    expectations = []
    for e in config.expectations:
        expectations.append({
            "name": e.name, "action": e.action, "condition": expr(e.condition),
            "decorator": Code({"warn": "dp.expect", "drop": "dp.expect_or_drop", "fail": "dp.expect_or_fail"}[e.action]),
            "passes": Code(_true(e.condition)),
            "counter": Code(f"count_if(NOT {_true(e.condition)}) AS {ident(e.name)}"),
            "fail_check": Code(f"CASE WHEN {_true(e.condition)} THEN true ELSE raise_error("
                               f"{sql('expectation ' + e.name + ' failed: ' + e.condition)}) END"),
        })
    drops = [x for x in expectations if x["action"] == "drop"]
    native = view.target != "sss" and not view.local
    if view.local and view.target != "sss":
        view.warn("Local profile: open-source SDP has no expectations: drop becomes a filter, fail a raise_error "
                  "check, and warn-only expectations are not counted", "expectations")
    quarantine = None
    if config.quarantine_table and drops:
        warn_local_write(view, config.quarantine_table, "quarantine_table", "the quarantine table", "_quarantine")
        quarantine = {
            "table": config.quarantine_table if not view.local else f"{view.name}_quarantine",
            "name": Code(f"{view.name}_quarantine"),
            "where": Code(" OR ".join(f"NOT {x['passes']}" for x in drops)),
            "checkpoint": Code(f"checkpoint_root + {py('/' + view.name + '_quarantine')}"),
            "local_path": Code(f"{local_sink(view)['local_path']} + '_quarantine'"),
        }
    return {
        "native": native,
        "expectations": expectations,
        "keep": Code(" AND ".join([x["passes"] for x in drops] + [x["fail_check"] for x in expectations
                                                                    if x["action"] == "fail"]) or "true"),
        "counters": [x["counter"] for x in expectations],
        "observation": Code(f"quality_{view.name}"),
        "quarantine": quarantine,
    }


CONTEXTS = {"split_router": split_router, "data_quality": data_quality}
