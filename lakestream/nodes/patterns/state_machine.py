"""State machine: per-key states moved by conditional transitions, with terminal states and timeouts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lakestream.cep.runtime.params import StateMachineParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Inputs, NodeType, Schema
from lakestream.nodes.fields import Duration, Expression, Model, Name
from lakestream.nodes.patterns.common import PatternConfig, at, flag, key_schema, micros, pattern_checks, per_key

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

def bind(c: Config) -> Bound:
    index = {name: i for i, name in enumerate(c.states)}
    params = StateMachineParams(
        states=list(c.states),
        transitions=[[index[t.from_state], index[t.to]] for t in c.transitions],
        initial=index[c.initial_state],
        terminal=[index[s] for s in c.terminal_states],
        emit=c.emit,
        timeout=micros(c.state_timeout),
    )
    return Bound(params, c.key_columns, {"in": tuple(flag(t.condition) for t in c.transitions)})


EXAMPLE_ROWS = (
    ("in", "customer_id:string status:string ts:timestamp", (
        ('u1', 'open', at("10:00")), ('u2', 'open', at("10:05")), ('u1', 'close', at("10:10")),
        ('u3', 'open', at("11:30")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"states": ["s", "t"], "initial_state": "s", "state_timeout": "30 seconds",
          "transitions": [{"from": "s", "to": "t", "condition": "kind = 'a'"}]}, 1),),
    watermark="A state times out when the watermark passes entry time + state_timeout.",
)


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
    pattern=PATTERN,
)
