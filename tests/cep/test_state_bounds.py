"""State stays bounded by each pattern's time bound on a long stream: expired partials and old events go."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lakestream.cep.engine import PatternRun
from lakestream.nodes import node_types
from lakestream.nodes.base import Category

BASE = {"key_columns": ["user"], "event_time_column": "ts", "watermark_delay": "10 seconds"}
T0 = datetime(2024, 1, 1)
# each pattern node's `state_probes` facet: (config, state items per key at most while one event arrives per
# second: window / spacing + slack); on top of that each key buffers the events the 10-second watermark has
# not reached yet (BUFFER)
BUFFER = 12
BOUNDED = [(spec, config, bound) for spec in node_types(Category.PATTERN) for config, bound in spec.pattern.state_probes or ()]


@pytest.mark.parametrize(("spec", "config", "bound"), BOUNDED, ids=[f"{b[0].type}-{i}" for i, b in enumerate(BOUNDED)])
def test_state_per_key_stays_bounded_on_a_long_stream(spec, config, bound):
    run = PatternRun(spec.type, spec.config.model_validate({**BASE, **config}))
    ports = [p.name for p in spec.inputs]
    keys = 3
    peak = 0
    for second in range(600):  # 10 minutes of one event per second per key; windows are 30-60 s
        ts = T0 + timedelta(seconds=second)
        port = ports[second % len(ports)]  # two inputs (a correlation) take turns
        batch = [(port, {"user": f"u{k}", "kind": "a", "value": float(second % 7) / 1e4, "ts": ts}) for k in range(keys)]
        run.batch(batch)
        peak = max(peak, run.sim.state_size())
    assert peak <= (bound + BUFFER) * keys, (peak, (bound + BUFFER) * keys)
    run.finish()
    assert run.sim.state_size() <= (bound + BUFFER) * keys
