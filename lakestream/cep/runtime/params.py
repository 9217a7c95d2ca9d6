"""The typed config each pattern algorithm runs with: the node's fields under the catalogue's names.

A node's `bind` facet builds one of these from its validated config; the local engine hands it to the
runtime algorithm as it is, the generated Spark code writes it as a dict literal (`as_json`) that the shipped
runtime turns back into the same dataclass (`typed`), so both run the algorithm with identical values.
Durations are microseconds, the runtime's unit. A field whose value is derived from the config rather than
copied from one field says so in its metadata: `derived` names the config fields and how.

Standard library only: this module ships beside generated code and sits below the node declarations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


def derived(how: str) -> Any:
    """A field computed from the config (its catalogue fields named in `how`), not a copy of one field."""
    return field(metadata={"derived": how})


@dataclass(frozen=True)
class SequenceParams:
    steps: int = derived("len(steps): the number of steps")
    within: int | None
    contiguity: str
    emit_timeouts: bool


@dataclass(frozen=True)
class AbsenceParams:
    timeout: int


@dataclass(frozen=True)
class CountThresholdParams:
    mode: str
    window: int
    threshold: int


@dataclass(frozen=True)
class VelocityParams:
    window: int
    metric: str
    rate_threshold: float
    per: int = derived("per: its unit (second, minute, hour) in microseconds")


@dataclass(frozen=True)
class GeofenceParams:
    shape: dict = derived("shape as JSON: kind, then center_lat/center_lon/radius_m or vertices")
    trigger: str
    dwell_time: int | None


@dataclass(frozen=True)
class CorrelationParams:
    max_gap: int
    order: str


@dataclass(frozen=True)
class TrendParams:
    direction: str
    length: int
    min_change_percent: float
    tolerance_percent: float


@dataclass(frozen=True)
class OutlierParams:
    baseline_window: int
    method: str
    threshold: float
    min_samples: int


@dataclass(frozen=True)
class SessionParams:
    gap: int
    max_duration: int | None


@dataclass(frozen=True)
class DeduplicationParams:
    within: int = derived("within, or watermark_delay when it is empty")


@dataclass(frozen=True)
class StateMachineParams:
    states: list
    transitions: list = derived("transitions as [from index, to index] pairs into states, in priority order")
    initial: int = derived("initial_state's index in states")
    terminal: list = derived("terminal_states' indexes in states")
    emit: str
    timeout: int | None = derived("state_timeout")


@dataclass(frozen=True)
class HeartbeatParams:
    limit: int = derived("expected_interval + grace")
    status_change: bool = derived("emit == 'status_change'")


@dataclass(frozen=True)
class ConditionChangeParams:
    trigger: str
    stays_for: int | None
    values: bool = derived("value_column is set: the rows carry the previous and new value")


def as_json(params) -> dict:
    """The params as the dict literal generated code passes to the runtime (field order kept)."""
    return asdict(params)


def typed(cls: type, params):
    """`params` as a `cls`: a dict from generated code is checked field by field (a missing or unknown
    key raises TypeError); a `cls` passes through."""
    if isinstance(params, cls):
        return params
    return cls(**params)


def derivations(cls: type) -> dict[str, str]:
    """The derived fields of a params class and how each is computed."""
    return {f.name: f.metadata["derived"] for f in fields(cls) if "derived" in f.metadata}
