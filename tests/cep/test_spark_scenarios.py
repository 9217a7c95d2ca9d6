"""The generated SSS code (local profile, availableNow, one micro-batch per file) reproduces the scenarios.

Each scenario is one streaming query (~10 s on this machine), so CI runs the scenario files marked
`"ci": true`, chosen to cover lateness, out-of-order arrival, timers and each option (tests/cep/test_scenarios.py
requires some for every pattern the engine replays); LAKESTREAM_ALL_SPARK_SCENARIOS=1 runs every scenario file.
"""

from __future__ import annotations

import os

import pytest

from tests.cep.scenarios import all_scenarios, comparable, parse_time
from tests.cep.spark_harness import read_rows, run_scenario
from tests.conftest import session_conf

pytestmark = pytest.mark.spark

ALL = os.environ.get("LAKESTREAM_ALL_SPARK_SCENARIOS") == "1"
SCENARIOS = [s for s in all_scenarios() if s.raw["batches"] and (ALL or s.raw.get("ci"))]


@pytest.fixture
def one_partition(spark):
    """Tiny scenarios: one state partition halves the Python workers each micro-batch starts."""
    with session_conf(spark, "spark.sql.shuffle.partitions", "1"):
        yield spark


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_generated_code_matches_hand_written_rows(one_partition, tmp_path, scenario):
    spark = one_partition
    output = run_scenario(spark, scenario, tmp_path)
    columns = scenario.columns if scenario.node == "deduplication" else None
    names = columns or [c for c in spark.read.parquet(str(output)).columns] if output.exists() else []
    got = read_rows(spark, output, [c for c in names if c != "_port"])
    expected = [tuple(parse_time(v) for v in row) for row in scenario.expected]
    assert comparable(got) == comparable(expected)
