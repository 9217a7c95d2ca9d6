"""State machine: per-key states moved by conditional transitions, with terminal states and timeouts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Expression, Model, Name
from lakestream.nodes.patterns.common import PatternConfig, key_schema, pattern_checks

TIMEOUT = "TIMEOUT"


class Transition(Model):
    from_state: Name = Field(alias="from", description="State the transition leaves")
    to: Name = Field(description="State the transition enters")
    condition: Expression = Field(description="Spark SQL condition an event must meet to take this transition")


class Config(PatternConfig):
    states: tuple[Name, ...] = Field(min_length=2, description="All state names")
    initial_state: Name = Field(description="State every key (and every new instance) starts in")
    transitions: tuple[Transition, ...] = Field(
        min_length=1, description="Transitions, checked in order; the first matching one out of the current state wins"
    )
    terminal_states: tuple[Name, ...] = Field(
        (), description="States that end the instance (the next event starts again)"
    )
    emit: Literal["transition", "terminal", "all"] = Field(
        "transition", description="transition: every transition; terminal: entering a terminal state; all: every event"
    )
    state_timeout: Duration | None = Field(
        None, description="A key staying this long in a non-initial, non-terminal state emits TIMEOUT and resets"
    )

    @model_validator(mode="after")
    def _states_known(self):
        known = set(self.states)
        if len(known) != len(self.states):
            raise ValueError("State names must be unique")
        if TIMEOUT in known:
            raise ValueError("TIMEOUT is reserved for timeouts; rename that state")
        unknown = [s for s in (self.initial_state, *self.terminal_states) if s not in known]
        for t in self.transitions:
            unknown += [s for s in (t.from_state, t.to) if s not in known]
        if unknown:
            raise ValueError(f"Unknown state(s) {', '.join(sorted(set(unknown)))}: add them to states")
        if self.initial_state in self.terminal_states:
            raise ValueError("The initial state cannot be terminal")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("from_state", "string"),
        Column("to_state", "string"),
        Column("ts", "timestamp"),
    )


DOCS = """\
Per key, starting in initial_state: each event is checked against the transitions out of the
current state, in their listed order; the first whose condition is true is taken (ts = the
event's). emit = transition: one row per transition taken; terminal: one row per transition into
a terminal state; all: one row per event (from_state = to_state when no transition matched).
Entering a terminal state ends the instance: the key is back in initial_state for its next event.
With state_timeout, a key that entered a state other than the initial or a terminal one at time t
and has not left it by t + state_timeout emits (current, 'TIMEOUT', t + state_timeout) in every
emit mode, by timer when the watermark reaches it, and resets to initial_state. A transition into
the same state restarts the timeout. match_id is `<key>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['customer_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'states': ['idle', 'open', 'closed'],
    'initial_state': 'idle',
    'transitions': [{'from': 'idle', 'to': 'open', 'condition': "status = 'open'"},
                    {'from': 'open', 'to': 'closed', 'condition': "status = 'close'"}],
    'terminal_states': ['closed'],
    'state_timeout': '1 hour',
}

NODE = NodeType(
    type="state_machine",
    name="State machine",
    category=Category.PATTERN,
    description="Tracks each key through states moved by conditional transitions.",
    icon="account_tree",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="keeps each key's current state (and a timeout timer)",
    checks=pattern_checks,
    docs=DOCS,
    example=EXAMPLE,
)
