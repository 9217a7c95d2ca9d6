"""Window aggregate context: watermark, window or session window, group columns and aggregate expressions."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, ident
from lakestream.codegen.nodes._common import interval

# Streaming refuses DISTINCT aggregates; size(collect_set(...)) gives the same exact count.
_FUNCTIONS = {
    "count": "count({})", "count_distinct": "size(collect_set({}))", "approx_count_distinct":
    "approx_count_distinct({})", "sum": "sum({})", "avg": "avg({})", "min": "min({})", "max": "max({})",
    "first": "first({})", "last": "last({})", "stddev": "stddev_pop({})", "variance": "var_pop({})",
    "collect_list": "collect_list({})", "collect_set": "collect_set({})",
}


def aggregate(function: str, column: str | None, alias: str) -> Code:
    argument = ident(column) if column else "*"
    return Code(f"{_FUNCTIONS[function].format(argument)} AS {ident(alias)}")


def context(view) -> dict:
    config = view.config
    time = config.event_time_column
    if config.window_type == "session":
        window_py = Code(f"F.session_window({ident(time)!r}, {config.duration!r})")
        window_sql = Code(f"session_window({ident(time)}, '{config.duration}')")
    else:
        slide = config.slide if config.window_type == "sliding" else None
        extra = f", {slide!r}" if slide else ""
        window_py = Code(f"F.window({ident(time)!r}, {config.duration!r}{extra})")
        window_sql = Code(f"window({ident(time)}, '{config.duration}'" + (f", '{slide}'" if slide else "") + ")")
    groups = [ident(g) for g in config.group_by]
    aggregates = [aggregate(a.function, a.column, a.alias) for a in config.aggregations]
    outputs = [Code("window.start AS window_start"), Code("window.end AS window_end")] + groups + \
        [ident(a.alias) for a in config.aggregations]
    return {
        "time": time,
        "delay": config.watermark_delay,
        "interval": interval(config.watermark_delay),
        "window_py": window_py,
        "window_sql": window_sql,
        "groups": groups,
        "aggregates": aggregates,
        "outputs": outputs,
        "group_sql": Code(", ".join([window_sql] + groups)),
        "select_sql": Code(", ".join(outputs[:2] + groups + aggregates)),
        # SDP Python refuses withWatermark on a dataset of the same pipeline: it runs this node as SQL.
        "stream_sql": Code(f"STREAM({ident(view.input.name)})"),
    }


CONTEXTS = {"window_aggregate": context}
