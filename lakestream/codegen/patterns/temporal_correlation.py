"""Temporal correlation context: Spark's stream-stream interval join, which the engine follows exactly.

Each side keeps the events that can pair (condition true, no NULL key or correlation value), filtered
before its own watermark; an inner join on the key and correlation columns and the time range pairs
them (docs/patterns.md, "Temporal correlation" and "Native Spark operators"). The same join is
generated for SSS (withWatermark) and SDP (per-side views, SQL's WATERMARK clause)."""

from __future__ import annotations

from lakestream.cep.bindings import bind
from lakestream.sparksql.escape import Code, ident
from lakestream.codegen.nodes._common import aliased, interval, query
from lakestream.codegen.patterns.stateful import key_text


def _side(view, port: str, condition: str, keys: tuple[str, ...]) -> dict:
    """One input: its pairable events, with the key columns, the event time and its microseconds."""
    time = ident(view.config.event_time_column)
    pairable = [str(view.expr(condition)), f"{time} IS NOT NULL"] + [f"{ident(k)} IS NOT NULL" for k in keys]
    columns = [(ident(k), k) for k in keys] + [
        (f"CAST({time} AS TIMESTAMP)", "_ls_time"),
        (f"unix_micros(CAST({time} AS TIMESTAMP))", "_ls_ts"),
    ]
    return {
        "name": Code(f"{view.name}_{port}"),
        "ref": view.inputs[port][0].ref,
        "where": Code(" AND ".join(pairable)),
        "columns": [(Code(text), Code(alias)) for text, alias in columns],
        "projection": aliased(columns),
    }


def _on(keys: tuple[str, ...], gap_us: int, a_before_b: bool) -> Code:
    """The join condition: equal keys (NULL never equals) and b.ts within max_gap of a.ts."""
    equal = [f"a.{ident(k)} = b.{ident(k)}" for k in keys]
    gap = f"INTERVAL {gap_us} MICROSECONDS"
    low = "a._ls_time" if a_before_b else f"a._ls_time - {gap}"
    return Code(" AND ".join(equal + [f"b._ls_time >= {low}", f"b._ls_time <= a._ls_time + {gap}"]))


def context(view) -> dict:
    binding = bind(view.type, view.config)
    keys, params = binding.key_columns, binding.params
    match_id = f"concat({key_text(keys, 'a.')}, '#', CAST(a._ls_ts AS STRING), '-', CAST(b._ls_ts AS STRING))"
    output = [(f"a.{ident(k)}", k) for k in keys] + [
        (match_id, "match_id"),
        ("a._ls_time", "a_ts"),
        ("b._ls_time", "b_ts"),
        ("CAST(b._ls_ts - a._ls_ts AS DOUBLE) / 1E6", "gap_seconds"),
    ]
    sides = [_side(view, port, fields[1], keys) for port, fields in binding.fields.items()]
    delay = interval(view.config.watermark_delay)
    on = _on(keys, params.max_gap, params.order == "a_before_b")
    return {
        "sides": sides,
        "delay": view.config.watermark_delay,
        "on": on,
        "output": [(Code(text), Code(alias)) for text, alias in output],
        "query": query([  # SDP: the same join in SQL, a WATERMARK clause on each side
            Code(f"SELECT {aliased(output)['select']}"),
            Code(f"FROM STREAM({ident(sides[0]['name'])}) WATERMARK _ls_time DELAY OF {delay} AS a"),
            Code(f"INNER JOIN STREAM({ident(sides[1]['name'])}) WATERMARK _ls_time DELAY OF {delay} AS b"),
            Code(f"ON {on}"),
        ]),
    }


CONTEXTS = {"temporal_correlation": context}
