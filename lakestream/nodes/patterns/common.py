"""Fields and checks shared by the CEP pattern nodes (key, event time, watermark)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from lakestream.durations import parse_duration
from lakestream.nodes.base import Column, Finding, Inputs, PatternFacets, Schema, no_native
from lakestream.nodes.fields import ColumnName, Duration, Model
from lakestream.sparksql.types import is_numeric, is_timestamp

MATCH_ID = Column("match_id", "string")
US = 1_000_000
DRIVER_WATERMARK = (
    "Events wait in the key's state until the watermark reaches them, then run in event-time order; timers "
    "fire as the watermark passes them; an event at or before the watermark of the micro-batch before its own "
    "is late: dropped and counted."
)
EXAMPLE_DAY = "2024-05-01 "  # the help examples happen on this day


def micros(duration: str | None) -> int | None:
    """A duration in microseconds, the runtime's unit (None stays None)."""
    return None if duration is None else int(parse_duration(duration).total_seconds() * US)


def quote(column: str) -> str:
    """A column name as a Spark SQL identifier (names never contain backticks: fields.py refuses them)."""
    return f"`{column}`"


def flag(condition: str | None) -> str:
    """A condition as a boolean field that is never NULL (NULL does not match, as in WHERE). The line break
    ends a trailing `-- comment` of the condition, which would otherwise swallow the closing parenthesis."""
    return "true" if condition is None else f"coalesce(({condition}\n), false)"


def double(column: str) -> str:
    """A column as a DOUBLE field."""
    return f"CAST({quote(column)} AS DOUBLE)"


def at(clock: str) -> str:
    """A timestamp of the help examples' day: at("10:05") -> "2024-05-01 10:05:00"."""
    return EXAMPLE_DAY + (clock if clock.count(":") == 2 else clock + ":00")


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
    if found is not None and not is_timestamp(found):
        yield Finding(
            "error",
            "pattern.event_time_type",
            f"Event time column {config.event_time_column!r} is {found}, not a timestamp",
            field="event_time_column",
            hint="Cast it with a Rename / cast node, or pick a timestamp column",
        )


def numeric_checks(config: PatternConfig, inputs: Inputs, field: str, port: str = "in") -> Iterator[Finding]:
    """The column named by `field` must be numeric in the input (when the input schema is known)."""
    column = getattr(config, field)
    types = {c.name: c.type for c in inputs.one(port)}
    found = types.get(column) if column else None
    if found is not None and not is_numeric(found):
        yield Finding(
            "error",
            "pattern.value_type",
            f"Column {column!r} is {found}, not a number",
            field=field,
            hint="Pick a numeric column, or cast it with a Rename / cast node",
        )


def pattern_checks(config: PatternConfig, inputs: Inputs) -> Iterator[Finding]:
    """The checks of a single-input pattern node: the event-time type (validation adds the replay warnings)."""
    yield from event_time_checks(config, inputs)


def per_key(bind, example_rows, state_probes, watermark: str = "", native=no_native) -> PatternFacets:
    """The facets of a pattern the per-key runtime runs (its algorithm's TYPE is the node type) in the
    shared transformWithState form; `watermark` adds what is particular to the node."""
    return PatternFacets(bind=bind, replay="driver", codegen="runtime", native=native,
                         watermark=f"{DRIVER_WATERMARK} {watermark}".strip(), example_rows=example_rows,
                         state_probes=state_probes)
