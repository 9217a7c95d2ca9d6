"""Example rows of sources (their output schema) and sinks (rows received, where they go, messages sent)."""

# Alert, email and webhook messages are rendered by the connectors' own template code.

from __future__ import annotations

from collections.abc import Callable

from lakestream.connectors.placeholders import is_json_template, render, render_json_text
from lakestream.node_examples.rows import Rows, at, rows

KAFKA_META = (
    "_kafka_key:string _kafka_topic:string _kafka_partition:int _kafka_offset:bigint _kafka_timestamp:timestamp")

SOURCE_ROWS: dict[str, Rows] = {
    "kafka_source": rows(
        f"card_id:string amount:double merchant:string ts:timestamp {KAFKA_META}",
        ("c1", 4.5, "coffee_corner", at("10:00"), "c1", "payments", 0, 1041, at("10:00:01")),
        ("c2", 899.0, "gadget_hub", at("10:01"), "c2", "payments", 3, 77, at("10:01:02"))),
    "delta_table_source": rows(
        "order_id:string customer_id:string total:double order_ts:timestamp",
        ("o1", "u1", 59.9, at("09:58")), ("o2", "u7", 12.0, at("10:02"))),
    "auto_loader": rows(
        "device_id:string temperature:double ts:timestamp", ("d1", 21.4, at("10:00")), ("d2", 19.8, at("10:00:05"))),
    "rest_webhook_source": rows(
        "incident_id:string service:string severity:string opened_at:timestamp",
        ("INC-101", "checkout", "critical", at("09:40")), ("INC-102", "search", "minor", at("09:55"))),
    "cdc_stream": rows(
        "order_id:string status:string amount:double updated_at:timestamp _change_type:string "
        "_commit_version:bigint _commit_timestamp:timestamp",
        ("o1", "paid", 59.9, at("10:00"), "update_postimage", 12, at("10:00:01")),
        ("o3", "new", 15.0, at("10:01"), "insert", 13, at("10:01:01"))),
    "event_hubs_source": rows("turbine_id:string rpm:double ts:timestamp",
                              ("t1", 14.2, at("10:00")), ("t2", 13.9, at("10:00:01"))),
    "kinesis_source": rows("vehicle_id:string lat:double lon:double ts:timestamp",
                           ("v1", 52.37, 4.89, at("10:00")), ("v2", 51.92, 4.48, at("10:00:02"))),
    "mqtt_source": rows(
        "machine_id:string temperature:double vibration:double ts:timestamp topic:string",
        ("m1", 71.5, 0.02, at("10:00"), "plant/a/machines/m1"),
        ("m2", 88.0, 0.31, at("10:00:01"), "plant/b/machines/m2")),
    "custom_python_source": rows("n:bigint label:string", (0, "tick-0"), (1, "tick-1"), (2, "tick-2")),
    "stream_simulator": rows(
        "transaction_id:string card_id:string merchant:string mcc:string amount:double currency:string "
        "country:string channel:string ts:timestamp",
        ("tx-0", "card_id-17", "merchant-3", "5411", 42.1, "EUR", "NL", "pos", at("00:00:00")),
        ("tx-1", "card_id-301", "merchant-12", "5732", 899.0, "EUR", "DE", "online", "2024-05-01 00:00:00.02")),
}

ALERTS = rows("match_id:string card_id:string status:string last_ts:timestamp amount:double ts:timestamp",
              ("c1#1", "c1", "MATCH", at("10:20"), 899.0, at("10:20")), ("c7#1", "c7", "MATCH", at("10:31"), 1250.0,
                                                                      at("10:31")))

SINK_ROWS: dict[str, Rows] = {
    "delta_table_sink": ALERTS, "kafka_sink": ALERTS, "rest_webhook_sink": ALERTS, "alert_sink": ALERTS,
    "lakebase_sink": ALERTS,
    "email_sink": rows("customer_id:string match_id:string trigger_ts:timestamp deadline_ts:timestamp",
                       ("u2", "u2#1", at("10:05"), at("11:05"))),
    "sql_warehouse_sink": rows("service:string breached_at:timestamp minutes_late:double",
                               ("checkout", at("10:15"), 12.5)),
    "unity_catalog_table_sink": rows("step:string customers:bigint", ("cart", 120), ("pay", 87)),
    "dead_letter_queue": rows("value:string _error:string", ('{"amount": "abc"}', "amount is not a number")),
    "feature_store_sink": rows("card_id:string window_end:timestamp txn_count:bigint amount_sum:double",
                               ("c1", at("10:05"), 4, 903.5), ("c2", at("10:05"), 1, 12.0)),
}


def _keys(values) -> str:
    return ", ".join(values)


DESTINATIONS: dict[str, Callable] = {
    "delta_table_sink": lambda c: f"{'Merged' if c.mode == 'merge' else 'Appended'} into the Delta table {c.table}"
    + (f" on {_keys(c.merge_keys)}" if c.mode == "merge" else "")
    + (f", clustered by {_keys(c.cluster_by)}" if c.cluster_by else "") + ".",
    "kafka_sink": lambda c: f"One {c.value_format} record per row on the topic {c.topic}"
    + (f", keyed by {c.key_expr}" if c.key_expr else "") + ".",
    "rest_webhook_sink": lambda c: f"{c.method} {c.url}, {c.batch_size} row(s) per request, this body:",
    "alert_sink": lambda c: f"A {c.severity} {c.provider} message per row:",
    "email_sink": lambda c: f"An email from {c.from_address} to {_keys(c.to)} per row:",
    "sql_warehouse_sink": lambda c: f"Inserted into {c.table} through the SQL warehouse {c.warehouse_id}.",
    "unity_catalog_table_sink": lambda c: f"Written ({c.mode}) to the Unity Catalog table {c.table}.",
    "dead_letter_queue": lambda c: f"Kept in the {c.target} {c.table}"
    + (" with the error that rejected them." if c.include_error else "."),
    "lakebase_sink": lambda c: f"{'Upserted' if c.mode == 'upsert' else 'Inserted'} into {c.table} of the "
    f"Lakebase database {c.database} ({c.instance})" + (f" on {_keys(c.keys)}" if c.keys else "") + ".",
    "feature_store_sink": lambda c: f"Written ({c.mode}) to the feature table {c.table}, primary key "
    f"{_keys(c.primary_keys)}" + (f", timestamp key {c.timestamp_key}" if c.timestamp_key else "") + ".",
}


def _body(c, row) -> str:
    template = c.payload_template
    return render_json_text(template, row) if is_json_template(template) else render(template, row)


MESSAGES: dict[str, tuple[tuple[str, ...], Callable]] = {
    "alert_sink": (("message",), lambda c, row: (render(c.message_template, row),)),
    "email_sink": (("subject", "body"), lambda c, row: (render(c.subject_template, row),
                                                        render(c.body_template, row))),
    "rest_webhook_sink": (("body",), lambda c, row: (_body(c, row),)),
}
