"""Delta table sink context: append, or apply changes (a CDC stream's, or merge mode); locally parquet folders."""

from __future__ import annotations

from lakestream.codegen.nodes._changes import changes_context
from lakestream.codegen.nodes._common import checkpoint, local_sink, warn_local_write


def context(view) -> dict:
    config = view.config
    sdp = view.target != "sss"
    if config.checkpoint and sdp:
        view.warn("SDP manages checkpoints itself: the checkpoint setting is not used", "checkpoint")
    if config.cluster_by and view.local:
        view.warn("Local profile: parquet has no clustering; cluster_by is not used", "cluster_by")
    if view.changes is None:  # applying changes says where locally itself (nodes/_changes.py)
        warn_local_write(view, config.table, what="the Delta table")
    table = view.name if (view.local and sdp) else config.table
    cluster_by = [] if view.local else list(config.cluster_by)
    return {
        "table": table,
        "partition_by": list(config.partition_by),
        "cluster_by": cluster_by,
        "checkpoint": checkpoint(view, config.checkpoint),
        **local_sink(view),
        **changes_context(view, table, config.partition_by, cluster_by),
    }


CONTEXTS = {"delta_table_sink": context}
