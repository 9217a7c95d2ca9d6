"""CDC apply (SCD type 1 and 2) and Delta merge mode executed on local Spark over several micro-batches."""

from __future__ import annotations

import os

import pytest

from lakestream.commands.run import run_local
from tests.codegen.helpers import pipeline
from tests.codegen.test_execution import node, rows, write_files

ROW = [{"name": "id", "type": "string"}, {"name": "status", "type": "string"}, {"name": "amount", "type": "double"}]


def change(key, status, version, kind="update_postimage"):
    return {"id": key, "status": status, "amount": 1.0, "_change_type": kind, "_commit_version": version,
            "_commit_timestamp": "2024-01-01T00:00:00Z"}


# One file per micro-batch: out-of-order versions inside a batch and across batches, deletes of known and
# unknown keys, a late change older than a delete, a key inserted again after its delete.
CHANGES = [
    [change("a", "new", 1, "insert"), change("b", "new", 1, "insert"), change("c", "new", 1, "insert")],
    [change("a", "paid", 3), change("a", "shipped", 2), change("b", None, 4, "delete"), change("c", "x", 5)],
    [change("b", "b3", 3), change("a", None, 6, "delete"), change("c", "late", 2), change("d", None, 7, "delete")],
    [change("d", "d6", 6, "insert"), change("a", "again", 8, "insert")],
]
MERGES = [
    [{"id": "a", "v": 10, "seq": 1}, {"id": "b", "v": 20, "seq": 1}],
    [{"id": "a", "v": 30, "seq": 3}, {"id": "a", "v": 25, "seq": 2}, {"id": "b", "v": 5, "seq": 0}],
    [{"id": "a", "v": 99, "seq": 2}, {"id": "c", "v": 7, "seq": 1}],
]
UNORDERED = [[{"id": "a", "v": 1}, {"id": "b", "v": 2}], [{"id": "a", "v": 3}], [{"id": "b", "v": 4}]]


def write_batches(folder, files):
    """One JSON-lines file per micro-batch, modified one second apart (the file source reads oldest first)."""
    write_files(folder, files)
    for i, path in enumerate(sorted(folder.iterdir())):
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))


def cdc(node_id, scd_type):
    return node(node_id, "cdc_stream", {"source_kind": "table", "source_table": "main.erp.orders",
                                        "cdc_format": "delta_cdf", "schema": ROW, "keys": ["id"],
                                        "sequence_by": "_commit_version", "scd_type": scd_type})


def plain(node_id, columns):
    return node(node_id, "kafka_source", {"bootstrap_servers": "b:9092", "topics": [node_id],
                                          "schema": [{"name": n, "type": t} for n, t in columns]})


def changes_pipeline():
    nodes = [
        cdc("cdc1", 1), cdc("cdc2", 2), node("keep", "filter", {"condition": "amount >= 0"}),
        plain("merges", [("id", "string"), ("v", "int"), ("seq", "int")]), plain("unordered", [("id", "string"),
                                                                                               ("v", "int")]),
        node("scd1", "delta_table_sink", {"table": "main.t.scd1"}),
        node("scd2", "unity_catalog_table_sink", {"table": "main.t.scd2"}),
        node("merged", "delta_table_sink", {"table": "main.t.m", "mode": "merge", "merge_keys": ["id"],
                                            "sequence_by": "seq"}),
        node("latest", "delta_table_sink", {"table": "main.t.l", "mode": "merge", "merge_keys": ["id"]}),
    ]
    edges = [("cdc1", "scd1"), ("cdc2", "keep"), ("keep", "scd2"), ("merges", "merged"), ("unordered", "latest")]
    return pipeline(nodes, edges, name="Changes")


@pytest.mark.spark
def test_changes_are_applied_across_micro_batches(spark, tmp_path):
    events, out = tmp_path / "events", tmp_path / "out"
    write_batches(events / "cdc1", CHANGES)
    write_batches(events / "cdc2", CHANGES[::-1])  # the same changes, batches in reverse: the same table
    write_batches(events / "merges", MERGES)
    write_batches(events / "unordered", UNORDERED)
    counts = run_local(changes_pipeline(), events, out, spark, timeout=240)
    assert counts == {"scd1": 2, "scd2": 10, "merged": 3, "latest": 2}
    # SCD type 1: the latest change per key; b and d are deleted (the late b3 and d6 are older than the deletes).
    assert rows(out, "scd1", "id", "status", "_change_type", "__SEQUENCE") == [
        ("a", "again", None, None), ("c", "x", None, None)]
    # SCD type 2: every change a version, closed by the next change of its key (a delete closes without a row).
    assert rows(out, "scd2", "id", "status", "__START_AT", "__END_AT") == [
        ("a", "again", 8, None), ("a", "new", 1, 2), ("a", "paid", 3, 6), ("a", "shipped", 2, 3),
        ("b", "b3", 3, 4), ("b", "new", 1, 3),
        ("c", "late", 2, 5), ("c", "new", 1, 2), ("c", "x", 5, None),
        ("d", "d6", 6, 7)]
    # Merge on id ordered by seq: the highest seq wins, inside a batch and across batches.
    assert rows(out, "merged", "id", "v", "seq") == [("a", 30, 3), ("b", 20, 1), ("c", 7, 1)]
    # Merge without sequence_by: the later micro-batch wins.
    assert rows(out, "latest", "id", "v") == [("a", 3), ("b", 4)]
