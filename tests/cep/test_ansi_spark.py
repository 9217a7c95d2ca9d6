"""ANSI mode: generated jobs pin spark.sql.ansi.enabled=false, so conditions that divide by zero or cast
bad text give the engine's rows (NULL: no match) whatever the session's mode; under ANSI they would fail."""

from __future__ import annotations

import pytest

from lakestream.cep.engine import run_pattern
from tests.cep.scenarios import comparable, from_dict
from tests.cep.spark_harness import read_rows, run_scenario
from tests.conftest import session_conf

pytestmark = pytest.mark.spark

CONDITION = "amount / qty > 1 OR CAST(code AS INT) > 5"
ROWS = [["u1", 10.0, 0, "abc", "00:10:00"], ["u1", 10.0, 2, "1", "00:10:05"], ["u2", 1.0, 1, "7", "00:10:10"],
        ["u2", 1.0, 0, "x", "00:10:20"]]
MODES = {"sliding (transformWithState)": {}, "tumbling (native window)": {"mode": "tumbling"}}


def _scenario(extra: dict):
    config = {"key_columns": ["user"], "event_time_column": "ts", "watermark_delay": "10 seconds",
              "condition": CONDITION, "threshold": 1, "window": "1 minute", **extra}
    data = {"title": "division by zero and a bad cast", "config": config,
            "columns": ["user", "amount", "qty", "code", "ts"], "types": ["string", "double", "int", "string", "timestamp"],
            "batches": [ROWS, [["u9", 0.0, 1, "0", "00:20:00"]]], "expected": [], "late_events": 0}
    return from_dict("count_threshold", "ansi", data)


def test_the_inputs_fail_under_ansi(spark):
    with session_conf(spark, "spark.sql.ansi.enabled", "true"):
        frame = spark.createDataFrame([tuple(r[:4]) for r in ROWS], "user string, amount double, qty int, code string")
        with pytest.raises(Exception, match="DIVIDE_BY_ZERO|CAST_INVALID_INPUT"):
            frame.selectExpr(CONDITION).collect()


@pytest.mark.parametrize("session_ansi", ["true", "false"])
@pytest.mark.parametrize("form", sorted(MODES))
def test_generated_job_gives_the_engine_rows_in_either_mode(spark, tmp_path, form, session_ansi):
    scenario = _scenario(MODES[form])
    engine = run_pattern("count_threshold", scenario.config, scenario.batches, scenario.input_schemas())
    assert {r["user"] for r in engine.rows} == {"u1", "u2"}  # one match each: x / 0 and 'abc' are NULL
    with session_conf(spark, "spark.sql.ansi.enabled", session_ansi):
        output = run_scenario(spark, scenario, tmp_path)
        assert spark.conf.get("spark.sql.ansi.enabled") == "false"  # the job pins it
    got = read_rows(spark, output, engine.columns)
    assert comparable(got) == comparable([tuple(r.values()) for r in engine.rows])


SDP_EVENTS = [{"user": u, "amount": a, "qty": q, "code": c, "ts": f"2024-01-01T{t}Z"} for u, a, q, c, t in ROWS]


@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python"])
def test_generated_sdp_pipeline_gives_the_replay_rows(spark, tmp_path, target):
    """spark-pipelines starts its own session, in Spark 4's default ANSI mode: the pipeline's spec pins it off."""
    from lakestream.cep.replay import replay
    from tests.codegen.helpers import pipeline
    from tests.codegen.test_run_local import sdp_table, write_events

    source = {"id": "n1", "type": "kafka_source", "label": "Events", "config": {
        "bootstrap_servers": "broker:9092", "topics": ["events"],
        "schema": [{"name": n, "type": t} for n, t in
                   (("user", "string"), ("amount", "double"), ("qty", "int"), ("code", "string"), ("ts", "timestamp"))]}}
    keep = {"id": "n2", "type": "filter", "label": "Keep", "config": {"condition": CONDITION}}
    sink = {"id": "n3", "type": "delta_table_sink", "label": "Kept", "config": {"table": "main.demo.kept"}}
    doc = pipeline([source, keep, sink], [("n1", "n2"), ("n2", "n3")])
    expected = replay(doc, {"n1": SDP_EVENTS}, "n2").outputs["n2"].rows
    assert [(r["user"], r["qty"]) for r in expected] == [("u1", 2), ("u2", 1)]  # x / 0 and 'abc' are NULL
    write_events(tmp_path / "events" / "n1", [SDP_EVENTS])
    table = sdp_table(spark, doc, tmp_path, "kept", target)
    assert sorted((r.user, r.qty) for r in table.collect()) == [("u1", 2), ("u2", 1)]
