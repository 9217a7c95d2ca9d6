"""Context of the pattern nodes that run on the shared runtime: flag columns before the groupBy, then
row-based transformWithState with the runtime's PatternProcessor (timers fire absences, timeouts, closes).

Tumbling count thresholds and sessions without a maximum duration generate Spark's own operators
instead (`window` / `session_window` + count): the engine follows their rules exactly, the scenarios
and property tests run against this native form (docs/patterns.md, "Native Spark operators")."""

from __future__ import annotations

from lakestream.cep.bindings import bind
from lakestream.codegen.escape import Code, ident, py, sql
from lakestream.codegen.nodes._common import aliased, interval, query
from lakestream.codegen.patterns._runtime import PACKAGE, ship

# Deduplication passes whole rows through Python. When every column is of a type JSON carries exactly,
# the row travels as one JSON string (Spark converts it, Python only passes it on): each Python cell
# costs ~1-4 us per row, so 8 payload columns cost more than the work the processor does on a row.
# FAILFAST: a row that does not parse back fails the query instead of coming out NULL.
_PACKED_TYPES = {"string", "boolean", "tinyint", "smallint", "int", "bigint", "byte", "short", "integer", "long",
                 "double", "date", "timestamp", "timestamp_ntz", "binary"}
_JSON_OPTIONS = {"timestampFormat": "yyyy-MM-dd HH:mm:ss.SSSSSSXXX", "timestampNTZFormat": "yyyy-MM-dd HH:mm:ss.SSSSSS"}
_PACKED = "_ls_row"


def _packable(schema) -> bool:
    """Whether JSON carries every column exactly (float: read back through a double; nested types: no)."""
    return all(c.type in _PACKED_TYPES or c.type.startswith("decimal(") for c in schema)


def _json_options() -> str:
    return "map(" + ", ".join(f"'{k}', '{v}'" for k, v in _JSON_OPTIONS.items()) + ")"


def _side(view, port: str, sql_fields: tuple[str, ...], keys: tuple[str, ...], mode: str) -> dict:
    """The event columns one input contributes, in the order the processor reads them by position:
    the payload (mode "star": every input column; "packed": them as one JSON string), the key columns
    (or one constant global key), the event time, the event time in microseconds, then the fields."""
    time = ident(view.config.event_time_column)
    columns = []
    if mode == "packed":
        payload = ", ".join(str(ident(c.name)) for c in view.schema_out)  # the input columns
        columns.append((Code(f"to_json(struct({payload}), {_json_options()})"), _PACKED))
    if mode != "star":
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
        "star": mode == "star",
    }


def key_text(keys: tuple[str, ...], qualifier: str = "") -> str:
    """Spark SQL for the key part of match_id, as the runtime's key_string: values '|'-joined, NULL as ''."""
    if not keys:
        return "''"
    return "concat_ws('|', " + ", ".join(f"coalesce(CAST({qualifier}{ident(k)} AS STRING), '')" for k in keys) + ")"


def _native(view, binding) -> dict | None:
    """The native Spark form of a tumbling count threshold or a session without max_duration, else None.

    The same aggregation in PySpark (SSS) and in SQL (SDP: the events view grouped with a WATERMARK clause)."""
    params = binding.params
    if view.type == "count_threshold" and params["mode"] == "tumbling":
        # count_if, not a filter: Spark would push a filter below the watermark, which must see every event
        window, count, count_sql = "window", 'agg(F.count_if("_ls_f0").alias("count"))', "count_if(_ls_f0) AS `count`"
        having = f"count >= {int(params['threshold'])}"
        length = int(params["window"])
        ends = [("window.start", "window_start"), ("window.end", "window_end"), ("count", "count")]
    elif view.type == "session_detector" and params["max_duration"] is None:
        window, count, count_sql, having = "session_window", "count()", "count(*) AS `count`", None
        length = int(params["gap"])
        last = f"timestamp_micros(unix_micros(session_window.end) - {int(params['gap'])})"  # end = last + gap
        ends = [("session_window.start", "session_start"), (last, "session_end"), ("count", "event_count")]
    else:
        return None
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
    native = _native(view, binding)
    if native is not None:
        side = _side(view, "in", binding.fields["in"], binding.key_columns, "columns")
        return {"native": native, "side": side, "delay": py(view.config.watermark_delay),
                "group_by": [py(k) for k in binding.key_columns]}
    ship(view)
    view.need(f"from {PACKAGE}.spark_processor import PatternProcessor, ensure_runtime")
    passthrough = binding.passthrough
    schema_out = view.schema_out
    mode = ("packed" if _packable(schema_out) else "star") if passthrough else "columns"
    columns = [_PACKED] if mode == "packed" else [c.name for c in schema_out]
    timestamps = [] if passthrough else [c.name for c in schema_out if c.type.startswith("timestamp")]
    keys = binding.key_columns
    sides = [_side(view, port, fields, keys, mode) for port, fields in binding.fields.items()]
    field_count = max((len(f) for f in binding.fields.values()), default=0)
    processor = (
        f"PatternProcessor({py(view.type)}, {py(binding.params)}, {py(columns)}, timestamps={py(timestamps)}, "
        f"fields={py(field_count)}, keys={py(len(keys))}, passthrough={py(passthrough)})"
    )
    unpack = None
    if mode == "packed":
        unpack = {"column": py(_PACKED), "fields": py(f"{_PACKED}.*"), "ddl": py(view.schema_ddl(schema_out)),
                  "options": py({**_JSON_OPTIONS, "mode": "FAILFAST"})}
    return {
        "native": None,
        "sides": sides,
        "delay": py(view.config.watermark_delay),
        "group_by": [py(k) for k in keys] or [py("_ls_key")],
        "processor": Code(processor),
        "output_ddl": py(f"{_PACKED} string" if mode == "packed" else view.schema_ddl(schema_out)),
        "unpack": unpack,
    }


CONTEXTS = {
    type_id: context
    for type_id in (
        "sequence_detector", "absence_detector", "count_threshold", "velocity_detector", "geofence",
        "trend_detector", "outlier_detector", "session_detector", "deduplication",
        "state_machine", "heartbeat_monitor",
    )
}
