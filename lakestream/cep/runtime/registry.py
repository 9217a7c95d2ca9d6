"""The runtime algorithm of each pattern node type, by type id."""

from __future__ import annotations

from .sequence import Sequence
from .spatial import Geofence
from .timers import Absence, Heartbeat, Session, StateMachine
from .values import Outlier, Trend
from .windows import SlidingCount, TumblingCount, Velocity


def make_pattern(type_id: str, params: dict):
    """The runtime pattern object for a node type and its (JSON) parameters."""
    if type_id == "count_threshold":
        return (TumblingCount if params["mode"] == "tumbling" else SlidingCount)(params)
    return ALGORITHMS[type_id](params)


ALGORITHMS = {
    "sequence_detector": Sequence,
    "absence_detector": Absence,
    "velocity_detector": Velocity,
    "geofence": Geofence,
    "trend_detector": Trend,
    "outlier_detector": Outlier,
    "session_detector": Session,
    "state_machine": StateMachine,
    "heartbeat_monitor": Heartbeat,
}
