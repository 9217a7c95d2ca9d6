"""Context of the pattern nodes that run on the shared runtime: flag columns before the groupBy, then
row-based transformWithState with the runtime's PatternProcessor (timers fire absences, timeouts, closes)."""

from __future__ import annotations

from lakestream.cep.bindings import bind
from lakestream.codegen.escape import Code, ident, py
from lakestream.codegen.patterns._runtime import PACKAGE, ship


def _side(view, port: str, sql_fields: tuple[str, ...], keys: tuple[str, ...], passthrough: bool) -> dict:
    """The event columns one input contributes, in the order the processor reads them by position:
    (deduplication: every input column), the key columns (or one constant global key), the event
    time, the event time in microseconds, then the fields."""
    time = ident(view.config.event_time_column)
    columns = [] if passthrough else [(ident(k), py(k)) for k in keys]
    if not keys:
        columns.append((Code("''"), py("_ls_key")))  # one global key
    columns += [
        (time, py("_ls_time")),
        (Code(f"unix_micros(CAST({time} AS TIMESTAMP))"), py("_ls_ts")),
    ]
    fields = [(view.expr(text), py(f"_ls_f{i}")) for i, text in enumerate(sql_fields)]
    return {
        "ref": view.inputs[port][0].ref,
        "columns": [(py(str(sql_text)), alias) for sql_text, alias in columns + fields],
        "star": passthrough,
    }


def context(view) -> dict:
    binding = bind(view.type, view.config)
    ship(view)
    view.need(f"from {PACKAGE}.spark_processor import PatternProcessor, ensure_runtime")
    passthrough = binding.passthrough
    columns = [c.name for c in view.schema_out]
    timestamps = [] if passthrough else [c.name for c in view.schema_out if c.type.startswith("timestamp")]
    keys = binding.key_columns
    sides = [_side(view, port, fields, keys, passthrough) for port, fields in binding.fields.items()]
    field_count = max((len(f) for f in binding.fields.values()), default=0)
    processor = (
        f"PatternProcessor({py(view.type)}, {py(binding.params)}, {py(columns)}, timestamps={py(timestamps)}, "
        f"fields={py(field_count)}, keys={py(len(keys))}, passthrough={py(passthrough)})"
    )
    return {
        "sides": sides,
        "delay": py(view.config.watermark_delay),
        "group_by": [py(k) for k in keys] or [py("_ls_key")],
        "processor": Code(processor),
        "output_ddl": py(view.schema_ddl(view.schema_out)),
    }


CONTEXTS = {
    type_id: context
    for type_id in (
        "sequence_detector", "absence_detector", "count_threshold", "velocity_detector", "geofence",
        "temporal_correlation", "trend_detector", "outlier_detector", "session_detector", "deduplication",
        "state_machine", "heartbeat_monitor",
    )
}
