"""Sink node types: example configs, field-level rejections, cross-field rules, no output, checks, targets."""

from __future__ import annotations

import pytest

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs, Target
from lakestream.nodes.sinks.common import placeholders
from tests.nodes.helpers import Case, case_tests, cols, with_changes

ALERTS = cols("card_id:string", "match_id:string", "status:string", "amount:double", "last_ts:timestamp")
ONE = {"in": (ALERTS,)}
NO_OUTPUT = ({}, ONE, ())
BAD_SECRET = ({"scope": "alerts", "key": "slack webhook"}, "is not a secret scope/key")

CASES = [
    Case(
        "delta_table_sink",
        invalid={"table": ("main.fraud.alerts!", "is not a table name")},
        schema=NO_OUTPUT,
        rejects=(({"merge_keys": []}, "merge mode needs merge_keys"),
                 ({"partition_by": ["card_id"]}, "Use partition_by or cluster_by, not both")),
    ),
    Case(
        "kafka_sink",
        invalid={
            "bootstrap_servers": ("", "This field is required"),
            "topic": ("fraud alerts", "is not a Kafka topic name"),
        },
        schema=NO_OUTPUT,
        rejects=(
            ({"key_expr": "card_id ||"}, "is not a valid Spark SQL expression"),
            ({"sasl_password": None}, "SASL_SSL needs sasl_password"),
            ({"sasl_password": "hunter2"}, "Input should be a valid dictionary"),
        ),
    ),
    Case(
        "rest_webhook_sink",
        invalid={"url": ("hooks.example.com", "is not a URL")},
        schema=NO_OUTPUT,
        rejects=(
            ({"headers": [{"name": "Authorization", "value": "Bearer x"}]}, "use auth with a secret reference"),
            ({"headers": [{"name": "X-A", "value": "a\r\nX-B: b"}]}, "must be on one line"),
            ({"payload_template": "{card_id"}, "The template is malformed"),
            ({"payload_template": "{card id}"}, "is not a placeholder"),
            ({"token": None}, "auth = bearer needs the secret reference(s) token"),
            ({"batch_size": 0}, "greater than or equal to 1"),
        ),
    ),
    Case(
        "alert_sink",
        invalid={
            "provider": ("discord", "Input should be 'slack', 'teams' or 'pagerduty'"),
            "webhook_secret": BAD_SECRET,
            "message_template": ("  ", "This field is required"),
        },
        schema=NO_OUTPUT,
        rejects=(
            ({"api_url": "https://events.eu.pagerduty.com/v2/enqueue"}, "api_url is only used by PagerDuty"),
            ({"webhook_secret": "https://hooks.slack.com/services/T/B/X"}, "Input should be a valid dictionary"),
            ({"message_template": "Card {card_id} {"}, "The template is malformed"),
        ),
    ),
    Case(
        "email_sink",
        invalid={
            "smtp_host": ("smtp://mail.example.com", "is not a host name"),
            "to": (["retention at example.com"], "is not an email address"),
            "subject_template": ("Cart {0}", "is not a placeholder"),
            "body_template": ("", "This field is required"),
        },
        schema=NO_OUTPUT,
        rejects=(
            ({"password": None}, "Give both username and password"),
            ({"to": []}, "List at least one recipient address"),
            ({"smtp_port": 70000}, "less than or equal to 65535"),
            ({"from_address": "alerts"}, "is not an email address"),
        ),
    ),
    Case(
        "sql_warehouse_sink",
        invalid={
            "warehouse_id": ("/sql/1.0/warehouses/abc", "is not a warehouse id"),
            "table": ("ops sla", "is not a table name"),
        },
        schema=NO_OUTPUT,
    ),
    Case(
        "unity_catalog_table_sink",
        invalid={"table": ("a.b.c.d", "is not a table name")},
        schema=NO_OUTPUT,
        rejects=(({"mode": "update"}, "Input should be 'append' or 'complete'"),),
    ),
    Case(
        "dead_letter_queue",
        invalid={"target": ("s3", "Input should be 'table' or 'kafka'")},
        schema=NO_OUTPUT,
        rejects=(
            ({"target": "kafka"}, "target = kafka needs bootstrap_servers and topic"),
            ({"table": None}, "target = table needs table"),
            ({"topic": "bad topic"}, "is not a Kafka topic name"),
        ),
    ),
    Case(
        "lakebase_sink",
        invalid={
            "instance": ("Fraud_Serving", "is not a Lakebase instance name"),
            "database": ("Alerts-DB", "is not a Postgres database name"),
            "table": ("public.card-alerts", "is not a Postgres table"),
        },
        schema=NO_OUTPUT,
        rejects=(
            ({"keys": []}, "mode = upsert needs keys"),
            ({"password": {"scope": "pg", "key": "pw"}}, "needs the Postgres user"),
        ),
    ),
    Case(
        "feature_store_sink",
        invalid={
            "table": ("main.features.card velocity", "is not a table name"),
            "primary_keys": ([], "List at least one column"),
        },
        schema=NO_OUTPUT,
        rejects=(({"primary_keys": ["card_id", "window_end"]}, "do not list it in primary_keys"),),
    ),
]
test_example_config_is_valid, test_each_required_field_rejects_invalid_value, test_cross_field_rules, test_output_schema = (
    case_tests(CASES))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.type)
