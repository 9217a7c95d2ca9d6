"""Deduplication context: Spark's dropDuplicatesWithinWatermark when `within` equals the watermark delay,
else a transformWithState processor with the same rule (runtime/dedup.py; docs/patterns.md, "Deduplication")."""

from __future__ import annotations

from lakestream.cep.bindings import bind
from lakestream.cep.runtime.params import as_json
from lakestream.sparksql.escape import Code, ident, py
from lakestream.codegen.patterns._runtime import PACKAGE, ship
from lakestream.codegen.patterns.stateful import processor_context, side
from lakestream.nodes.patterns.deduplication import native
from lakestream.sparksql.types import INTEGRAL, TIMESTAMPS

# The processor passes whole rows through Python. When every column is of a type JSON carries exactly,
# the row travels as one JSON string (Spark converts it, Python only passes it on): each Python cell
# costs ~1-4 us per row, so 8 payload columns cost more than the work the processor does on a row.
# FAILFAST: a row that does not parse back fails the query instead of coming out NULL.
_PACKED_TYPES = {"string", "boolean", "double", "date", "binary", *INTEGRAL, *TIMESTAMPS}  # not float (see _packable)
_JSON_OPTIONS = {"timestampFormat": "yyyy-MM-dd HH:mm:ss.SSSSSSXXX", "timestampNTZFormat": "yyyy-MM-dd HH:mm:ss.SSSSSS"}
_PACKED = "_ls_row"


def _packable(schema) -> bool:
    """Whether JSON carries every column exactly (float: read back through a double; nested types: no)."""
    return all(c.type in _PACKED_TYPES or c.type.startswith("decimal(") for c in schema)


def _json_options() -> str:
    return "map(" + ", ".join(f"'{k}', '{v}'" for k, v in _JSON_OPTIONS.items()) + ")"


def context(view) -> dict:
    config = view.config
    time = ident(config.event_time_column)
    if native(config):
        return {"dedup": {
            "ref": view.inputs["in"][0].ref,
            "time": py(f"CAST({time} AS TIMESTAMP)"),
            "delay": py(config.watermark_delay),
            "identity": [py(c) for c in [*config.key_columns, *config.columns]],
        }}
    binding = bind(view.type, config)
    ship(view)
    view.need(f"from {PACKAGE}.spark_processor import DedupProcessor, ensure_runtime")
    schema = view.schema_out
    keys, fields = binding.key_columns, binding.fields["in"]
    if _packable(schema):
        payload = ", ".join(str(ident(c.name)) for c in schema)
        packed = (Code(f"to_json(struct({payload}), {_json_options()})"), _PACKED)
        sides = [side(view, "in", fields, keys, payload=[packed])]
        columns, output_ddl = [_PACKED], f"{_PACKED} string"
        unpack = {"column": py(_PACKED), "fields": py(f"{_PACKED}.*"), "ddl": py(view.schema_ddl(schema)),
                  "options": py({**_JSON_OPTIONS, "mode": "FAILFAST"})}
    else:
        sides = [side(view, "in", fields, keys, star=True)]
        columns, output_ddl, unpack = [c.name for c in schema], view.schema_ddl(schema), None
    processor = Code(f"DedupProcessor({py(as_json(binding.params))}, {py(columns)}, fields={py(len(fields))})")
    return {"dedup": None, **processor_context(view, sides, keys, processor, output_ddl, unpack)}


CONTEXTS = {"deduplication": context}
