"""CEP pattern node types (per key, in event time)."""

MODULES = [
    "sequence_detector",
    "absence_detector",
    "count_threshold",
    "velocity_detector",
    "geofence",
    "temporal_correlation",
    "trend_detector",
    "outlier_detector",
    "session_detector",
    "deduplication",
    "custom_stateful_processor",
    "state_machine",
    "heartbeat_monitor",
    "condition_change",
    "match_recognize",
]
