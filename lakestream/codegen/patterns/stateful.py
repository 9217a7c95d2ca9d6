"""Context of the pattern nodes that run on the shared runtime: flag columns before the groupBy, then
row-based transformWithState with the runtime's PatternProcessor (timers fire absences, timeouts, closes).

A config whose node gives a native form (a tumbling count threshold, a session without a maximum
duration) generates Spark's own operator instead (`window` / `session_window` + count): the engine
follows its rules exactly, the scenarios
and property tests run against this native form (docs/patterns.md, "Native Spark operators")."""

from __future__ import annotations

from lakestream.cep.bindings import bind
from lakestream.cep.runtime.params import as_json
from lakestream.sparksql.escape import Code, ident, py, sql
from lakestream.codegen.nodes._common import aliased, interval, query
from lakestream.codegen.patterns._runtime import PACKAGE, ship
from lakestream.nodes import REGISTRY, node_types
from lakestream.nodes.base import Category


def side(view, port: str, sql_fields: tuple[str, ...], keys: tuple[str, ...], payload=(), star=False) -> dict:
    """The event columns one input contributes, in the order the processor reads them by position:
    `payload` columns (deduplication's packed row) or, with `star`, every input column; the key columns
    (or one constant global key; with `star` they are among the input columns), the event time, the
    event time in microseconds, then the fields."""
    time = ident(view.config.event_time_column)
    columns = list(payload)
    if not star:
        columns += [(ident(k), k) for k in keys]
    if not keys:
        columns.append((Code("''"), "_ls_key"))  # one global key
    columns += [
        (time, "_ls_time"),
        (Code(f"unix_micros(CAST({time} AS TIMESTAMP))"), "_ls_ts"),
    ]
    columns += [(view.expr(text), f"_ls_f{i}") for i, text in enumerate(sql_fields)]
    return {
        "ref": view.inputs[port][0].ref,
        "columns": [(py(str(sql_text)), py(alias)) for sql_text, alias in columns],
        "projection": aliased(columns),  # the same columns for SQL (SDP's native forms)
        "star": star,
    }


def key_text(keys: tuple[str, ...], qualifier: str = "") -> str:
    """Spark SQL for the key part of match_id, as the runtime's key_string: values '|'-joined, NULL as ''."""
    if not keys:
        return "''"
    return "concat_ws('|', " + ", ".join(f"coalesce(CAST({qualifier}{ident(k)} AS STRING), '')" for k in keys) + ")"


def _native(view, binding) -> dict | None:
    """The native Spark form the node's `native` facet gives this config (a grouped window count), else None.

    The same aggregation in PySpark (SSS) and in SQL (SDP: the events view grouped with a WATERMARK clause)."""
    form = REGISTRY[view.type].pattern.native(view.config)
    if form is None:
        return None
    window, length, having = form.window, form.length_us, None
    if form.count_matching:
        # count_if, not a filter: Spark would push a filter below the watermark, which must see every event
        count, count_sql = 'agg(F.count_if("_ls_f0").alias("count"))', "count_if(_ls_f0) AS `count`"
    else:
        count, count_sql = "count()", "count(*) AS `count`"
    if form.threshold is not None:
        having = f"count >= {int(form.threshold)}"
    ends = list(form.ends)
    keys = binding.key_columns
    match_id = f"concat({key_text(keys)}, '#', CAST(unix_micros({window}.start) AS STRING))"
    output = [(ident(k), k) for k in keys] + [(match_id, "match_id")] + ends
    key_sql = [str(ident(k)) for k in keys]
    events = Code(f"{view.name}_events")
    span = sql(f"{length} microseconds")
    return {
        "group": Code(f'F.{window}("_ls_time", "{length} microseconds")'),
        "count": Code(count),
        "having": py(having) if having else None,
        "output": [(py(str(text)), py(alias)) for text, alias in output],
        "events": events,
        "query": query([  # SDP: the same aggregation in SQL, over the events view
            Code(f"SELECT {aliased(output)['select']}"),
            Code("FROM ("),
            Code(f"  SELECT {', '.join(key_sql + [window, count_sql])}"),
            Code(f"  FROM STREAM({ident(events)}) WATERMARK _ls_time DELAY OF {interval(view.config.watermark_delay)}"),
            Code("  WHERE _ls_time IS NOT NULL"),
            Code(f"  GROUP BY {', '.join(key_sql + [f'{window}(_ls_time, {span})'])}"),
            Code(")"),
            *([Code(f"WHERE {having}")] if having else []),
        ]),
    }


def context(view) -> dict:
    binding = bind(view.type, view.config)
    keys = binding.key_columns
    native = _native(view, binding)
    if native is not None:
        return {"native": native, "side": side(view, "in", binding.fields["in"], keys),
                "delay": py(view.config.watermark_delay), "group_by": [py(k) for k in keys]}
    ship(view)
    view.need(f"from {PACKAGE}.spark_processor import PatternProcessor, ensure_runtime")
    columns = [c.name for c in view.schema_out]
    timestamps = [c.name for c in view.schema_out if c.type.startswith("timestamp")]
    field_count = max((len(f) for f in binding.fields.values()), default=0)
    processor = (
        f"PatternProcessor({py(view.type)}, {py(as_json(binding.params))}, {py(columns)}, timestamps={py(timestamps)}, "
        f"fields={py(field_count)}, keys={py(len(keys))})"
    )
    return processor_context(view, [side(view, port, fields, keys) for port, fields in binding.fields.items()],
                             keys, Code(processor), view.schema_ddl(view.schema_out))


def processor_context(view, sides: list[dict], keys, processor: Code, output_ddl: str, unpack=None) -> dict:
    """The context of `_pattern.py.j2`'s transformWithState form."""
    return {
        "native": None,
        "sides": sides,
        "delay": py(view.config.watermark_delay),
        "group_by": [py(k) for k in keys] or [py("_ls_key")],
        "processor": processor,
        "output_ddl": py(output_ddl),
        "unpack": unpack,
    }


CONTEXTS = {spec.type: context for spec in node_types(Category.PATTERN) if spec.pattern.codegen == "runtime"}
