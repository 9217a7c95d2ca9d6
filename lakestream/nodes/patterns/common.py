"""Fields and checks shared by the CEP pattern nodes (key, event time, watermark)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from lakestream.nodes.base import Column, Finding, Inputs, Schema
from lakestream.nodes.fields import ColumnName, Duration, Model

MATCH_ID = Column("match_id", "string")


class PatternConfig(Model):
    """Every pattern node partitions by key and orders by event time, with a watermark."""

    key_columns: tuple[ColumnName, ...] = Field(
        (), description="Columns that partition the events into independent keys (empty: one global key)"
    )
    event_time_column: ColumnName = Field(description="Timestamp column giving each event's time")
    watermark_delay: Duration = Field(
        description="How late an event may arrive; older events are dropped as late and counted"
    )


def key_schema(config: PatternConfig, inputs: Inputs, port: str = "in") -> Schema:
    """The key columns with their input types, then match_id: the head of every pattern's output."""
    types = {c.name: c.type for c in inputs.one(port)}
    return tuple(Column(k, types.get(k, "string")) for k in config.key_columns) + (MATCH_ID,)


def event_time_checks(config: PatternConfig, inputs: Inputs, port: str = "in") -> Iterator[Finding]:
    """The event-time column must be a timestamp in the input."""
    types = {c.name: c.type for c in inputs.one(port)}
    found = types.get(config.event_time_column)
    if found is not None and found not in ("timestamp", "timestamp_ntz"):
        yield Finding(
            "error",
            "pattern.event_time_type",
            f"Event time column {config.event_time_column!r} is {found}, not a timestamp",
            field="event_time_column",
            hint="Cast it with a Rename / cast node, or pick a timestamp column",
        )


NUMERIC_TYPES = ("tinyint", "smallint", "int", "integer", "bigint", "long", "short", "byte", "float", "double")


def numeric_checks(config: PatternConfig, inputs: Inputs, field: str, port: str = "in") -> Iterator[Finding]:
    """The column named by `field` must be numeric in the input (when the input schema is known)."""
    column = getattr(config, field)
    types = {c.name: c.type for c in inputs.one(port)}
    found = types.get(column) if column else None
    if found is not None and found not in NUMERIC_TYPES and not found.startswith("decimal"):
        yield Finding(
            "error",
            "pattern.value_type",
            f"Column {column!r} is {found}, not a number",
            field=field,
            hint="Pick a numeric column, or cast it with a Rename / cast node",
        )


def engine_checks(config: PatternConfig) -> Iterator[Finding]:
    """Warn about conditions the local engine cannot evaluate (Spark still can: only replay is affected)."""
    from lakestream.cep.expr import check_expression
    from lakestream.references import expressions

    for where, text in expressions(config):
        problem = check_expression(text)
        if problem and "not a valid Spark SQL" not in problem:
            yield Finding(
                "warning",
                "pattern.replay_expression",
                f"Replay and the timeline cannot evaluate this condition: {problem}",
                field=where,
                hint="The generated Spark code still runs it; rewrite it with built-in functions to test it locally",
            )


def pattern_checks(config: PatternConfig, inputs: Inputs) -> Iterator[Finding]:
    """The checks of a single-input pattern node: event-time type, conditions the engine can replay."""
    yield from event_time_checks(config, inputs)
    yield from engine_checks(config)
