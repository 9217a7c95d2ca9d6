"""Kafka on real I/O: the databricks profile's source and sink code against a KRaft broker.

One pipeline per test, each run by `lakestream run --io real` (a Spark start costs ~10 s): JSON values with keys
and headers over SASL/PLAIN read and written back over SSL (read back by confluent-kafka), text values, Avro values (the
declared schema) written back as Avro, and startingOffsets at a timestamp.
"""

from __future__ import annotations

import io
import json
import time
from datetime import datetime

import fastavro
import pytest

from lakestream.codegen.nodes.kafka_source import _avro_schema
from lakestream.pipeline import load_pipeline
from tests.realio.broker import TRUSTSTORE_PASSWORD
from tests.realio.pipelines import SASL, SASL_ENV, document, node, ssl, ssl_env

pytestmark = [pytest.mark.spark, pytest.mark.services, pytest.mark.io]

ORDERS = [{"order_id": f"o-{i}", "amount": 10.5 * i, "ts": f"2026-05-01T10:0{i}:00Z"} for i in range(1, 5)]
SCHEMA = [{"name": "order_id", "type": "string"}, {"name": "amount", "type": "double"},
          {"name": "ts", "type": "timestamp"}]


def source(node_id, broker_bootstrap, topic, **config):
    return node(node_id, "kafka_source", {"bootstrap_servers": broker_bootstrap, "topics": [topic],
                                          "starting_offsets": "earliest", "schema": SCHEMA, **config})


def sink(node_id, bootstrap, topic, **config):
    return node(node_id, "kafka_sink", {"bootstrap_servers": bootstrap, "topic": topic, **config})


def test_json_with_keys_over_sasl_to_a_topic_over_ssl(kafka, real_run):
    kafka.produce("sasl-orders", [json.dumps(o).encode() for o in ORDERS], keys=[o["order_id"].encode() for o in ORDERS],
                  headers=[[("origin", b"shop")] for _ in ORDERS], protocol="SASL_PLAINTEXT")
    doc = document("sasl to ssl", [
        source("orders", kafka.sasl_bootstrap, "sasl-orders", include_headers=True, **SASL),
        node("big", "filter", {"condition": "amount > 20"}),
        sink("out", kafka.ssl_bootstrap, "ssl-orders", key_expr="concat(_kafka_key, '/', order_id)",
             **ssl(kafka.truststore)),
    ], [("orders", "big"), ("big", "out")])
    real_run(doc, env={**SASL_ENV, **ssl_env(TRUSTSTORE_PASSWORD)}, earliest=False)
    messages = kafka.consume("ssl-orders", 3, protocol="SSL")
    got = sorted((m.key().decode(), json.loads(m.value())) for m in messages)
    wanted = [(f"{o['order_id']}/{o['order_id']}", o) for o in ORDERS if o["amount"] > 20]
    assert [(k, {c: v[c] for c in ("order_id", "amount")}) for k, v in got] == \
        [(k, {c: o[c] for c in ("order_id", "amount")}) for k, o in wanted]
    # the sink writes every column: the value's, then the Kafka metadata the source added
    assert [v["ts"] for _, v in got] == ["2026-05-01T10:02:00.000Z", "2026-05-01T10:03:00.000Z",
                                          "2026-05-01T10:04:00.000Z"]
    assert {v["_kafka_topic"] for _, v in got} == {"sasl-orders"}
    assert [v["_kafka_headers"] for _, v in got] == [[{"key": "origin", "value": "shop"}]] * 3


def test_wrong_sasl_password_fails_the_run_with_the_brokers_answer(kafka, real_run):
    kafka.produce("sasl-denied", [b"{}"], protocol="SASL_PLAINTEXT")
    doc = document("denied", [source("orders", kafka.sasl_bootstrap, "sasl-denied", **SASL),
                              sink("out", kafka.bootstrap, "never")], [("orders", "out")])
    with pytest.raises(AssertionError, match="Authentication failed|SaslAuthenticationException"):
        real_run(doc, env={**SASL_ENV, "LAKESTREAM_SECRET_KAFKA__PASSWORD": "wrong"}, timeout=300)
    assert not kafka.consume("never", 1, timeout=3)


def test_text_values_over_ssl(kafka, real_run):
    kafka.produce("ssl-lines", [b"first line", "zweite Zeile \u00e4".encode()], protocol="SSL")
    doc = document("text", [
        node("lines", "kafka_source", {"bootstrap_servers": kafka.ssl_bootstrap, "topics": ["ssl-lines"],
                                        "starting_offsets": "earliest", "value_format": "text",
                                        **ssl(kafka.truststore)}),
        sink("out", kafka.bootstrap, "text-out"),
    ], [("lines", "out")])
    real_run(doc, env=ssl_env(TRUSTSTORE_PASSWORD))
    assert sorted(json.loads(m.value())["value"] for m in kafka.consume("text-out", 2)) == \
        ["first line", "zweite Zeile \u00e4"]


def test_avro_values_round_trip(kafka, real_run):
    """Avro in (the declared columns' schema, written by fastavro), Avro out (Spark's to_avro), read by fastavro."""
    config = load_pipeline(document("x", [source("s", "b:1", "t", value_format="avro")], [])).node("s").parsed
    schema = fastavro.parse_schema(json.loads(_avro_schema(config)))

    def encode(order):
        buffer = io.BytesIO()
        record = {**order, "ts": datetime.fromisoformat(order["ts"].replace("Z", "+00:00"))}
        fastavro.schemaless_writer(buffer, schema, record)
        return buffer.getvalue()

    kafka.produce("avro-in", [encode(o) for o in ORDERS])
    doc = document("avro", [
        source("orders", kafka.bootstrap, "avro-in", value_format="avro"),
        node("pick", "map_select", {"columns": [{"expr": "order_id", "alias": "order_id"},
                                                 {"expr": "amount", "alias": "amount"}]}),
        sink("out", kafka.bootstrap, "avro-out", value_format="avro"),
    ], [("orders", "pick"), ("pick", "out")])
    real_run(doc)
    out_schema = fastavro.parse_schema({"type": "record", "name": "topLevelRecord", "fields": [
        {"name": "order_id", "type": ["string", "null"]}, {"name": "amount", "type": ["double", "null"]}]})
    got = [fastavro.schemaless_reader(io.BytesIO(m.value()), out_schema) for m in kafka.consume("avro-out", 4)]
    assert sorted(got, key=lambda r: r["order_id"]) == [{"order_id": o["order_id"], "amount": o["amount"]}
                                                        for o in ORDERS]


def test_starting_offsets_at_a_timestamp_skips_older_records(kafka, real_run):
    kafka.produce("stamped", [json.dumps(o).encode() for o in ORDERS[:2]])
    time.sleep(1.5)
    middle = int(time.time() * 1000)
    time.sleep(1.5)
    kafka.produce("stamped", [json.dumps(o).encode() for o in ORDERS[2:]])
    doc = document("from a time", [
        source("orders", kafka.bootstrap, "stamped", starting_offsets="timestamp", starting_timestamp=middle),
        sink("out", kafka.bootstrap, "stamped-out"),
    ], [("orders", "out")])
    real_run(doc)
    assert sorted(json.loads(m.value())["order_id"] for m in kafka.consume("stamped-out", 2)) == ["o-3", "o-4"]
