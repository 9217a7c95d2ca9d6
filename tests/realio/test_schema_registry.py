"""The schema registry on real I/O: a subject's schema as a source's columns, and Confluent wire-format Avro read by
the Kafka source's code (open-source Spark: schemas fetched from the registry, 5-byte header stripped) through the
KRaft broker, with two schema versions (the older records read into the newer schema)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from lakestream.errors import UserError
from lakestream.schema_registry import import_subject
from tests.realio.pipelines import document, node
from tests.realio.registry import SchemaRegistry, schema_registry  # noqa: F401 (fixture)

pytestmark = [pytest.mark.services, pytest.mark.io]

V1 = {"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "order_id", "type": "string"},
    {"name": "amount", "type": ["null", "double"], "default": None},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
]}
V2 = {**V1, "fields": V1["fields"] + [{"name": "channel", "type": "string", "default": "web"}]}
ORDERS = [{"order_id": f"o-{i}", "amount": 10.5 * i, "ts": datetime(2026, 5, 1, 10, i, tzinfo=timezone.utc)}
          for i in range(1, 5)]


def test_a_subjects_latest_schema_becomes_the_columns(schema_registry):
    schema_registry.register("columns-value", V1)
    schema_registry.register("columns-value", V2)
    imported = import_subject(schema_registry.url, "columns-value")
    assert imported.version == 2 and imported.subject == "columns-value"
    assert imported.columns == [{"name": "order_id", "type": "string"}, {"name": "amount", "type": "double"},
                                {"name": "ts", "type": "timestamp"}, {"name": "channel", "type": "string"}]


def test_a_missing_subject_or_registry_is_a_clear_error(schema_registry):
    with pytest.raises(UserError, match="has no subject 'nope-value'"):
        import_subject(schema_registry.url, "nope-value")
    with pytest.raises(UserError, match="cannot be reached"):
        import_subject("http://127.0.0.1:9", "x-value", timeout=3)
    with pytest.raises(UserError, match="URL"):
        import_subject("registry:8081", "x-value")


def _pipeline(kafka, registry: SchemaRegistry, topic: str, out: str) -> dict:
    columns = import_subject(registry.url, f"{topic}-value").columns
    return document("registry avro", [
        node("orders", "kafka_source", {"bootstrap_servers": kafka.bootstrap, "topics": [topic],
                                        "starting_offsets": "earliest", "value_format": "avro",
                                        "schema_registry_url": registry.url, "schema": columns}),
        node("out", "kafka_sink", {"bootstrap_servers": kafka.bootstrap, "topic": out}),
    ], [("orders", "out")])


@pytest.mark.spark
def test_wire_format_avro_with_two_schema_versions_through_the_broker(kafka, real_run, schema_registry):
    first = schema_registry.register("wire-orders-value", V1)
    values = [SchemaRegistry.encode(first, V1, o) for o in ORDERS[:2]]
    second = schema_registry.register("wire-orders-value", V2)
    assert second != first
    values += [SchemaRegistry.encode(second, V2, {**o, "channel": "app"}) for o in ORDERS[2:]]
    kafka.produce("wire-orders", values)
    real_run(_pipeline(kafka, schema_registry, "wire-orders", "wire-out"))
    got = sorted((json.loads(m.value()) for m in kafka.consume("wire-out", 4)), key=lambda r: r["order_id"])
    assert [(r["order_id"], r["amount"], r["ts"], r["channel"]) for r in got] == [
        ("o-1", 10.5, "2026-05-01T10:01:00.000Z", "web"),  # written with version 1: the reader's default
        ("o-2", 21.0, "2026-05-01T10:02:00.000Z", "web"),
        ("o-3", 31.5, "2026-05-01T10:03:00.000Z", "app"),
        ("o-4", 42.0, "2026-05-01T10:04:00.000Z", "app")]


@pytest.mark.spark
def test_a_record_of_an_unknown_schema_id_stops_the_query_saying_so(kafka, real_run, schema_registry):
    known = schema_registry.register("wire-unknown-value", V1)
    kafka.produce("wire-unknown", [SchemaRegistry.encode(known, V1, ORDERS[0]),
                                   SchemaRegistry.encode(known + 1000, V1, ORDERS[1])])
    with pytest.raises(AssertionError, match=f"schema id {known + 1000} is not among the versions"):
        real_run(_pipeline(kafka, schema_registry, "wire-unknown", "never-out"))
