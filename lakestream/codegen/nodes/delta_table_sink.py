"""Delta table sink context: append or merge into a table; locally a parquet folder."""

from __future__ import annotations

from lakestream.codegen.escape import Code, ident
from lakestream.codegen.nodes._common import checkpoint, local_sink


def context(view) -> dict:
    config = view.config
    sdp = view.target != "sss"
    merge = config.mode == "merge"
    if merge and (sdp or view.local):
        where = "SDP" if sdp else "the local profile (parquet has no MERGE)"
        view.warn(f"merge is not available in {where}: rows are appended", "mode")
    if config.checkpoint and sdp:
        view.warn("SDP manages checkpoints itself: the checkpoint setting is not used", "checkpoint")
    if config.cluster_by and view.local:
        view.warn("Local profile: parquet has no clustering; cluster_by is not used", "cluster_by")
    on = " AND ".join(f"t.{ident(k)} = s.{ident(k)}" for k in config.merge_keys)
    return {
        "table": view.name if (view.local and sdp) else config.table,
        "merge": merge and not sdp and not view.local,
        "merge_on": on,
        "merge_keys": list(config.merge_keys),
        "partition_by": list(config.partition_by),
        "cluster_by": [] if view.local else list(config.cluster_by),
        "checkpoint": checkpoint(view, config.checkpoint),
        "writer": Code(f"upsert_{view.name}"),
        **local_sink(view),
    }


CONTEXTS = {"delta_table_sink": context}
