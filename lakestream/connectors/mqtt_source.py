"""MQTT streaming source: a PySpark Python data source subscribing with paho-mqtt.

    spark.dataSource.register(MqttDataSource)
    spark.readStream.format("lakestream_mqtt").option("broker_url", "mqtt://host:1883")
        .option("topic_filter", "plant/+/temperature").option("schema", "id STRING, t DOUBLE").load()

Each message's payload is JSON (an object gives one row, an array one row per element) parsed into
the declared schema; the `topic` column holds the message's topic. Options: broker_url, topic_filter,
schema (DDL), qos (0/1/2), client_id, username, password (values, resolved from secrets by the
caller), clean_session, keepalive, connect_timeout, max_buffered, payload_format (json/text: text
puts the payload in a `value` column), drain_seconds and drain_timeout (Trigger.AvailableNow: how
long the broker must stay quiet, and the longest wait, before the run's end offset is fixed).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from urllib.parse import urlsplit

from pyspark.sql.datasource import DataSource
from pyspark.sql.types import StringType, StructType

from .buffered import BufferedStreamReader
from .errors import ConnectorError, safe_endpoint
from .records import records_of, struct_converter

_SCHEMES = {"mqtt": (1883, False, "tcp"), "tcp": (1883, False, "tcp"), "mqtts": (8883, True, "tcp"),
            "ssl": (8883, True, "tcp"), "ws": (80, False, "websockets"), "wss": (443, True, "websockets")}


def _flag(options, name: str, default: bool) -> bool:
    return str(options.get(name, default)).lower() in ("true", "1", "yes")


class MqttDataSource(DataSource):
    """Registered as format "lakestream_mqtt"."""

    @classmethod
    def name(cls) -> str:
        return "lakestream_mqtt"

    def schema(self) -> str:
        if self.options.get("payload_format", "json") == "text":
            return "value STRING, topic STRING"
        declared = self.options.get("schema")
        if not declared:
            raise ConnectorError("MQTT source", self.options.get("broker_url", "?"),
                                 "option 'schema' (the payload's columns as DDL) is required")
        return f"{declared}, topic STRING"

    def streamReader(self, schema: StructType) -> "MqttStreamReader":
        return MqttStreamReader(schema, self.options)


class MqttStreamReader(BufferedStreamReader):
    """Checks its options when built; connects when Spark first asks for offsets, after which
    paho's network thread fills the buffer."""

    _RUNTIME = BufferedStreamReader._RUNTIME + ("_client", "_subscribed")

    def __init__(self, schema: StructType, options):
        super().__init__(int(options.get("max_buffered", 100_000)))
        self._url = options.get("broker_url", "")
        self._topic = options.get("topic_filter", "")
        self._qos = int(options.get("qos", 0))
        self._text = options.get("payload_format", "json") == "text"
        payload_fields = [f for f in schema.fields if f.name != "topic"]
        self._convert = struct_converter(StructType(payload_fields))
        self._width = len(payload_fields)
        if [f.name for f in schema.fields][-1:] != ["topic"] or schema["topic"].dataType != StringType():
            raise self._error("the schema must end with a 'topic STRING' column")
        if not self._topic:
            raise self._error("option 'topic_filter' is required")
        if self._qos not in (0, 1, 2):
            raise self._error(f"qos must be 0, 1 or 2, not {self._qos}")
        self._parse_url()  # fail early on a malformed URL
        self._client_id = options.get("client_id") or f"lakestream-{uuid.uuid4().hex[:12]}"
        self._clean_session = _flag(options, "clean_session", True)
        self._username, self._password = options.get("username"), options.get("password")
        self._keepalive = int(options.get("keepalive", 60))
        self._timeout = float(options.get("connect_timeout", 10))
        self._drain = float(options.get("drain_seconds", 1.0))
        self._drain_max = float(options.get("drain_timeout", 30.0))

    def _open(self) -> None:
        """Connect, subscribe, and wait for the broker's acknowledgement (in the driver)."""
        import paho.mqtt.client as mqtt

        _, host, port, tls, transport = self._parse_url()
        self._subscribed = threading.Event()
        self._failure: str | None = None
        self._client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
                                   client_id=self._client_id, clean_session=self._clean_session,
                                   transport=transport)
        if self._username:
            self._client.username_pw_set(self._username, self._password)
        if tls:
            self._client.tls_set()
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        try:
            self._client.connect(host, port, keepalive=self._keepalive)
        except (OSError, ValueError) as error:
            raise self._error(f"cannot connect: {error}") from None
        self._client.loop_start()
        if not self._subscribed.wait(self._timeout) or self._failure:
            self._client.loop_stop()
            raise self._error(self._failure or f"no subscription acknowledged within {self._timeout:g} s")
        self._last_arrival = time.monotonic()

    def prepareForTriggerAvailableNow(self) -> None:
        """Trigger.AvailableNow reads what the broker delivers on connecting (retained messages, a
        persistent session's queue): wait until no message came for drain_seconds, then fix the end."""
        self._start()
        deadline = time.monotonic() + self._drain_max
        while time.monotonic() < deadline and time.monotonic() - self._last_arrival < self._drain:
            time.sleep(0.05)
        super().prepareForTriggerAvailableNow()

    def _error(self, cause: str) -> ConnectorError:
        return ConnectorError("MQTT source", f"{safe_endpoint(self._url)} topic {self._topic!r}", cause)

    def _parse_url(self):
        parts = urlsplit(self._url)
        if parts.scheme not in _SCHEMES or not parts.hostname:
            raise self._error("broker_url must look like mqtt://host:1883 (schemes: " + ", ".join(_SCHEMES) + ")")
        default_port, tls, transport = _SCHEMES[parts.scheme]
        return parts.scheme, parts.hostname, parts.port or default_port, tls, transport

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self._failure = f"broker refused the connection: {reason_code}"
            self._subscribed.set()  # wake _open: it reports the failure
            return
        # Subscribing here (not once after connect) renews the subscription after a reconnect.
        client.subscribe(self._topic, qos=self._qos)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        refused = [str(code) for code in reason_codes if code.is_failure]
        if refused:
            self._failure = f"broker refused the subscription: {', '.join(refused)}"
        self._subscribed.set()

    def _on_message(self, client, userdata, message) -> None:
        self._last_arrival = time.monotonic()
        if self._text:
            self._append([(message.payload.decode("utf-8", "replace"), message.topic)])
            return
        try:
            document = json.loads(message.payload)
        except ValueError:
            document = None  # not JSON: a row of nulls keeps the message visible with its topic
        rows = []
        for record in records_of(document):
            row = self._convert(record) or (None,) * self._width
            rows.append(row + (message.topic,))
        self._append(rows)

    def stop(self) -> None:
        if not self._started:
            return
        self._client.disconnect()
        self._client.loop_stop()
