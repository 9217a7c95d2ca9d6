"""SQL warehouse sink context: a WarehouseWriter in foreachBatch, inserting through the Statement Execution API."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sinks import sink_context


def context(view) -> dict:
    config = view.config
    if view.local:
        view.warn(f"Local profile: inserts through SQL warehouse {config.warehouse_id} of the workspace that "
                  "DATABRICKS_HOST and DATABRICKS_TOKEN (or DATABRICKS_CONFIG_PROFILE) name, as on Databricks",
                  "warehouse_id")
    arguments = [
        ("warehouse_id", config.warehouse_id),
        ("table", config.table),
        ("name", _runtime.display_name(view, "SQL warehouse sink")),
    ]
    return sink_context(view, "warehouse_sink", "WarehouseWriter", arguments)


CONTEXTS = {"sql_warehouse_sink": context}
