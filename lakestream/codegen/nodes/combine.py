"""Contexts of the transforms that combine streams: union, stream-stream join, stream-static join, lookup."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, expr, ident, spark_type
from lakestream.codegen.nodes._common import interval, local_source, select_list
from lakestream.nodes.fields import declared_schema


def union_merge(view) -> dict:
    """Each input projected onto the output columns (by name or by position), then unioned."""
    config = view.config
    branches = []
    for upstream in view.inputs["in"]:
        have = [c.name for c in upstream.schema]
        items = []
        for index, column in enumerate(view.schema_out):
            type_ = spark_type(column.type)  # the declared types of the sources, re-rendered from their tree
            if config.by_name:
                source = ident(column.name) if column.name in have else Code(f"CAST(NULL AS {type_})")
            else:
                source = ident(have[index])
            items.append(Code(f"CAST({source} AS {type_}) AS {ident(column.name)}"))
        branches.append({"ref": upstream.ref, "items": items, "select": select_list(items)})
    if config.distinct:
        view.warn("distinct on an unbounded stream keeps every row seen in state; add a watermark upstream",
                  "distinct")
    return {"branches": branches, "distinct": config.distinct}


def stream_stream_join(view) -> dict:
    config = view.config
    bound = config.time_bound
    left, right = view.inputs["left"][0], view.inputs["right"][0]
    taken = {c.name for c in left.schema}
    conditions = [f"l.{ident(a)} = r.{ident(b)}" for a, b in zip(config.left_keys, config.right_keys)]
    lt, rt = f"l.{ident(bound.left_time_column)}", f"r.{ident(bound.right_time_column)}"
    lower = f"{lt} - {interval(bound.before)}" if bound.before else lt
    conditions += [f"{rt} >= {lower}", f"{rt} <= {lt} + {interval(bound.after)}"]
    items = [Code(f"l.{ident(c.name)}") for c in left.schema]
    items += [Code(f"r.{ident(c.name)} AS {ident('right_' + c.name if c.name in taken else c.name)}")
              for c in right.schema]
    how = {"inner": "inner", "left": "left_outer", "right": "right_outer", "full": "full_outer"}[config.join_type]
    return {
        "left": left, "right": right,
        "left_time": bound.left_time_column, "right_time": bound.right_time_column,
        "left_delay": config.left_watermark, "right_delay": config.right_watermark,
        "left_interval": interval(config.left_watermark) if config.left_watermark else None,
        "right_interval": interval(config.right_watermark) if config.right_watermark else None,
        "on": Code(" AND ".join(conditions)), "how": how,
        "join_sql": Code(config.join_type.upper() if config.join_type == "inner" else f"{config.join_type.upper()} OUTER"),
        "items": items, "select": select_list(items),
        "left_sql": Code(f"STREAM({ident(left.name)})"), "right_sql": Code(f"STREAM({ident(right.name)})"),
    }


def _static_table(view, columns) -> dict:
    """The reference table: a Unity Catalog table, or locally a JSON-lines folder INPUT_ROOT/<node id>."""
    if view.local:
        view.warn("Local profile: the reference table is read from JSON lines in this node's events folder",
                  "table")
    local = local_source(view, schema=tuple(columns))
    folder = f"{view.paths.input_root}/{view.id}"
    return {"table": view.config.table, "local_table_sql": Code(f"json.{ident(folder)}"), **local}


def lookup_enrichment(view) -> dict:
    config = view.config
    keys = list(config.keys)
    declared = [c for c in _declared(config) if not config.columns or c.name in keys + list(config.columns)]
    stream_cols = [c.name for c in view.input.schema]
    extra = list(config.columns) or [c.name for c in declared if c.name not in keys]
    items = [Code(f"s.{ident(c)}") for c in stream_cols]
    items += [Code(f"t.{ident(c)}") for c in extra if c not in stream_cols]
    return {**_static_table(view, declared), "how": config.join_type,
            "on": Code(" AND ".join(f"s.{ident(k)} = t.{ident(k)}" for k in keys)),
            "join_sql": Code("LEFT OUTER" if config.join_type == "left" else "INNER"),
            "items": items, "select": select_list(items)}


def stream_static_join(view) -> dict:
    config = view.config
    declared = list(_declared(config))
    out = _static_table(view, declared)
    if config.condition:
        on = expr(config.condition)
    else:
        on = Code(" AND ".join(f"s.{ident(k)} = t.{ident(k)}" for k in config.keys))
    stream_cols = {c.name for c in view.input.schema}
    items = [Code(f"s.{ident(c.name)}") for c in view.input.schema]
    items += [Code(f"t.{ident(c.name)}") for c in declared if c.name not in stream_cols]
    return {**out, "how": config.join_type, "on": on,
            "join_sql": Code("LEFT OUTER" if config.join_type == "left" else "INNER"),
            "items": items, "select": select_list(items)}


def _declared(config):
    return declared_schema(config.table_columns)


CONTEXTS = {
    "union_merge": union_merge,
    "stream_stream_join": stream_stream_join,
    "lookup_enrichment": lookup_enrichment,
    "stream_static_join": stream_static_join,
}
