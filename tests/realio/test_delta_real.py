"""Delta on real I/O: change data feed sources, merge and append sinks, CDC applied through Delta MERGE (SCD 1 and
SCD 2, the CDC stream read over SASL), Unity Catalog table and dead-letter sinks, all on real Delta tables.

SCD 1 and SCD 2 on Delta are compared with the local profile's parquet path (`lakestream run --events`, on the
shared SparkSession) over the same changes: the same rows.
"""

from __future__ import annotations

import json

import pytest

from lakestream.commands.run import run_local
from lakestream.pipeline import load_pipeline
from tests.gallery.templates import CARDS, canonical, sample_events
from tests.gallery.templates import document as template
from tests.realio.pipelines import SASL, SASL_ENV, document, node
from tests.realio.test_gallery_real import debezium

pytestmark = [pytest.mark.spark, pytest.mark.services, pytest.mark.io]

ORDER_COLUMNS = [{"name": "order_id", "type": "string"}, {"name": "customer_id", "type": "string"},
                 {"name": "status", "type": "string"}, {"name": "amount", "type": "double"},
                 {"name": "updated_at", "type": "timestamp"}]


def order_changes() -> list[dict]:
    card = next(c for c in CARDS if c.folder.name == "order_to_cash")
    return sample_events(card, template(card))["order_changes"]


def test_cdc_stream_over_sasl_applies_scd1_and_scd2_through_delta_merge_like_the_parquet_path(
        kafka, real_run, spark, tmp_path):
    changes = order_changes()
    assert {c["_change_type"] for c in changes} == {"insert", "update_postimage", "delete"}
    kafka.produce("erp-orders", [json.dumps(debezium(c)).encode() for c in changes], protocol="SASL_PLAINTEXT")

    def cdc(node_id, scd):
        return node(node_id, "cdc_stream", {
            "source_kind": "kafka", "bootstrap_servers": kafka.sasl_bootstrap, "topic": "erp-orders",
            "cdc_format": "debezium", "keys": ["order_id"], "sequence_by": "_commit_version", "scd_type": scd,
            "schema": ORDER_COLUMNS, **SASL})

    doc = document("cdc", [cdc("changes1", 1), node("current", "delta_table_sink", {"table": "main.erp.orders"}),
                           cdc("changes2", 2), node("history", "delta_table_sink", {"table": "main.erp.history"})],
                   [("changes1", "current"), ("changes2", "history")])
    tables, _ = real_run(doc, env=SASL_ENV)

    events = tmp_path / "events"
    for source in ("changes1", "changes2"):
        (events / source).mkdir(parents=True)
        (events / source / "changes.jsonl").write_text("".join(json.dumps(c) + "\n" for c in changes))
    run_local(load_pipeline(doc), events, tmp_path / "local", spark, timeout=240)
    for sink in ("current", "history"):
        local = [json.loads(line) for line in (tmp_path / "local" / f"{sink}.jsonl").read_text().splitlines()]
        assert canonical(tables[sink]) == canonical(local), sink
    # SCD 1 keeps one row per live key (a deleted order is gone); SCD 2 keeps every version with its validity
    live = {c["order_id"] for c in changes} - {c["order_id"] for c in changes if c["_change_type"] == "delete"}
    assert sorted(r["order_id"] for r in tables["current"]) == sorted(live)
    assert len(tables["history"]) > len(tables["current"])
    assert {"__START_AT", "__END_AT"} <= set(tables["history"][0])


def test_delta_change_feed_sources_and_merge_uc_and_dead_letter_sinks(kafka, real_run, delta_sql, tmp_path):
    warehouse = tmp_path / "warehouse"
    delta_sql(warehouse, [
        "CREATE DATABASE shop",
        "CREATE TABLE shop.stock (sku STRING, qty INT) USING delta TBLPROPERTIES (delta.enableChangeDataFeed = true)",
        "INSERT INTO shop.stock VALUES ('a', 1), ('b', 2)",  # version 1
        "UPDATE shop.stock SET qty = 5 WHERE sku = 'b'",  # version 2
        "DELETE FROM shop.stock WHERE sku = 'a'",  # version 3
        "INSERT INTO shop.stock VALUES ('c', 7)",  # version 4
    ])
    orders = [{"order_id": "o-1", "status": "placed", "seq": 1}, {"order_id": "o-2", "status": "placed", "seq": 2},
              {"order_id": "o-1", "status": "paid", "seq": 3}, {"order_id": "o-1", "status": "late", "seq": 0}]
    kafka.produce("orders-merge", [json.dumps(o).encode() for o in orders])
    columns = [{"name": "order_id", "type": "string"}, {"name": "status", "type": "string"},
               {"name": "seq", "type": "int"}]
    stock = [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]
    doc = document("delta", [
        node("feed", "delta_table_source", {"table": "main.shop.stock", "read_change_feed": True,
                                            "starting_version": 2, "schema": stock}),
        node("feed_out", "delta_table_sink", {"table": "main.shop.stock_changes"}),
        node("appends", "delta_table_source", {"table": "main.shop.stock", "skip_change_commits": True,
                                               "starting_version": 0, "schema": stock}),
        node("appends_out", "unity_catalog_table_sink", {"table": "main.shop.stock_appends"}),
        node("orders", "kafka_source", {"bootstrap_servers": kafka.bootstrap, "topics": ["orders-merge"],
                                        "starting_offsets": "earliest", "schema": columns}),
        node("pick", "map_select", {"columns": [{"expr": "order_id"}, {"expr": "status"}, {"expr": "seq"}]}),
        node("latest", "delta_table_sink", {"table": "main.shop.orders", "mode": "merge", "merge_keys": ["order_id"],
                                            "sequence_by": "seq"}),
        node("rejected", "dead_letter_queue", {"target": "table", "table": "main.shop.rejected"}),
    ], [("feed", "feed_out"), ("appends", "appends_out"), ("orders", "pick"), ("pick", "latest"),
        ("pick", "rejected")])
    tables, _ = real_run(doc, warehouse=warehouse)

    def rows(name, *columns):
        return sorted(tuple(r.get(c) for c in columns) for r in tables[name])  # to_json leaves out NULLs

    assert rows("feed_out", "sku", "qty", "_change_type", "_commit_version") == [
        ("a", 1, "delete", 3), ("b", 2, "update_preimage", 2), ("b", 5, "update_postimage", 2), ("c", 7, "insert", 4)]
    # skipChangeCommits: the rows of the commits that only append; the update and the delete are skipped
    assert rows("appends_out", "sku", "qty") == [("a", 1), ("b", 2), ("c", 7)]
    assert rows("latest", "order_id", "status", "seq") == [("o-1", "paid", 3), ("o-2", "placed", 2)]
    assert rows("rejected", "order_id", "status", "seq", "_error") == sorted(
        (o["order_id"], o["status"], o["seq"], None) for o in orders)
    assert all(r["_rejected_at"] for r in tables["rejected"])
