"""The generated SSS code (local profile, availableNow, one micro-batch per file) reproduces the scenarios.

Each scenario is one streaming query (~10 s on this machine), so CI runs the scenarios below, chosen
to cover lateness, out-of-order arrival, timers and each option; LAKESTREAM_ALL_SPARK_SCENARIOS=1 runs
every scenario file (all of them passed when this was written).
"""

from __future__ import annotations

import os

import pytest

from tests.cep.scenarios import all_scenarios, comparable, parse_time
from tests.cep.spark_harness import read_rows, start_scenario
from tests.conftest import session_conf

pytestmark = pytest.mark.spark

CI_SCENARIOS = {
    "sequence_detector": {"any", "late_events", "within_boundary_and_timeouts", "between_watermarks"},
    "absence_detector": {"late_events", "correlate_on"},
    "count_threshold": {"tumbling_out_of_order_and_late", "tumbling", "sliding_rearm"},  # tumbling: native
    "velocity_detector": {"sum_per_second", "late_events"},
    "geofence": {"dwell", "late_and_out_of_order"},
    "temporal_correlation": {"any_order", "late_events", "watermark_of_both_sides", "null_values"},  # native join
    "trend_detector": {"down_min_change", "late_events"},
    "outlier_detector": {"iqr", "late_and_out_of_order"},
    "session_detector": {"max_duration", "late_and_open_at_end", "gap_boundary", "out_of_order"},  # native
    "deduplication": {"out_of_order", "late_events", "within_bound", "eviction_boundary", "same_batch_arrival_order",
                      "timer_boundary"},
    "state_machine": {"state_timeout", "late_and_out_of_order"},
    "heartbeat_monitor": {"status_change", "late_events"},
}
ALL = os.environ.get("LAKESTREAM_ALL_SPARK_SCENARIOS") == "1"
SCENARIOS = [s for s in all_scenarios() if s.raw["batches"] and (ALL or s.name in CI_SCENARIOS.get(s.node, ()))]


@pytest.fixture
def one_partition(spark):
    """Tiny scenarios: one state partition halves the Python workers each micro-batch starts."""
    with session_conf(spark, "spark.sql.shuffle.partitions", "1"):
        yield spark


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_generated_code_matches_hand_written_rows(one_partition, tmp_path, scenario):
    spark = one_partition
    queries, output = start_scenario(spark, scenario, tmp_path)
    for query in queries:
        query.awaitTermination(180)
        assert query.exception() is None, query.exception()
    columns = scenario.columns if scenario.node == "deduplication" else None
    names = columns or [c for c in spark.read.parquet(str(output)).columns] if output.exists() else []
    got = read_rows(spark, output, [c for c in names if c != "_port"])
    expected = [tuple(parse_time(v) for v in row) for row in scenario.expected]
    assert comparable(got) == comparable(expected)
