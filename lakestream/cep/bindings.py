"""From a pattern node's config to its runtime algorithm: parameters, grouping key and event fields.

The event fields are Spark SQL expression texts. The generated Spark code computes them with
`F.expr` before the groupBy; the local engine evaluates the very same texts with expr.py. So both
feed identical events to the identical runtime algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lakestream.durations import parse_duration
from lakestream.errors import UserError
from lakestream.nodes import REGISTRY

US = 1_000_000
PER_SECONDS = {"second": 1, "minute": 60, "hour": 3600}


def micros(duration: str | None) -> int | None:
    return None if duration is None else int(parse_duration(duration).total_seconds() * US)


def quote(column: str) -> str:
    """A column name as a Spark SQL identifier (names never contain backticks: fields.py refuses them)."""
    return f"`{column}`"


def flag(condition: str | None) -> str:
    """A condition as a boolean field that is never NULL (NULL does not match, as in WHERE). The line break
    ends a trailing `-- comment` of the condition, which would otherwise swallow the closing parenthesis."""
    return "true" if condition is None else f"coalesce(({condition}\n), false)"


def double(column: str) -> str:
    return f"CAST({quote(column)} AS DOUBLE)"


@dataclass(frozen=True)
class Binding:
    """What the engine and the generated processor need to run one pattern node."""

    type_id: str
    params: dict
    key_columns: tuple[str, ...]
    time_column: str
    delay_us: int
    fields: dict[str, tuple[str, ...]]  # input port -> Spark SQL texts of the event fields
    passthrough: bool = False  # deduplication: outputs are the input rows
    extra: dict = field(default_factory=dict)


def bind(type_id: str, config) -> Binding:
    """The binding of a validated config; raise UserError for a node the engine cannot run."""
    binder = _BINDERS.get(type_id)
    if binder is None:
        raise UserError(f"{REGISTRY[type_id].name} nodes run only on Spark; the local engine cannot replay them")
    params, keys, fields, *rest = binder(config)
    return Binding(
        type_id=type_id,
        params=params,
        key_columns=tuple(keys),
        time_column=config.event_time_column,
        delay_us=micros(config.watermark_delay),
        fields=fields,
        passthrough=bool(rest and rest[0]),
    )


def _sequence(c):
    params = {"steps": len(c.steps), "within": micros(c.within), "contiguity": c.contiguity,
              "emit_timeouts": c.emit_timeouts}
    return params, c.key_columns, {"in": tuple(flag(s.condition) for s in c.steps)}


def _absence(c):
    fields = (flag(c.trigger_condition), flag(c.expected_condition)) + tuple(quote(x) for x in c.correlate_on)
    return {"timeout": micros(c.timeout)}, c.key_columns, {"in": fields}


def _count(c):
    params = {"mode": c.mode, "window": micros(c.window), "threshold": c.threshold}
    return params, c.key_columns, {"in": (flag(c.condition),)}


def _velocity(c):
    value = double(c.value_column) if c.value_column else "CAST(NULL AS DOUBLE)"
    params = {"window": micros(c.window), "metric": c.metric, "rate_threshold": c.rate_threshold,
              "per": PER_SECONDS[c.per] * US}
    return params, c.key_columns, {"in": (flag(c.condition), value)}


def _geofence(c):
    params = {"shape": c.shape.model_dump(mode="json"), "trigger": c.trigger, "dwell_time": micros(c.dwell_time)}
    return params, c.key_columns, {"in": (double(c.lat_column), double(c.lon_column))}


def _correlation(c):
    keys = tuple(dict.fromkeys(c.key_columns + c.correlation_columns))
    params = {"max_gap": micros(c.max_gap), "order": c.order}
    return params, keys, {"a": ("0", flag(c.a_condition)), "b": ("1", flag(c.b_condition))}


def _trend(c):
    params = {"direction": c.direction, "length": c.length, "min_change_percent": c.min_change_percent,
              "tolerance_percent": c.tolerance_percent}
    return params, c.key_columns, {"in": (double(c.value_column),)}


def _outlier(c):
    params = {"baseline_window": micros(c.baseline_window), "method": c.method, "threshold": c.threshold,
              "min_samples": c.min_samples}
    return params, c.key_columns, {"in": (double(c.value_column),)}


def _session(c):
    return {"gap": micros(c.gap), "max_duration": micros(c.max_duration)}, c.key_columns, {"in": ()}


def _dedup(c):
    # grouped by the key columns only: the identities of one key share that key's state
    within = micros(c.within or c.watermark_delay)  # empty: the watermark delay, dropDuplicatesWithinWatermark's bound
    return {"within": within}, c.key_columns, {"in": tuple(quote(x) for x in c.columns)}, True


def _state_machine(c):
    index = {name: i for i, name in enumerate(c.states)}
    params = {
        "states": list(c.states),
        "transitions": [[index[t.from_state], index[t.to]] for t in c.transitions],
        "initial": index[c.initial_state],
        "terminal": [index[s] for s in c.terminal_states],
        "emit": c.emit,
        "timeout": micros(c.state_timeout),
    }
    return params, c.key_columns, {"in": tuple(flag(t.condition) for t in c.transitions)}


def _heartbeat(c):
    params = {"limit": micros(c.expected_interval) + (micros(c.grace) or 0), "status_change": c.emit == "status_change"}
    return params, c.key_columns, {"in": ()}


_BINDERS = {
    "sequence_detector": _sequence,
    "absence_detector": _absence,
    "count_threshold": _count,
    "velocity_detector": _velocity,
    "geofence": _geofence,
    "temporal_correlation": _correlation,
    "trend_detector": _trend,
    "outlier_detector": _outlier,
    "session_detector": _session,
    "deduplication": _dedup,
    "state_machine": _state_machine,
    "heartbeat_monitor": _heartbeat,
}
