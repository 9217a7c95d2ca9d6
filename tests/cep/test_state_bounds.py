"""State stays bounded by each pattern's time bound on a long stream: expired partials and old events go."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lakestream.cep.engine import PatternRun
from lakestream.nodes import REGISTRY

BASE = {"key_columns": ["user"], "event_time_column": "ts", "watermark_delay": "10 seconds"}
T0 = datetime(2024, 1, 1)
# (type, config, state items per key at most while one event arrives per second: window / spacing + slack);
# on top of that each key buffers the events the 10-second watermark has not reached yet (BUFFER)
BUFFER = 12
BOUNDED = [
    ("sequence_detector", {"within": "30 seconds", "steps": [{"name": "a", "condition": "kind = 'a'"},
                                                             {"name": "b", "condition": "kind = 'never'"}]}, 31),
    ("absence_detector", {"trigger_condition": "kind = 'a'", "expected_condition": "kind = 'never'",
                          "timeout": "30 seconds"}, 31),
    ("count_threshold", {"threshold": 1000, "window": "30 seconds"}, 31),
    ("count_threshold", {"threshold": 1000, "window": "30 seconds", "mode": "tumbling"}, 2),
    ("velocity_detector", {"rate_threshold": 1e9, "per": "second", "window": "30 seconds"}, 31),
    ("temporal_correlation", {"key_columns": [], "correlation_columns": ["user"], "max_gap": "30 seconds"}, 62),
    ("outlier_detector", {"value_column": "value", "baseline_window": "30 seconds", "method": "mad",
                          "threshold": 3}, 31),
    ("session_detector", {"gap": "30 seconds", "max_duration": "1 minute"}, 1),
    ("deduplication", {"columns": ["kind"], "within": "30 seconds"}, 1),
    ("geofence", {"lat_column": "value", "lon_column": "value", "trigger": "dwell", "dwell_time": "30 seconds",
                  "shape": {"kind": "circle", "center_lat": 0, "center_lon": 0, "radius_m": 1000}}, 1),
    ("trend_detector", {"value_column": "value", "direction": "up", "length": 5}, 1),
    ("state_machine", {"states": ["s", "t"], "initial_state": "s", "state_timeout": "30 seconds",
                       "transitions": [{"from": "s", "to": "t", "condition": "kind = 'a'"}]}, 1),
    ("heartbeat_monitor", {"expected_interval": "30 seconds"}, 1),
]


@pytest.mark.parametrize(("type_id", "config", "bound"), BOUNDED, ids=[f"{b[0]}-{i}" for i, b in enumerate(BOUNDED)])
def test_state_per_key_stays_bounded_on_a_long_stream(type_id, config, bound):
    run = PatternRun(type_id, REGISTRY[type_id].config.model_validate({**BASE, **config}))
    keys = 3
    peak = 0
    for second in range(600):  # 10 minutes of one event per second per key; windows are 30-60 s
        ts = T0 + timedelta(seconds=second)
        batch = [("a" if type_id == "temporal_correlation" and second % 2 else "b" if type_id == "temporal_correlation"
                  else "in", {"user": f"u{k}", "kind": "a", "value": float(second % 7) / 1e4, "ts": ts})
                 for k in range(keys)]
        run.batch(batch)
        peak = max(peak, run.sim.state_size())
    assert peak <= (bound + BUFFER) * keys, (peak, (bound + BUFFER) * keys)
    run.finish()
    assert run.sim.state_size() <= (bound + BUFFER) * keys
