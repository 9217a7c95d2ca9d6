"""The local pattern engine: runs one pattern node over rows, in micro-batches, as Spark would.

Rows are dicts (column -> Python value; timestamps as datetime). Each micro-batch runs with the
watermark left by the batches before it; events at or before the watermark the previous batch ran
with are late (dropped and counted), Spark's rule.
Feeding every event as its own batch is the streaming ideal `lakestream replay` uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lakestream.cep.bindings import Binding, bind
from lakestream.cep.correlation import Correlation, JoinSimulation
from lakestream.cep.dedup import DedupSimulation
from lakestream.sparksql.evaluator import ExpressionCompiler
from lakestream.cep.runtime.driver import Simulation
from lakestream.cep.runtime import sequence, spatial, timers, windows
from lakestream.cep.runtime import values as value_patterns
from lakestream.cep.runtime.registry import ALGORITHMS, make_pattern
from lakestream.sparksql.runtime.sqlfuncs import to_timestamp
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Column, Inputs

EPOCH = datetime(1970, 1, 1)


def to_micros(value) -> int | None:
    ts = to_timestamp(value)
    if ts is None:
        return None
    if ts.tzinfo is not None:
        ts = ts.replace(tzinfo=None) - ts.utcoffset()
    delta = ts - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(microseconds=value)


# the node types whose generated code is a Spark operator (or its rule), not the shared per-key driver, name
# the simulation of that operator in their `replay` facet
SIMULATIONS = {
    "join": lambda params, delay_us: JoinSimulation(Correlation(params), delay_us),
    "dedup": DedupSimulation,
}



# the runtime classes by name: a native form names the one that simulates its Spark operator
BY_NAME = {
    name: cls
    for module in (sequence, spatial, timers, value_patterns, windows)
    for name, cls in vars(module).items()
    if isinstance(cls, type) and cls.__module__ == module.__name__
}


def _check_algorithms() -> None:
    """At import: every pattern node the per-key driver replays has its runtime algorithm."""
    missing = [spec.type for spec in REGISTRY.values()
               if spec.pattern is not None and spec.pattern.replay == "driver" and spec.type not in ALGORITHMS]
    if missing:
        raise TypeError(f"pattern nodes without a runtime algorithm in cep/runtime/registry.py: {', '.join(missing)}")


_check_algorithms()


def make_simulation(binding: Binding, config):
    """The replay of one pattern node's micro-batches: its operator's simulation, or the per-key driver
    running the node's algorithm (for a native form, the runtime class that simulates Spark's operator)."""
    facets = REGISTRY[binding.type_id].pattern
    own = SIMULATIONS.get(facets.replay)
    if own is not None:
        return own(binding.params, binding.delay_us)
    native = facets.native(config)
    if native is not None and native.replay is not None:
        return Simulation(BY_NAME[native.replay](binding.params), binding.delay_us)
    return Simulation(make_pattern(binding.type_id, binding.params), binding.delay_us)


@dataclass
class Result:
    """A pattern node's output rows (dicts in output-schema order) and its count of late events."""

    columns: list[str]
    rows: list[dict]
    late_events: int
    state_size: int = 0


class PatternRun:
    """One pattern node being fed micro-batches; `batch()` returns the rows each batch emits."""

    def __init__(self, type_id: str, config, input_schemas: dict[str, tuple[Column, ...]] | None = None):
        self.node = REGISTRY[type_id]
        self.binding: Binding = bind(type_id, config)
        self.sim = make_simulation(self.binding, config)
        schemas = input_schemas or {}
        self.output_schema = self.node.output_schema(config, Inputs({p: (s,) for p, s in schemas.items()}))
        self.columns = [c.name for c in self.output_schema]
        self._timestamps = [c.type.startswith("timestamp") for c in self.output_schema]
        self._fields = {
            port: [ExpressionCompiler().function(text) for text in texts]
            for port, texts in self.binding.fields.items()
        }
        self._seq = 0

    def _event(self, port: str, row: dict):
        ts = to_micros(row.get(self.binding.time_column))
        if ts is None:
            return None  # no event time: the event cannot be placed, so it is ignored
        self._seq += 1
        values = [f(row) for f in self._fields[port]]
        if self.binding.passthrough:
            return [ts, self._seq, row, *values]
        return [ts, self._seq, *values]

    def batch(self, rows: Iterable[tuple[str, dict]]) -> list[dict]:
        events = []
        keys = self.binding.key_columns
        for port, row in rows:
            event = self._event(port, row)
            if event is not None:
                events.append((tuple(row.get(k) for k in keys), event))
        return self._rows(self.sim.batch(events))

    def finish(self) -> list[dict]:
        return self._rows(self.sim.finish())

    def _rows(self, raw) -> list[dict]:
        if self.binding.passthrough:
            return [r[1] for r in raw]
        out = []
        for key, *values in raw:
            values = list(key) + values
            out.append({
                name: from_micros(v) if is_ts and v is not None else v
                for name, v, is_ts in zip(self.columns, values, self._timestamps)
            })
        return out

    @property
    def late_events(self) -> int:
        return self.sim.late


def run_pattern(type_id: str, config, batches: Sequence[Sequence[tuple[str, dict]]], input_schemas=None) -> Result:
    """Run a pattern node over micro-batches of (input port, row) pairs plus the final no-data batch."""
    run = PatternRun(type_id, config, input_schemas)
    rows = []
    for batch in batches:
        rows += run.batch(batch)
    rows += run.finish()
    return Result(run.columns, rows, run.late_events, run.sim.state_size())
