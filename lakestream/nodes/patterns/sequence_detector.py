"""Sequence: one event per step, in order, all within a time bound, per key."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from lakestream.nodes.base import SSS_ONLY, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Expression, Model, Name
from lakestream.nodes.patterns.common import PatternConfig, event_time_checks, key_schema


class Step(Model):
    name: Name = Field(description="Step name; it names the output column <name>_ts")
    condition: Expression = Field(description="Spark SQL condition an event must meet to be this step")


class Config(PatternConfig):
    steps: tuple[Step, ...] = Field(min_length=2, max_length=10, description="The steps, in order (2 to 10)")
    within: Duration = Field(description="Longest time allowed from the first step's event to the last")
    contiguity: Literal["strict", "relaxed", "any"] = Field(
        "relaxed",
        description="strict: steps are consecutive events; relaxed: other events in between are skipped; "
        "any: every combination of events is a match",
    )
    emit_timeouts: bool = Field(False, description="Also emit partial matches whose time ran out, as TIMEOUT")

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps):
        names = [s.name for s in steps]
        if len(set(names)) != len(names):
            raise ValueError("Step names must be unique")
        return steps


def output_schema(config: Config, inputs: Inputs) -> Schema:
    steps = tuple(Column(f"{s.name}_ts", "timestamp") for s in config.steps)
    return (
        key_schema(config, inputs)
        + (Column("status", "string"),)
        + steps
        + (Column("first_ts", "timestamp"), Column("last_ts", "timestamp"))
    )


NODE = NodeType(
    type="sequence_detector",
    name="Sequence",
    category=Category.PATTERN,
    description="Detects events that happen in a given order within a time bound, per key.",
    icon="timeline",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="needs per-key state with timers (partial matches)",
    checks=event_time_checks,
)
