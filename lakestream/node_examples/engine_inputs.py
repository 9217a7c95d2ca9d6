"""Example input rows of the nodes the pattern engine runs; their output rows are computed, never written."""

# Each entry is a list of (input port, rows); a port listed twice gets two edges (a union's inputs). The
# rows fit the node's catalogue example config, in event-time order, and the last rows move the watermark
# far enough for timers (timeouts, session gaps, heartbeats) to fire, as a later micro-batch would in Spark.

from __future__ import annotations

from lakestream.node_examples.rows import Rows, at, rows
from lakestream.nodes import node_types
from lakestream.nodes.base import Category

PAYMENTS = "card_id:string amount:double ts:timestamp"


def _pattern_inputs() -> dict[str, list[tuple[str, Rows]]]:
    """The patterns' example rows, from each pattern node's own `example_rows` facet."""
    return {spec.type: [(port, rows(columns, *values)) for port, columns, values in spec.pattern.example_rows]
            for spec in node_types(Category.PATTERN) if spec.pattern.example_rows}


ENGINE_INPUTS: dict[str, list[tuple[str, Rows]]] = _pattern_inputs() | {
    "filter": [("in", rows(
        "card_id:string amount:double country:string",
        ("c1", 1500.0, "DE"), ("c2", 2000.0, "US"), ("c3", 50.0, "FR"), ("c4", 1200.0, None)))],
    "map_select": [("in", rows(
        "card_id:string amount:double fx_rate:double country:string ts:timestamp",
        ("c1", 100.0, 0.92, "de", at("10:00")), ("c2", 12.5, 1.0, "fr", at("10:01"))))],
    "rename_cast": [("in", rows(
        "evt_ts:string amt:string qty:string",
        ("2024-05-01T10:00:00", "19.999", "3"), ("2024-05-01T10:01:30", "5", "x")))],
    "split_router": [("in", rows(
        "severity:string amount:double",
        ("critical", 20.0), ("low", 15000.0), ("low", 30.0), ("critical", 12000.0)))],
    "union_merge": [
        ("in", rows("card_id:string amount:double", ("c1", 10.0), ("c2", 20.0))),
        ("in", rows("amount:double card_id:string", (30.0, "c3"),)),
    ],
    "watermark": [("in", rows(PAYMENTS, ("c1", 10.0, at("10:00")), ("c2", 20.0, at("10:01"))))],
}
