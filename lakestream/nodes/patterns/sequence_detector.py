"""Sequence: one event per step, in order, all within a time bound, per key."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from lakestream.cep.runtime.params import SequenceParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Expression, Model, Name
from lakestream.nodes.patterns.common import PatternConfig, at, flag, key_schema, micros, pattern_checks, per_key


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

    @model_validator(mode="after")
    def _timeouts_need_single_partials(self):
        if self.emit_timeouts and self.contiguity == "any":
            raise ValueError("emit_timeouts works with strict or relaxed contiguity, not any")
        return self


DOCS = """\
A match is one event per step, in step order, with last.ts - first.ts <= within (inclusive).
Every event meeting step 1 starts a partial match. strict: a partial's next event must meet its
next step, or the partial is dropped; relaxed (skip-till-next-match): events that do not meet the
next step are ignored, and the earliest event that does is taken; any (skip-till-any-match): each
matching event forks the partial, so every combination is a match and nothing is consumed. With
strict and relaxed, a completed match consumes its events: all open partials are dropped and the
next match starts after it; when several partials complete on one event, the earliest-started one
is the match. A partial expires once the watermark passes first.ts + within; with emit_timeouts
(strict or relaxed only) it is emitted with status TIMEOUT, its reached steps' times and NULL for
the others. Events are processed per key in event-time order once the watermark reaches them
(ties keep arrival order); late events are dropped and counted.
Risk: `any` can emit many rows per event (combinations). match_id is `<key>#<n>`.
"""


def output_schema(config: Config, inputs: Inputs) -> Schema:
    steps = tuple(Column(f"{s.name}_ts", "timestamp") for s in config.steps)
    return (
        key_schema(config, inputs)
        + (Column("status", "string"),)
        + steps
        + (Column("first_ts", "timestamp"), Column("last_ts", "timestamp"))
    )


EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '5 minutes',
    'within': '1 hour',
    'contiguity': 'relaxed',
    'steps': [{'name': 'small', 'condition': 'amount < 10'}, {'name': 'big', 'condition': 'amount > 500'}],
}

def bind(c: Config) -> Bound:
    params = SequenceParams(steps=len(c.steps), within=micros(c.within), contiguity=c.contiguity,
                            emit_timeouts=c.emit_timeouts)
    return Bound(params, c.key_columns, {"in": tuple(flag(s.condition) for s in c.steps)})


EXAMPLE_ROWS = (
    ("in", "card_id:string amount:double ts:timestamp", (
        ('c1', 4.5, at("10:00")), ('c2', 2.0, at("10:01")), ('c1', 120.0, at("10:05")), ('c1', 899.0, at("10:20")),
        ('c2', 950.0, at("11:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"within": "30 seconds", "steps": [{"name": "a", "condition": "kind = 'a'"},
                                            {"name": "b", "condition": "kind = 'never'"}]}, 31),),
    watermark="A partial match whose `within` deadline the watermark passes is dropped (or emitted as a timeout).",
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
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
