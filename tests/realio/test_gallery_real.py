"""Gallery templates run end to end on real I/O: events written to Kafka topics, the databricks profile's code on
Spark with the Kafka connector, Delta tables read back; exactly the rows of expected/<sink>.jsonl.

The CDC template (order to cash) reads Debezium envelopes: its sample row images are written to the topic as the
envelopes a Debezium connector sends (op c/u/d, the row in `after`, or `before` for a delete).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest

from lakestream.connectors.secrets import env_name
from tests.gallery.templates import CARDS, document, sample_events
from tests.gallery.test_templates_spark import assert_expected_sinks, point_services_at_recorders
from tests.realio.broker import TRUSTSTORE_PASSWORD, USERS

pytestmark = [pytest.mark.spark, pytest.mark.services, pytest.mark.io]

KAFKA_CARDS = [c for c in CARDS if any(n.type in ("kafka_source", "cdc_stream") for n in document(c).nodes)]


def debezium(row: dict) -> dict:
    """The Debezium envelope of one flattened change (the local profile's row image with _change_type…)."""
    image = {k: v for k, v in row.items() if not k.startswith("_")}
    op = {"insert": "c", "update_postimage": "u", "delete": "d"}[row["_change_type"]]
    stamp = datetime.fromisoformat(row["_commit_timestamp"].replace("Z", "+00:00")).astimezone(timezone.utc)
    return {"before": image if op == "d" else None, "after": None if op == "d" else image, "op": op,
            "ts_ms": int(stamp.timestamp() * 1000), "source": {"lsn": row["_commit_version"]}}


def secrets_env(doc) -> dict:
    """Values for every secret the template's services sinks read that point_services_at_recorders left unset."""
    found = {}
    for node in doc.nodes:
        for value in (node.config or {}).values():
            if isinstance(value, dict) and set(value) == {"scope", "key"}:
                found[env_name(value["scope"], value["key"])] = "unused"
    return found


# Spark 4.2 failed, now and then, a task of one of a template's several streaming queries started at the same moment
# (java.io.OptionalDataException, 1-2 of 9 templates per full run); `lakestream run --io real` now starts them one
# after another (real_io.one_query_at_a_time): not seen in three full runs since, so this test has no rerun.
@pytest.mark.parametrize("card", KAFKA_CARDS, ids=[c.folder.name for c in KAFKA_CARDS])
def test_template_on_kafka_and_delta_gives_exactly_the_expected_rows(card, kafka, real_run, http, smtp, monkeypatch):
    """Each Kafka node is pointed at the broker's listener for its own security protocol (security threats: SASL_SSL
    with SCRAM-SHA-512), its topic holds the sample events, and its tables must hold exactly the expected rows."""
    import os

    doc = document(card)
    pointed = point_services_at_recorders(doc, http, smtp, monkeypatch)
    data = pointed.to_dict()
    env = {**secrets_env(doc), **{k: v for k, v in os.environ.items() if k.startswith("LAKESTREAM_SECRET_")}}
    for node in data["nodes"]:  # one topic per test: the session's broker is shared
        if node["type"] in ("kafka_source", "cdc_stream"):
            config = node["config"]
            protocol = config.get("security_protocol", "PLAINTEXT")
            config["bootstrap_servers"] = kafka.listener(protocol)  # the listener speaking the template's protocol
            if protocol.startswith("SASL"):
                env[env_name(**config["sasl_username"])] = "alice"
                env[env_name(**config["sasl_password"])] = USERS["alice"]
            if protocol.endswith("SSL"):  # where this broker's certificate is trusted
                config["ssl_truststore_location"] = str(kafka.truststore)
                config["ssl_truststore_password"] = {"scope": "test", "key": "truststore"}
                env[env_name("test", "truststore")] = TRUSTSTORE_PASSWORD
            topic = f"{card.folder.name}-{node['id']}-{uuid.uuid4().hex[:8]}"  # a rerun starts on empty topics
            node["config"]["topics" if node["type"] == "kafka_source" else "topic"] = (
                [topic] if node["type"] == "kafka_source" else topic)
            rows = sample_events(card, doc)[node["id"]]
            values = [json.dumps(debezium(r) if node["type"] == "cdc_stream" else r) for r in rows]
            kafka.produce(topic, [v.encode() for v in values], protocol=protocol)
    tables, _ = real_run(data, env=env)
    assert_expected_sinks(card, pointed, tables.__getitem__, http, smtp)
