"""The MQTT and REST stream readers driven directly (as Spark's driver does) against real servers."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from datetime import datetime, timezone

import paho.mqtt.client as mqtt
import pytest
from pyspark import cloudpickle
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType, TimestampType

from lakestream.connectors.buffered import RowsPartition
from lakestream.connectors.errors import ConnectorError
from lakestream.connectors.mqtt_source import MqttDataSource, MqttStreamReader
from lakestream.connectors.rest_source import RestDataSource, RestStreamReader
from tests.conftest import require
from tests.services.servers import MOSQUITTO, Mosquitto, Served

pytestmark = pytest.mark.services

PAYLOAD_DDL = "device STRING, temp DOUBLE, ts TIMESTAMP"
_TYPES = {"STRING": StringType(), "DOUBLE": DoubleType(), "TIMESTAMP": TimestampType(), "INT": IntegerType()}


def struct(ddl: str) -> StructType:
    """The StructType of a simple DDL string (StructType.fromDDL needs a running JVM)."""
    pairs = [column.split() for column in ddl.split(",")]
    return StructType([StructField(name, _TYPES[kind]) for name, kind in pairs])


def schema_of(source) -> StructType:
    return struct(source.schema())


def batch(reader, start: dict) -> tuple[list[tuple], dict]:
    """One micro-batch as Spark plans it: latest offset, partitions, read, commit."""
    end = reader.latestOffset()
    rows = [row for part in reader.partitions(start, end) for row in reader.read(part)]
    reader.commit(end)
    return rows, end


def wait_rows(reader, start: dict, count: int, timeout: float = 10.0) -> tuple[list[tuple], dict]:
    rows: list[tuple] = []
    deadline = time.monotonic() + timeout
    while len(rows) < count and time.monotonic() < deadline:
        more, start = batch(reader, start)
        rows += more
        time.sleep(0.02)
    return rows, start


def test_mqtt_messages_become_rows_with_their_topic(mosquitto):
    options = {"broker_url": mosquitto.url, "topic_filter": "plant/+/t", "schema": PAYLOAD_DDL, "qos": "1"}
    source = MqttDataSource(options)
    assert source.schema() == f"{PAYLOAD_DDL}, topic STRING"
    reader = source.streamReader(schema_of(source))
    try:
        start = reader.initialOffset()
        mosquitto.publish("plant/a/t", [{"device": "d1", "temp": 20.5, "ts": "2026-01-01T00:00:00Z"},
                                        [{"device": "d2", "temp": 21}, {"device": "d3", "temp": "bad"}],
                                        "not json"])
        mosquitto.publish("other/topic", [{"device": "ignored"}])
        rows, start = wait_rows(reader, start, 4)
        assert rows == [("d1", 20.5, datetime(2026, 1, 1, tzinfo=timezone.utc), "plant/a/t"),
                        ("d2", 21.0, None, "plant/a/t"), ("d3", None, None, "plant/a/t"),
                        (None, None, None, "plant/a/t")]
        assert batch(reader, start)[0] == []  # committed rows are not read again
    finally:
        reader.stop()


def test_mqtt_text_payloads(mosquitto):
    source = MqttDataSource({"broker_url": mosquitto.url, "topic_filter": "logs", "payload_format": "text"})
    reader = source.streamReader(schema_of(source))
    try:
        start = reader.initialOffset()  # connects and subscribes
        mosquitto.publish("logs", ["héllo", b"\xff"])
        rows, _ = wait_rows(reader, start, 2)
        assert rows == [("héllo", "logs"), ("\ufffd", "logs")]
    finally:
        reader.stop()


def test_available_now_takes_what_the_broker_delivers_on_connect(mosquitto):
    mosquitto.publish("retained/a", [{"device": "r1"}], retain=True)
    source = MqttDataSource({"broker_url": mosquitto.url, "topic_filter": "retained/#", "schema": PAYLOAD_DDL,
                             "drain_seconds": "0.3"})
    reader = source.streamReader(schema_of(source))
    try:
        start = reader.initialOffset()
        reader.prepareForTriggerAvailableNow()
        end = reader.latestOffset(start, None)
        assert end["index"] == 1
        mosquitto.publish("retained/a", [{"device": "late"}])
        time.sleep(0.2)
        assert reader.latestOffset(end, None) == end  # nothing past the end fixed at the start
        assert [row for p in reader.partitions(start, end) for row in reader.read(p)] == [("r1", None, None, "retained/a")]
    finally:
        reader.stop()


def test_mqtt_connection_problems_are_clear(mosquitto):
    schema = struct(f"{PAYLOAD_DDL}, topic STRING")
    reader = MqttStreamReader(schema, {"broker_url": "mqtt://127.0.0.1:9", "topic_filter": "t"})
    with pytest.raises(ConnectorError, match=r"MQTT source failed at mqtt://127.0.0.1:9 topic 't': cannot connect"):
        reader.initialOffset()
    with pytest.raises(ConnectorError, match="broker_url must look like mqtt://host:1883"):
        MqttStreamReader(schema, {"broker_url": "http://x", "topic_filter": "t"})
    with pytest.raises(ConnectorError, match="qos must be 0, 1 or 2"):
        MqttStreamReader(schema, {"broker_url": mosquitto.url, "topic_filter": "t", "qos": "3"})
    with pytest.raises(ConnectorError, match="option 'schema'"):
        MqttDataSource({"broker_url": mosquitto.url}).schema()


def test_mqtt_credentials_are_used_and_refusals_are_clear():
    require(shutil.which("mosquitto_passwd") is not None and Path(MOSQUITTO).exists(),
            "mosquitto and mosquitto_passwd (.ci/services.sh)")
    broker = Mosquitto(users={"sensor": "p@ss 'w"})
    try:
        options = {"broker_url": broker.url, "topic_filter": "t", "schema": PAYLOAD_DDL, "username": "sensor"}
        wrong = MqttDataSource({**options, "password": "nope"})
        with pytest.raises(ConnectorError, match="broker refused the connection: Not authorized"):
            wrong.streamReader(schema_of(wrong)).initialOffset()
        right = MqttDataSource({**options, "password": "p@ss 'w"})
        reader = right.streamReader(schema_of(right))
        try:
            start = reader.initialOffset()
            client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2)
            client.username_pw_set("sensor", "p@ss 'w")
            client.connect("127.0.0.1", broker.port)
            client.loop_start()
            client.publish("t", json.dumps({"device": "d1"}), qos=1).wait_for_publish(5)
            client.disconnect()
            client.loop_stop()
            assert wait_rows(reader, start, 1)[0] == [("d1", None, None, "t")]
        finally:
            reader.stop()
    finally:
        broker.stop()


def test_readers_pickle_without_their_connection(mosquitto):
    source = MqttDataSource({"broker_url": mosquitto.url, "topic_filter": "p", "schema": PAYLOAD_DDL})
    reader = source.streamReader(schema_of(source))
    try:
        reader.initialOffset()  # connected: holds a client, a thread lock and a buffer
        copy = cloudpickle.loads(cloudpickle.dumps(reader))
        assert not hasattr(copy, "_client") and list(copy.read(RowsPartition([("x",)]))) == [("x",)]
    finally:
        reader.stop()


def test_offsets_from_an_earlier_session_read_nothing(mosquitto):
    source = MqttDataSource({"broker_url": mosquitto.url, "topic_filter": "s", "schema": PAYLOAD_DDL})
    reader = source.streamReader(schema_of(source))
    try:
        start = reader.initialOffset()
        mosquitto.publish("s", [{"device": "d1"}])
        rows, end = wait_rows(reader, start, 1)
        assert len(rows) == 1
        old = {"session": "before-restart", "index": 7}
        assert reader.partitions(old, old) == []
        mosquitto.publish("s", [{"device": "d2"}])
        rows, _ = wait_rows(reader, old, 1)  # a restarted query resumes at what this session buffered
        assert rows == [("d2", None, None, "s")]
    finally:
        reader.stop()


def test_rest_source_polls_records_at_the_json_path(http):
    http.responses["/events"] = [Served({"data": {"items": [{"id": "a", "n": 1}, {"id": "b", "n": "x"}]}}),
                                 Served({"data": {"items": [{"id": "c", "n": 3}]}}),
                                 Served({"data": {}})]
    options = {"url": http.url("/events?since=0"), "schema": "id STRING, n INT", "json_path": "$.data.items",
               "poll_interval": "0", "auth": "bearer", "token": "tk", "headers": '{"X-Api": "v1"}'}
    source = RestDataSource(options)
    reader = source.streamReader(schema_of(source))
    start = reader.initialOffset()
    rows, start = batch(reader, start)
    assert rows == [("a", 1), ("b", None)]
    assert batch(reader, start)[0] == [("c", 3)]
    assert batch(reader, start)[0] == []
    first = http.requests[0]
    assert first.path == "/events?since=0" and first.headers["Authorization"] == "Bearer tk"
    assert first.headers["X-Api"] == "v1"


def test_rest_source_respects_the_poll_interval(http):
    http.responses["/e"] = [{"id": "a"}]
    reader = RestStreamReader(struct("id STRING"), {"url": http.url("/e"), "poll_interval": "60"})
    reader.latestOffset()
    reader.latestOffset()
    assert len(http.requests) == 1


def test_rest_source_failures_name_the_endpoint(http):
    http.fail(3, status=502)
    reader = RestStreamReader(struct("id STRING"),
                              {"url": http.url("/e?key=SECRET"), "retries": "2", "backoff": "0.01"})
    with pytest.raises(ConnectorError) as caught:
        reader.latestOffset()
    assert str(caught.value).startswith(f"REST source failed at http://127.0.0.1:{http.port}/e: HTTP 502")
    assert "after 3 attempts" in str(caught.value) and "SECRET" not in str(caught.value)
    with pytest.raises(ConnectorError, match="basic auth needs a username and a password"):
        RestStreamReader(struct("id STRING"), {"url": http.url(), "auth": "basic"})
