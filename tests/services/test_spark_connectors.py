"""The connectors inside real Spark streaming queries: MQTT and REST sources, writers in foreachBatch."""

from __future__ import annotations

import json
import time

import paho.mqtt.client as mqtt
import pytest

from lakestream.connectors.alert_sink import AlertWriter
from lakestream.connectors.email_sink import EmailWriter
from lakestream.connectors.lakebase_sink import LakebaseWriter
from lakestream.connectors.mqtt_source import MqttDataSource
from lakestream.connectors.rest_source import RestDataSource
from lakestream.connectors.webhook_sink import WebhookWriter
from tests.services.servers import Served

pytestmark = [pytest.mark.spark, pytest.mark.services]

EVENTS = [{"card": "c1", "amount": 120.5, "ts": "2026-01-01T10:00:00Z"},
          {"card": "c2", "amount": 7.0, "ts": "2026-01-01T10:01:00Z"},
          {"card": "c'3", "amount": 99.0, "ts": "2026-01-01T10:02:00Z"}]


def rows_until(spark, query, count: int, timeout: float = 60.0) -> list:
    table = query.name
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and query.isActive:
        rows = spark.table(table).collect()
        if len(rows) >= count:
            return rows
        time.sleep(0.2)
    assert query.exception() is None, query.exception()
    raise AssertionError(f"{table} has {len(spark.table(table).collect())} rows, expected {count}")


def test_mqtt_source_streams_queued_and_live_messages(spark, mosquitto, tmp_path):
    # A persistent session: the broker queues QoS 1 messages for this client id while it is away.
    session = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="ls-test",
                          clean_session=False)
    session.connect("127.0.0.1", mosquitto.port)
    session.loop_start()
    session.subscribe("cards/#", qos=1)[1]
    time.sleep(0.3)
    session.disconnect()
    session.loop_stop()
    mosquitto.publish("cards/eu", EVENTS[:2])

    spark.dataSource.register(MqttDataSource)
    stream = (spark.readStream.format("lakestream_mqtt").option("broker_url", mosquitto.url)
              .option("topic_filter", "cards/#").option("qos", "1").option("client_id", "ls-test")
              .option("clean_session", "false").option("schema", "card STRING, amount DOUBLE, ts TIMESTAMP").load())
    query = (stream.writeStream.format("memory").queryName("mqtt_rows").trigger(processingTime="200 milliseconds")
             .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        rows_until(spark, query, 2)
        mosquitto.publish("cards/us", EVENTS[2:])
        rows = rows_until(spark, query, 3)
    finally:
        query.stop()
    assert query.exception() is None
    assert sorted((r.card, r.amount, r.ts.isoformat(), r.topic) for r in rows) == [
        ("c'3", 99.0, "2026-01-01T10:02:00", "cards/us"),
        ("c1", 120.5, "2026-01-01T10:00:00", "cards/eu"),
        ("c2", 7.0, "2026-01-01T10:01:00", "cards/eu")]


def test_rest_source_with_available_now(spark, http, tmp_path):
    http.responses["/api/events"] = [Served({"result": {"events": EVENTS}})]
    spark.dataSource.register(RestDataSource)
    stream = (spark.readStream.format("lakestream_rest").option("url", http.url("/api/events"))
              .option("json_path", "result.events").option("auth", "bearer").option("token", "t")
              .option("schema", "card STRING, amount DOUBLE").load())
    query = (stream.writeStream.format("memory").queryName("rest_rows").trigger(availableNow=True)
             .option("checkpointLocation", str(tmp_path / "cp")).start())
    query.awaitTermination(60)
    assert query.exception() is None
    assert sorted(tuple(r) for r in spark.table("rest_rows").collect()) == [("c'3", 99.0), ("c1", 120.5), ("c2", 7.0)]
    assert http.requests[0].headers["Authorization"] == "Bearer t"


def event_stream(spark, tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    (folder / "part-0.json").write_text("\n".join(json.dumps(e) for e in EVENTS))
    return spark.readStream.schema("card STRING, amount DOUBLE, ts TIMESTAMP").json(str(folder))


def test_every_writer_in_a_real_foreach_batch(spark, http, smtp, postgres, tmp_path):
    postgres.query("CREATE TABLE public.card_alerts (card text PRIMARY KEY, amount double precision, ts timestamptz)")
    writers = [
        WebhookWriter(http.url("/hook"), payload_template='{{"card": "{card}", "amount": {amount}}}', batch_size=2),
        AlertWriter("slack", http.url("/slack/T/B/X"), "Card {card}: {amount}"),
        EmailWriter("127.0.0.1", ["ops@example.com"], "Alert {card}", "Amount {amount}", smtp_port=smtp.port,
                    security="none"),
        LakebaseWriter(postgres.params, "public.card_alerts", mode="upsert", keys=["card"]),
    ]

    def fan_out(batch_df, batch_id):
        for writer in writers:
            writer(batch_df, batch_id)

    query = (event_stream(spark, tmp_path).writeStream.foreachBatch(fan_out).trigger(availableNow=True)
             .option("checkpointLocation", str(tmp_path / "cp")).start())
    query.awaitTermination(60)
    assert query.exception() is None
    hooks = [r.json() for r in http.requests if r.path == "/hook"]
    assert sorted(p["card"] for chunk in hooks for p in chunk) == ["c'3", "c1", "c2"]
    assert sorted(r.json()["text"] for r in http.requests if r.path.startswith("/slack")) == [
        "[WARNING] Card c'3: 99.0", "[WARNING] Card c1: 120.5", "[WARNING] Card c2: 7.0"]
    assert sorted(m["Subject"] for _, _, m in smtp.messages) == ["Alert c'3", "Alert c1", "Alert c2"]
    assert postgres.query("SELECT card, amount, ts::text FROM public.card_alerts ORDER BY card") == [
        ("c'3", 99.0, "2026-01-01 10:02:00+00"), ("c1", 120.5, "2026-01-01 10:00:00+00"),
        ("c2", 7.0, "2026-01-01 10:01:00+00")]


def test_a_failing_sink_fails_the_query_with_a_clear_message(spark, http, tmp_path):
    http.fail(10, status=503)
    writer = WebhookWriter(http.url("/down"), retries=1, backoff=0.01, name="webhook sink 'Ops hook'")
    query = (event_stream(spark, tmp_path).writeStream.foreachBatch(writer).trigger(availableNow=True)
             .option("checkpointLocation", str(tmp_path / "cp")).start())
    with pytest.raises(Exception):
        query.awaitTermination(60)
    message = str(query.exception())
    assert (f"webhook sink 'Ops hook' (POST) failed at http://127.0.0.1:{http.port}/down: HTTP 503 Service "
            "Unavailable") in message
    assert "(after 2 attempts)" in message
