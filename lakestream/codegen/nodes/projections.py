"""Contexts of the row-wise transforms expressed as projections: map/select, rename/cast, flatten/explode, watermark."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, expr, ident, spark_type
from lakestream.codegen.nodes._common import interval, projection


def map_select(view) -> dict:
    config = view.config
    computed = {p.name: Code(f"{expr(p.expr)} AS {ident(p.name)}") for p in config.columns}
    if config.keep_existing:
        items = [computed.get(c.name, ident(c.name)) for c in view.schema_out]
    else:
        items = list(computed.values())
    return projection(items)


def rename_cast(view) -> dict:
    mappings = {m.column: m for m in view.config.mappings}
    items = []
    for column in view.input.schema:
        mapping = mappings.get(column.name)
        value = ident(column.name)
        if mapping is None:
            items.append(value)
            continue
        if mapping.cast_to:
            value = Code(f"CAST({value} AS {spark_type(mapping.cast_to)})")
        items.append(Code(f"{value} AS {ident(mapping.rename_to or column.name)}"))
    return projection(items)


def flatten_explode(view) -> dict:
    """Explode (or flatten) one column in place; a second stage spreads struct fields or map entries."""
    config = view.config
    target = config.alias or config.column
    source_type = next(c.type for c in view.input.schema if c.name == config.column)
    is_array = source_type.lower().startswith("array<")
    is_map = source_type.lower().startswith("map<")
    function = "explode_outer" if config.outer else "explode"
    first, second = [], []
    produced = [c.name for c in view.schema_out if c.name not in {x.name for x in view.input.schema} or
                c.name == target]
    for column in view.input.schema:
        if column.name != config.column:
            first.append(ident(column.name))
            second.append(ident(column.name))
            continue
        if is_map:
            first.append(Code(f"{function}({ident(column.name)}) AS ({ident(target + '_key')}, "
                              f"{ident(target + '_value')})"))
            second += [ident(target + "_key"), ident(target + "_value")]
        elif is_array:
            first.append(Code(f"{function}({ident(column.name)}) AS {ident(target)}"))
            if config.flatten_struct and produced != [target]:
                second += [Code(f"{ident(target)}.{ident(name)}") for name in produced]
            else:
                second.append(ident(target))
        else:  # a struct, flattened in place
            first.append(Code(f"{ident(column.name)} AS {ident(target)}"))
            second += [Code(f"{ident(target)}.{ident(name)}") for name in produced]
    stages = [projection(first)]
    if second != first:
        stages.append(projection(second))
    return {"stages": stages}


def watermark(view) -> dict:
    return {"column": view.config.event_time_column, "delay": view.config.delay,
            "interval": interval(view.config.delay), "stream_sql": Code(f"STREAM({ident(view.input.name)})")}


CONTEXTS = {
    "map_select": map_select,
    "rename_cast": rename_cast,
    "flatten_explode": flatten_explode,
    "watermark": watermark,
}
