"""Generated local code executed on the session SparkSession: SSS through `lakestream run`, SDP through spark-pipelines."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lakestream.cli import main as cli_main
from lakestream.codegen import Paths, generate
from lakestream.pipeline import load_pipeline
from lakestream.spark_local import BUSY_MACHINE
from lakestream.validate import validate
from tests.codegen.helpers import three_nodes
from tests.conftest import console_script, require

PAYMENTS = [
    {"card_id": "c1", "amount": 50.0, "ts": "2024-01-01T00:00:00Z"},
    {"card_id": "c2", "amount": 150.0, "ts": "2024-01-01T00:01:00Z"},
    {"card_id": "c1", "amount": 999.5, "ts": "2024-01-01T00:02:00Z", "_kafka_topic": "payments"},
]


def write_events(folder, rows_per_file):
    folder.mkdir(parents=True)
    for i, rows in enumerate(rows_per_file):
        (folder / f"{i:03d}.json").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.spark
def test_lakestream_run_three_nodes(spark, tmp_path, capsys):
    doc = tmp_path / "fraud.lakestream.json"
    doc.write_text(three_nodes().to_json())
    write_events(tmp_path / "events" / "n1", [PAYMENTS[:2], PAYMENTS[2:]])
    code = cli_main(["run", str(doc), "--events", str(tmp_path / "events"), "--out", str(tmp_path / "out")])
    assert code == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "n3.jsonl").read_text().splitlines()]
    assert sorted((r["card_id"], r["amount"], r.get("_kafka_topic")) for r in rows) == [
        ("c1", 999.5, "payments"), ("c2", 150.0, None)]
    assert "n3: 2 rows" in capsys.readouterr().out


def test_run_reports_missing_events_folder(tmp_path, capsys):
    doc = tmp_path / "p.json"
    doc.write_text(three_nodes().to_json())
    assert cli_main(["run", str(doc), "--events", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    assert "events folder" in capsys.readouterr().err


FIVE_NODES = {
    "name": "Five nodes",
    "nodes": [
        {"id": "files", "type": "auto_loader", "label": "Readings", "config": {
            "path": "/Volumes/main/iot/landing", "format": "json",
            "schema": [{"name": "device", "type": "string"}, {"name": "temp_f", "type": "double"},
                       {"name": "ts", "type": "timestamp"}]}},
        {"id": "hot", "type": "filter", "label": "Hot", "config": {"condition": "temp_f > 80"}},
        {"id": "celsius", "type": "map_select", "label": "Celsius", "config": {"columns": [
            {"expr": "device"}, {"expr": "round((temp_f - 32) / 1.8, 1)", "alias": "temp_c"}, {"expr": "ts"}]}},
        {"id": "per_minute", "type": "window_aggregate", "label": "Per minute", "config": {
            "window_type": "tumbling", "duration": "1 minute", "event_time_column": "ts",
            "watermark_delay": "30 seconds", "group_by": ["device"], "aggregations": [
                {"function": "count", "alias": "readings"}, {"function": "max", "column": "temp_c", "alias": "peak"}]}},
        {"id": "out", "type": "delta_table_sink", "label": "Hot minutes", "config": {"table": "main.iot.hot"}},
    ],
    "edges": [{"id": f"e{i}", "source": s, "target": t} for i, (s, t) in enumerate(
        [("files", "hot"), ("hot", "celsius"), ("celsius", "per_minute"), ("per_minute", "out")])],
}


FIVE_EVENTS = [
    [{"device": "d1", "temp_f": 86.0, "ts": "2024-01-01T00:00:05Z"},
     {"device": "d1", "temp_f": 70.0, "ts": "2024-01-01T00:00:06Z"},
     {"device": "d2", "temp_f": 95.0, "ts": "2024-01-01T00:00:30Z"},
     {"device": "d1", "temp_f": 104.0, "ts": "2024-01-01T00:00:50Z"}],
    [{"device": "d1", "temp_f": 90.0, "ts": "2024-01-01T00:01:10Z"},
     {"device": "d2", "temp_f": 99.0, "ts": "2024-01-01T00:03:00Z"}],
]


@pytest.mark.spark
def test_lakestream_run_five_node_pipeline(spark, tmp_path):
    doc = tmp_path / "five.lakestream.json"
    doc.write_text(json.dumps(FIVE_NODES))
    write_events(tmp_path / "events" / "files", FIVE_EVENTS)
    assert cli_main(["run", str(doc), "--events", str(tmp_path / "events"), "--out", str(tmp_path / "out")]) == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "out.jsonl").read_text().splitlines()]
    # Windows whose end the watermark (last event 00:03:00 - 30 s) has passed: 00:00 and 00:01.
    assert rows == [
        {"window_start": "2024-01-01T00:00:00.000Z", "window_end": "2024-01-01T00:01:00.000Z", "device": "d1",
         "readings": 2, "peak": 40.0},
        {"window_start": "2024-01-01T00:00:00.000Z", "window_end": "2024-01-01T00:01:00.000Z", "device": "d2",
         "readings": 1, "peak": 35.0},
        {"window_start": "2024-01-01T00:01:00.000Z", "window_end": "2024-01-01T00:02:00.000Z", "device": "d1",
         "readings": 1, "peak": 32.2},
    ]


def spark_pipelines_run(project, tmp_path):
    """`spark-pipelines run` in a project folder, its Spark Connect server bound to 127.0.0.1 only."""
    conf = tmp_path / "conf"
    conf.mkdir()
    # the busy-machine settings of the tests' own session (lakestream/spark_local.py) hold for the child's too
    settings = {"spark.connect.grpc.binding.address": "127.0.0.1", **BUSY_MACHINE}
    (conf / "spark-defaults.conf").write_text("".join(f"{key} {value}\n" for key, value in settings.items()))
    # The child starts its own Spark Connect server: it must not join this test session's JVM.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_GATEWAY", "SPARK_"))}
    env["SPARK_CONF_DIR"] = str(conf)
    return subprocess.run([console_script("spark-pipelines"), "run"], cwd=project, capture_output=True, text=True,
                          timeout=600, env=env)


def sdp_table(spark, doc, tmp_path, table, target="sdp-python"):
    """Generate local SDP code of doc, run it with spark-pipelines, return the written table's DataFrame."""
    require(console_script("spark-pipelines") is not None, "spark-pipelines (pyspark[pipelines])")
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  storage_root=(tmp_path / "storage").as_uri())
    generate(doc, target, "local", paths=paths).write(tmp_path / "project")
    result = spark_pipelines_run(tmp_path / "project", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return spark.read.parquet(str(tmp_path / "project" / "spark-warehouse" / table))


@pytest.mark.spark
@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python"])
def test_sdp_output_runs_in_spark_pipelines(spark, tmp_path, target):
    write_events(tmp_path / "events" / "files", [FIVE_EVENTS[0] + FIVE_EVENTS[1]])
    table = sdp_table(spark, load_pipeline(FIVE_NODES), tmp_path, "hot_minutes", target)
    rows = sorted(tuple(r) for r in table.select("window_start", "device", "readings", "peak").collect())
    # One batch: the watermark (00:02:30) closes windows 00:00 and 00:01 when the run ends.
    assert [(str(w), d, n, p) for w, d, n, p in rows] == [
        ("2024-01-01 00:00:00", "d1", 2, 40.0), ("2024-01-01 00:00:00", "d2", 1, 35.0),
        ("2024-01-01 00:01:00", "d1", 1, 32.2)]


@pytest.mark.spark
def test_sdp_python_runs_a_custom_python_source(spark, tmp_path):
    # The reader is a Python data source: without tolerate_observed_metrics() the spark-pipelines CLI
    # stops with UNKNOWN_RESPONSE on its workers' profiler metrics after the rows were written.
    from lakestream.nodes import REGISTRY
    from tests.codegen.helpers import DELTA, pipeline

    source = {"id": "cps", "type": "custom_python_source", "label": "Ticks",
              "config": dict(REGISTRY["custom_python_source"].example)}
    table = sdp_table(spark, pipeline([source, DELTA], [("cps", "n3")]), tmp_path, "alerts")
    # availableNow: the example reader's first offset range, ten ticks, then the run ends.
    assert sorted(tuple(r) for r in table.select("n", "label").collect()) == [(i, f"tick-{i}") for i in range(10)]


@pytest.mark.spark
def test_hybrid_runs_sdp_then_the_sss_job_on_the_boundary_table(spark, tmp_path):
    require(console_script("spark-pipelines") is not None, "spark-pipelines (pyspark[pipelines])")
    from tests.codegen.helpers import FILTER, KAFKA, pipeline

    # An SSS-only sink that the local profile writes as parquet (the SQL warehouse sink now needs a workspace).
    features = {"id": "n3", "type": "feature_store_sink", "label": "Card features", "config": {
        "table": "main.features.cards", "primary_keys": ["card_id"], "timestamp_key": "ts", "mode": "merge"}}
    doc = pipeline([KAFKA, FILTER, features], [("n1", "n2"), ("n2", "n3")])
    write_events(tmp_path / "events" / "n1", [PAYMENTS])
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  output_root=str(tmp_path / "out"), storage_root=(tmp_path / "storage").as_uri())
    code = generate(doc, "hybrid", "local", paths=paths)
    code.write(tmp_path / "project")
    result = spark_pipelines_run(tmp_path / "project", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Locally the SDP warehouse is the project's folder: register the boundary table in this session.
    (boundary,) = code.boundary_tables
    location = tmp_path / "project" / "spark-warehouse" / boundary
    spark.sql(f"CREATE TABLE {boundary} USING parquet LOCATION '{location.as_posix()}'")
    try:
        from lakestream.commands.run import _load_job

        job = _load_job(tmp_path / "project")
        for query in job.start(spark, checkpoint_root=str(tmp_path / "ck"), output_root=str(tmp_path / "out")):
            query.awaitTermination(120)
            assert query.exception() is None
    finally:
        spark.sql(f"DROP TABLE {boundary}")
        sys.path.remove(str(tmp_path / "project"))
    rows = spark.read.parquet(str(tmp_path / "out" / "n3")).collect()
    assert sorted((r.card_id, r.amount) for r in rows) == [("c1", 999.5), ("c2", 150.0)]


def test_run_needs_no_events_folder_for_a_generating_source(tmp_path):
    from lakestream.commands.run import run_local
    from lakestream.errors import UserError
    from tests.codegen.helpers import DELTA, KAFKA, pipeline

    simulator = {"id": "sim", "type": "stream_simulator", "label": "Sensors", "config": {"profile": "iot_sensors"}}
    doc = pipeline([simulator, KAFKA, DELTA, {**DELTA, "id": "n4"}], [("sim", "n3"), ("n1", "n4")])
    (tmp_path / "events").mkdir()
    with pytest.raises(UserError) as caught:
        run_local(doc, tmp_path / "events", tmp_path / "out", spark=None)
    assert "'Payments'" in str(caught.value) and "Sensors" not in str(caught.value)


@pytest.mark.spark
@pytest.mark.parametrize("upstream", ["correlation", "dedup"])
def test_spark_refuses_a_watermark_after_a_node_that_keeps_its_own(spark, tmp_path, upstream):
    """Why validation calls a window aggregate after a temporal correlation (a stream-stream join) or a
    native deduplication (dropDuplicatesWithinWatermark) an error: graph.after_join, graph.after_dedup."""
    from lakestream.commands.run import _load_job
    from tests.codegen.helpers import DELTA, KAFKA, pipeline
    from tests.core.test_validate import CORRELATION, DEDUP, HOURLY_TS, PAIRS_PER_HOUR

    if upstream == "correlation":
        sources = ("n1", "n2")
        doc = pipeline([KAFKA, {**KAFKA, "id": "n2"}, CORRELATION, PAIRS_PER_HOUR, DELTA],
                       [{"source": "n1", "target": "c", "target_port": "a"},
                        {"source": "n2", "target": "c", "target_port": "b"}, ("c", "w"), ("w", "n3")])
    else:
        sources = ("n1",)
        doc = pipeline([KAFKA, DEDUP, HOURLY_TS, DELTA], [("n1", "d"), ("d", "w"), ("w", "n3")])
    code = "graph.after_join" if upstream == "correlation" else "graph.after_dedup"
    assert [i.code for i in validate(doc) if i.severity == "error"] == [code]
    for source in sources:
        write_events(tmp_path / "events" / source, [PAYMENTS])
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  output_root=str(tmp_path / "out"))
    generate(doc, "sss", "local", paths=paths, check=False).write(tmp_path / "code")  # past the gate
    job = _load_job(tmp_path / "code")
    try:
        queries = job.start(spark, checkpoint_root=paths.checkpoint_root, input_root=paths.input_root,
                            output_root=paths.output_root)
        for query in queries:
            query.awaitTermination(180)
        failure = str(queries[0].exception())
    except Exception as error:  # refused when the query starts instead of in its first batch
        failure = str(error)
    finally:
        sys.path.remove(str(tmp_path / "code"))
    assert "Redefining watermark is disallowed" in failure