def test_sinks_have_no_output_ports(case):
    node = get_node_type(case.type)
    assert node.output_ports(node.config.model_validate(node.example)) == ()


def findings(type_id: str, changes: dict, inputs: dict) -> list[tuple[str, str | None]]:
    node = get_node_type(type_id)
    config = node.config.model_validate(with_changes(node.example, changes))
    return [(f.code, f.field) for f in node.checks(config, Inputs(inputs))]


@pytest.mark.parametrize("type_id,changes,expected", [
    ("alert_sink", {"message_template": "Card {card_id}: {reason} ({card_id})"},
     [("template.unknown_column", "message_template")]),
    ("email_sink", {"subject_template": "{customer}", "body_template": "{status} {nope}"},
     [("template.unknown_column", "subject_template"), ("template.unknown_column", "body_template")]),
    ("rest_webhook_sink", {"payload_template": '{{"c": "{card_id}", "t": "{trigger_ts}"}}'},
     [("template.unknown_column", "payload_template")]),
    ("rest_webhook_sink", {"payload_template": None}, []),
    ("feature_store_sink", {"timestamp_key": "status"}, [("column.not_timestamp", "timestamp_key")]),
    ("feature_store_sink", {"timestamp_key": "last_ts"}, []),
])
def test_sink_checks(type_id, changes, expected):
    assert findings(type_id, changes, ONE) == expected


def test_template_placeholders_and_literal_braces():
    assert placeholders('{{"id": "{match_id}"}} at {ts:%H:%M}') == ["match_id", "ts"]
    with pytest.raises(ValueError, match="is not a placeholder"):
        placeholders("{}")


@pytest.mark.parametrize("type_id,changes,expected", [
    ("delta_table_sink", {}, set(Target)),
    ("unity_catalog_table_sink", {}, set(Target)),
    ("kafka_sink", {}, {Target.SDP_PYTHON, Target.SSS}),
    ("dead_letter_queue", {}, set(Target)),
    ("dead_letter_queue", {"target": "kafka", "table": None, "bootstrap_servers": "b:9092", "topic": "dlq"},
     {Target.SDP_PYTHON, Target.SSS}),
    ("alert_sink", {}, {Target.SSS}),
    ("email_sink", {}, {Target.SSS}),
    ("rest_webhook_sink", {}, {Target.SSS}),
    ("lakebase_sink", {}, {Target.SSS}),
    ("sql_warehouse_sink", {}, {Target.SSS}),
    ("feature_store_sink", {}, {Target.SSS}),
])
def test_sink_targets(type_id, changes, expected):
    node = get_node_type(type_id)
    assert node.targets_for(node.config.model_validate(with_changes(node.example, changes))) == expected
