"""Generated SDP Python (local profile) of the MQTT and REST sources, run by open-source spark-pipelines."""

from __future__ import annotations

import pytest

from tests.codegen.test_run_local import sdp_table
from tests.services.servers import Served
from tests.services.test_generated_connectors import EVENTS, SCHEMA, document, parquet_sink, queued_mqtt_source

pytestmark = [pytest.mark.spark, pytest.mark.services]


def run_sdp(spark, source: dict, tmp_path):
    """Generate SDP Python for source -> Delta sink, run it with spark-pipelines, return the table's rows."""
    return sdp_table(spark, document([source, parquet_sink()], [(source["id"], "out")]), tmp_path, "rows").collect()


def test_sdp_rest_source_runs_in_spark_pipelines(spark, http, tmp_path):
    http.responses["/v1/payments"] = [Served({"data": {"payments": EVENTS}})]
    source = {"id": "api", "type": "rest_webhook_source", "label": "Payments API",
              "config": {"url": http.url("/v1/payments"), "json_path": "$.data.payments", "schema": SCHEMA}}
    rows = run_sdp(spark, source, tmp_path)
    assert sorted((r.card_id, r.amount, r.ts.isoformat()) for r in rows) == [
        ("c'2\"", 7.0, "2026-01-01T10:01:00"), ("c1", 120.5, "2026-01-01T10:00:00"),
        ("c3", 99.0, "2026-01-01T10:02:00")]
    assert [r.path for r in http.requests] == ["/v1/payments"]


def test_sdp_mqtt_source_runs_in_spark_pipelines(spark, mosquitto, tmp_path):
    rows = run_sdp(spark, queued_mqtt_source(mosquitto, "sdp"), tmp_path)
    assert sorted((r.card_id, r.amount, r.topic) for r in rows) == [
        ("c'2\"", 7.0, "sdp/eu/pay"), ("c1", 120.5, "sdp/eu/pay"), ("c3", 99.0, "sdp/us/pay")]
