"""Event Hubs on real I/O: the databricks profile's Event Hubs code (Kafka protocol, SASL_SSL with PLAIN, the user
`$ConnectionString` and the connection string as password) against the KRaft broker's SASL_SSL listener, pointed there
with --event-hubs-bootstrap; the broker's certificate is trusted through the JVM's default truststore, as Azure's is."""

from __future__ import annotations

import json

import pytest

from tests.realio.broker import EVENT_HUBS_CONNECTION, TRUSTSTORE_PASSWORD
from tests.realio.pipelines import document, node

pytestmark = [pytest.mark.spark, pytest.mark.services, pytest.mark.io]

READINGS = [{"turbine_id": f"t-{i}", "rpm": 100.0 * i, "ts": f"2026-05-01T10:0{i}:00Z"} for i in range(1, 4)]


def _run(kafka, real_run, hub: str, out: str, connection: str):
    doc = document("event hubs", [
        node("hub", "event_hubs_source", {
            "namespace": "contoso-telemetry", "event_hub": hub, "connection_secret": {"scope": "azure", "key": "eh"},
            "schema": [{"name": "turbine_id", "type": "string"}, {"name": "rpm", "type": "double"},
                       {"name": "ts", "type": "timestamp"}]}),
        node("out", "kafka_sink", {"bootstrap_servers": kafka.bootstrap, "topic": out}),
    ], [("hub", "out")])
    env = {"LAKESTREAM_SECRET_AZURE__EH": connection,
           "JAVA_TOOL_OPTIONS": f"-Djavax.net.ssl.trustStore={kafka.truststore} "
                                f"-Djavax.net.ssl.trustStorePassword={TRUSTSTORE_PASSWORD} -Djavax.net.ssl.trustStoreType=PKCS12"}
    return real_run(doc, env=env, args=("--event-hubs-bootstrap", kafka.sasl_ssl_bootstrap))


def test_event_hubs_code_reads_through_the_kafka_endpoint(kafka, real_run):
    kafka.produce("turbines", [json.dumps(r).encode() for r in READINGS], protocol="SASL_SSL")
    _run(kafka, real_run, "turbines", "turbines-out", EVENT_HUBS_CONNECTION)
    got = sorted((json.loads(m.value()) for m in kafka.consume("turbines-out", 3)), key=lambda r: r["turbine_id"])
    assert [(r["turbine_id"], r["rpm"], r["ts"]) for r in got] == [
        (r["turbine_id"], r["rpm"], r["ts"].replace(":00Z", ":00.000Z")) for r in READINGS]


def test_a_wrong_connection_string_is_refused_by_the_broker(kafka, real_run):
    kafka.produce("turbines-denied", [b"{}"], protocol="SASL_SSL")
    with pytest.raises(AssertionError, match="Authentication failed|SaslAuthenticationException"):
        _run(kafka, real_run, "turbines-denied", "never-eh", EVENT_HUBS_CONNECTION.replace("c2Vj", "WRONG"))
