"""Contexts of the table and Kafka sinks: Unity Catalog, feature table, dead-letter queue, Kafka."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, expr, ident
from lakestream.codegen.nodes._changes import changes_context
from lakestream.codegen.nodes._common import checkpoint, local_sink, warn_local_write
from lakestream.codegen.nodes.kafka_source import security_options, security_secrets


def _write(view, table: str | None, mode: str = "append") -> dict:
    """What every sink write needs: query name, checkpoint, table (local: node name), local folder, mode."""
    sdp = view.target != "sss"
    return {"table": view.name if (view.local and sdp) or table is None else table, "output_mode": mode,
            "checkpoint": checkpoint(view), **local_sink(view)}


def unity_catalog_table_sink(view) -> dict:
    write = _write(view, view.config.table)
    if view.changes is None:  # applying changes says where locally itself (nodes/_changes.py)
        warn_local_write(view, view.config.table, what="the Unity Catalog table")
    return {**write, "complete": view.config.mode == "complete", **changes_context(view, write["table"])}


def dead_letter_queue(view) -> dict:
    config = view.config
    names = [c.name for c in view.input.schema]
    items = [ident(n) for n in names if n not in ("_error", "_rejected_at")]
    if config.include_error:
        items.append(ident("_error") if "_error" in names else Code("CAST(NULL AS STRING) AS `_error`"))
        items.append(Code("current_timestamp() AS `_rejected_at`"))
    kafka = config.target == "kafka"
    if view.local:
        if kafka:
            view.warn("Local profile: rejected rows are written to a folder instead of Kafka", "bootstrap_servers")
        else:
            warn_local_write(view, config.table, what="the dead-letter table")
    if kafka:
        items = [Code("to_json(struct(" + ", ".join(items) + ")) AS value")]
    return {**_write(view, config.table), "kafka": kafka, "items": items,
            "options": [("kafka.bootstrap.servers", config.bootstrap_servers), ("topic", config.topic)] if kafka
            else [], "secrets": []}


def kafka_sink(view) -> dict:
    config = view.config
    value = "to_json(struct(*))" if config.value_format == "json" else "to_avro(struct(*))"
    items = [Code(f"CAST({expr(config.key_expr)} AS STRING) AS key")] if config.key_expr else []
    items.append(Code(f"{value} AS value"))
    options = [("kafka.bootstrap.servers", config.bootstrap_servers), ("topic", config.topic),
               *security_options(config)]
    secrets = security_secrets(view, python=True)
    if view.local:
        view.warn("Local profile: rows are written to a folder instead of Kafka", "bootstrap_servers")
    return {**_write(view, None), "kafka": True, "items": items, "options": options, "secrets": secrets}


def feature_store_sink(view) -> dict:
    config = view.config
    merge = config.mode == "merge"
    if view.local and merge:
        view.warn("Local profile: a parquet folder cannot merge; rows are appended", "mode")
    return {**_write(view, config.table), "merge": merge, "primary_keys": list(config.primary_keys),
            "timestamp_key": config.timestamp_key, "writer": Code(f"write_{view.name}")}


CONTEXTS = {
    "unity_catalog_table_sink": unity_catalog_table_sink,
    "dead_letter_queue": dead_letter_queue,
    "kafka_sink": kafka_sink,
    "feature_store_sink": feature_store_sink,
}
