"""Patterns that generate declaratively, in both SDP flavours: `spark-pipelines run` of the generated local
pipeline (one file per source per micro-batch, as the SSS scenarios) writes exactly the hand-written rows.
Temporal correlation (an interval join), tumbling count thresholds (`window`) and sessions without
max_duration (`session_window`)."""

from __future__ import annotations

import os

import pytest

from lakestream.codegen import generate
from lakestream.codegen.view import Paths
from tests.cep.scenarios import all_scenarios, comparable, parse_time
from tests.cep.spark_harness import scenario_pipeline, write_batches
from tests.codegen.test_run_local import spark_pipelines_run

pytestmark = pytest.mark.spark


def _declarative(scenario) -> bool:
    config = scenario.config
    if scenario.node == "count_threshold":
        return config.mode == "tumbling"
    return scenario.node == "temporal_correlation" or (
        scenario.node == "session_detector" and config.max_duration is None)


SCENARIOS = {f"{s.node}/{s.name}": s for s in all_scenarios() if s.raw["batches"] and _declarative(s)}
# a run takes ~15-50 s: CI runs lateness and out-of-order arrival, each flavour once per node;
# LAKESTREAM_ALL_SPARK_SCENARIOS=1 runs every file in both
RUNS = ([(name, target) for name in sorted(SCENARIOS) for target in ("sdp-sql", "sdp-python")]
        if os.environ.get("LAKESTREAM_ALL_SPARK_SCENARIOS") == "1"
        else [("temporal_correlation/late_events", "sdp-sql"),
              ("temporal_correlation/watermark_of_both_sides", "sdp-python"),
              ("count_threshold/tumbling_out_of_order_and_late", "sdp-sql"),
              ("count_threshold/tumbling", "sdp-python"),
              ("session_detector/late_and_open_at_end", "sdp-python"),
              ("session_detector/out_of_order", "sdp-sql")])


@pytest.mark.parametrize(("name", "target"), RUNS, ids=[f"{n}-{t}" for n, t in RUNS])
def test_spark_pipelines_run_gives_the_hand_written_rows(spark, tmp_path, name, target):
    scenario = SCENARIOS[name]
    doc = scenario_pipeline(scenario)
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  storage_root=(tmp_path / "storage").as_uri())
    code = generate(doc, target, "local", paths=paths)
    assert code.target == target
    code.write(tmp_path / "project")
    write_batches(scenario, tmp_path / "events")
    result = spark_pipelines_run(tmp_path / "project", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = spark.read.parquet(str(tmp_path / "project" / "spark-warehouse" / "out"))
    got = [tuple(r) for r in table.select(*table.columns).collect()]
    expected = [tuple(parse_time(v) for v in row) for row in scenario.expected]
    assert comparable(got) == comparable(expected)
