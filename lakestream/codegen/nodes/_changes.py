"""Table sinks that apply changes (a CDC stream's, or merge mode): AUTO CDC flows in SDP, a foreachBatch in SSS."""

from __future__ import annotations

from pathlib import Path

import lakestream.changes_runtime
from lakestream.sparksql.escape import Code, py
from lakestream.codegen.nodes._common import columns
from lakestream.codegen.shipping import RuntimePackage

RUNTIME = RuntimePackage("lakestream_changes", Path(lakestream.changes_runtime.__file__).parent)


def changes_context(view, table: str, partition_by=(), cluster_by=()) -> dict:
    """What the `_apply_changes` template of the view's target needs (SSS: ships the runtime). Empty when appending."""
    apply = view.changes
    if apply is None:
        return {"apply": False}
    if view.target == "sss":
        return {"apply": True, **_runtime(view, apply, table, partition_by, cluster_by)}
    if view.local:
        view.warn("Local profile: open-source spark-pipelines runs an AUTO CDC flow only into a table that "
                  "supports MERGE (Delta); its parquet tables refuse it (AUTOCDC_TARGET_DOES_NOT_SUPPORT_MERGE). "
                  "Run the sss target locally (lakestream run) to apply the changes", "table")
    flow = {"apply": True, "flow": f"{view.name}_changes", "sequence_by": apply.sequence_by,
            "scd_type": apply.scd_type, "drop": list(apply.drop)}
    if view.target == "sdp-sql":
        return {**flow, "keys_sql": columns(apply.keys), "drop_sql": columns(apply.drop),
                "delete_sql": view.expr(apply.delete_when) if apply.delete_when else None}
    return {**flow, "keys": list(apply.keys), "delete_when": apply.delete_when}


def _runtime(view, apply, table: str, partition_by, cluster_by) -> dict:
    """SSS: a foreachBatch applier built on the shipped `lakestream_changes` runtime."""
    RUNTIME.ship(view, "stores")
    view.need("from lakestream_changes.apply import Changes")
    changes = [("keys", py(list(apply.keys))), ("sequence_by", py(apply.sequence_by)),
               ("delete_when", py(apply.delete_when)), ("scd_type", py(apply.scd_type)), ("drop", py(list(apply.drop)))]
    if view.local:
        view.need("from lakestream_changes.stores import ParquetVersions")
        view.warn("Local profile: the changes are applied to parquet version folders "
                  f"OUTPUT_ROOT/{view.id}/v<batch>/table (the live one is named in OUTPUT_ROOT/{view.id}/_current)",
                  "table")
        if partition_by:
            view.warn("Local profile: the applied table is written without partitions", "partition_by")
        store, where = Code("ParquetVersions"), [Code(f"output_root + {py('/' + view.id)}")]
    else:
        view.need("from lakestream_changes.stores import DeltaTables")
        store, where = Code("DeltaTables"), [py(table), Code(f"partition_by={py(list(partition_by))}"),
                                             Code(f"cluster_by={py(list(cluster_by))}")]
    return {"store": store, "changes": [Code(f"{k}={v}") for k, v in changes], "where": where,
            "applier": Code(f"apply_{view.name}")}
