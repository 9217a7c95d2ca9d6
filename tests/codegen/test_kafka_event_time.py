"""The Kafka source's event time and watermark delay reach every target: the watermark is set on `event_time` (else
the Kafka record timestamp) in SSS and SDP Python (withWatermark) and SDP SQL (the WATERMARK clause), both profiles;
the local runs show Spark's watermark (SSS) and the SDP pipelines running with it."""

from __future__ import annotations

import pytest

from lakestream.codegen import Paths, generate
from lakestream.spark_local import load_job
from lakestream.validate import validate
from tests.codegen.helpers import pipeline
from tests.codegen.test_run_local import FIVE_EVENTS, sdp_table, write_events

SCHEMA = [{"name": "device", "type": "string"}, {"name": "temp_f", "type": "double"},
          {"name": "ts", "type": "timestamp"}]


def _doc(**config):
    kafka = {"id": "files", "type": "kafka_source", "label": "Readings", "config": {
        "bootstrap_servers": "b:9092", "topics": ["t"], "schema": SCHEMA, **config}}
    sink = {"id": "out", "type": "delta_table_sink", "label": "Out", "config": {"table": "main.iot.readings"}}
    return pipeline([kafka, sink], [("files", "out")])


def _source_code(doc, target, profile) -> str:
    return "\n".join(f.text for f in generate(doc, target, profile).files.values())


@pytest.mark.parametrize("profile", ["databricks", "local"])
@pytest.mark.parametrize("target", ["sss", "sdp-python", "sdp-sql"])
@pytest.mark.parametrize(("event_time", "column"), [("ts", "ts"), (None, "_kafka_timestamp")])
def test_the_watermark_is_set_on_the_event_time(target, profile, event_time, column):
    doc = _doc(event_time=event_time, watermark_delay="30 seconds")
    code = _source_code(doc, target, profile)
    if target == "sdp-sql" and profile == "databricks":
        assert f"WATERMARK `{column}` DELAY OF INTERVAL 30 SECONDS" in code
    else:  # the SDP SQL pipeline's local source is a Python view
        assert f".withWatermark('{column}', '30 seconds')" in code
    assert "atermark" not in _source_code(_doc(event_time=event_time), target, profile).replace(
        "spark.sql.streaming", "")  # no delay: no watermark at the source


def test_an_event_time_that_is_not_a_timestamp_is_an_error():
    issues = validate(_doc(event_time="temp_f", watermark_delay="30 seconds"))
    assert [(i.node_id, i.field, i.message) for i in issues if i.severity == "error"] == [
        ("files", "event_time", "Column 'temp_f' is double, not a timestamp")]


@pytest.mark.spark
def test_sss_reports_the_sources_watermark(spark, tmp_path):
    write_events(tmp_path / "events" / "files", FIVE_EVENTS)
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  output_root=str(tmp_path / "out"))
    generate(_doc(event_time="ts", watermark_delay="30 seconds"), "sss", "local", paths=paths).write(tmp_path / "job")
    (query,) = load_job(tmp_path / "job").start(spark)
    try:
        query.awaitTermination(300)
        assert query.exception() is None
        # the latest event is 00:03:00: the watermark trails it by the source's delay
        assert query.lastProgress["eventTime"]["watermark"] == "2024-01-01T00:02:30.000Z"
    finally:
        query.stop()
    assert spark.read.parquet(str(tmp_path / "out" / "out")).count() == 6


@pytest.mark.spark
@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python"])
def test_sdp_pipelines_run_with_the_sources_watermark(spark, tmp_path, target):
    write_events(tmp_path / "events" / "files", [FIVE_EVENTS[0] + FIVE_EVENTS[1]])
    table = sdp_table(spark, _doc(event_time="ts", watermark_delay="30 seconds"), tmp_path,
                      "out", target)
    assert sorted(r.ts.isoformat() for r in table.select("ts").collect())[-1] == "2024-01-01T00:03:00"
    assert table.count() == 6
