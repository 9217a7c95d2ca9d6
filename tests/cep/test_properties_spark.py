"""Property: for random event streams (several keys, out of order, some late), the generated Spark code
emits exactly the engine's rows, for sequence, absence, count threshold, session, deduplication and
temporal correlation (bounded examples), in both forms: transformWithState and the native operators
(tumbling counts, sessions without max_duration, the correlation's interval join, deduplication whose
bound is the watermark delay)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakestream.cep.engine import run_pattern
from tests.cep.scenarios import comparable, from_dict
from tests.cep.spark_harness import read_rows, run_scenario

pytestmark = pytest.mark.spark

COLUMNS, TYPES = ["user", "kind", "ts"], ["string", "string", "timestamp"]
BASE = {"key_columns": ["user"], "event_time_column": "ts", "watermark_delay": "20 seconds"}
CONFIGS = {
    "sequence_detector": {"within": "40 seconds", "contiguity": "relaxed", "emit_timeouts": True,
                          "steps": [{"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"},
                                    {"name": "c", "condition": "kind = 'c'"}]},
    "absence_detector": {"trigger_condition": "kind = 'a'", "expected_condition": "kind IN ('b', 'c')",
                         "timeout": "30 seconds"},
    "count_threshold": {"condition": "kind <> 'x'", "threshold": 3, "window": "30 seconds"},
    "count_threshold/tumbling": {"condition": "kind <> 'x'", "threshold": 2, "window": "30 seconds",
                                 "mode": "tumbling"},
    "session_detector": {"gap": "15 seconds", "max_duration": "1 minute"},
    "session_detector/native": {"gap": "15 seconds"},
    "deduplication": {"columns": ["kind"], "within": "30 seconds"},
    "deduplication/native": {"columns": ["kind"], "within": "20 seconds"},  # = the delay: dropDuplicatesWithinWatermark
    # kinds a and b arrive on input A, c and x on input B (PORTS)
    "temporal_correlation": {"correlation_columns": ["user"], "max_gap": "30 seconds",
                             "a_condition": "kind = 'a'", "b_condition": "kind <> 'x'"},
}
PORTS = {"a": "a", "b": "a", "c": "b", "x": "b"}


def _time(seconds: int) -> str:
    return f"00:{seconds // 60:02d}:{seconds % 60:02d}"


# an event: key, kind, seconds after 00:10:00 (up to 4 minutes; arrival order is the list order)
EVENT = st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from("abcx"), st.integers(0, 240))
STREAM = st.lists(st.lists(EVENT, min_size=1, max_size=8), min_size=2, max_size=5)


def _scenario(case: str, batches) -> object:
    type_id = case.partition("/")[0]
    ported = type_id == "temporal_correlation"
    port = (lambda kind: [PORTS[kind]]) if ported else (lambda kind: [])
    rows = [[port(kind) + [user, kind, _time(600 + seconds)] for user, kind, seconds in batch] for batch in batches]
    rows.append([port("x") + ["u9", "x", _time(600 + 400)]])  # moves the final watermark past every deadline
    columns, types = (["_port"] + COLUMNS, ["string"] + TYPES) if ported else (COLUMNS, TYPES)
    data = {"title": "random", "config": {**BASE, **CONFIGS[case]}, "columns": columns, "types": types,
            "batches": rows, "expected": [], "late_events": 0}
    return from_dict(type_id, "random", data)


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_engine_equals_spark_on_random_streams(spark, tmp_path_factory, case):
    @settings(max_examples=2, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(STREAM)
    def check(batches):
        scenario = _scenario(case, batches)
        engine = run_pattern(scenario.node, scenario.config, scenario.batches, scenario.input_schemas())
        output = run_scenario(spark, scenario, tmp_path_factory.mktemp(scenario.node), timeout=300)
        got = read_rows(spark, output, engine.columns)
        assert comparable(got) == comparable([tuple(r.values()) for r in engine.rows])

    check()
