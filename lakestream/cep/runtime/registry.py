"""The runtime algorithm of each pattern node type, by type id."""

from __future__ import annotations

from .changes import ConditionChange
from .params import typed
from .sequence import Sequence
from .spatial import Geofence
from .timers import Absence, Heartbeat, Session, StateMachine
from .values import Outlier, Trend
from .windows import SlidingCount, Velocity


def make_pattern(type_id: str, params):
    """The runtime pattern object a node type's transformWithState runs, for its typed params (or their
    dict literal in generated code, typed here: a missing or unknown field raises TypeError).

    A config that is a native Spark operator (a tumbling count) never gets here: the engine replays it
    with the runtime class its node's native form names."""
    algorithm = ALGORITHMS[type_id]
    return algorithm(typed(algorithm.Params, params))


ALGORITHMS = {
    "sequence_detector": Sequence,
    "absence_detector": Absence,
    "count_threshold": SlidingCount,
    "velocity_detector": Velocity,
    "geofence": Geofence,
    "trend_detector": Trend,
    "outlier_detector": Outlier,
    "session_detector": Session,
    "state_machine": StateMachine,
    "heartbeat_monitor": Heartbeat,
    "condition_change": ConditionChange,
}

