"""Where CDC changes are applied: validation notes, the router for merge mode, and each target's rendering."""

from __future__ import annotations

import pytest

from lakestream.codegen import CodegenError, generate
from lakestream.validate import validate
from tests.codegen.helpers import pipeline
from tests.codegen.test_changes_apply import cdc, node, plain


def issues(doc):
    return {(i.code, i.node_id, i.severity) for i in validate(doc) if i.code.startswith(("cdc.", "merge."))}


def test_a_table_fed_through_row_wise_transforms_applies_and_a_pattern_gets_plain_rows():
    doc = pipeline([cdc("c", 2), node("f", "filter", {"condition": "amount > 0"}),
                    node("d", "deduplication", {"key_columns": ["id"], "event_time_column": "_commit_timestamp",
                                                "watermark_delay": "1 minute", "columns": ["status"],
                                                "within": "1 hour"}),
                    node("t", "delta_table_sink", {"table": "main.s.t"}),
                    node("k", "delta_table_sink", {"table": "main.s.k"})],
                   [("c", "f"), ("f", "t"), ("c", "d"), ("d", "k")])
    assert issues(doc) == {("cdc.applied", "t", "info"), ("cdc.plain_rows", "c", "info")}
    text = generate(doc, "sss").files["stream_job.py"].text
    assert "scd_type=2" in text and "DeltaTables(" in text and "'main.s.t'" in text
    assert text.count("foreachBatch(") == 1  # the table after the pattern appends


def test_changes_no_table_can_apply_are_reported():
    dropped = pipeline([cdc("c", 1), node("m", "map_select", {"columns": [{"expr": "id"}, {"expr": "status"},
                                                                         {"expr": "_commit_version"}]}),
                        node("t", "delta_table_sink", {"table": "main.s.t"})], [("c", "m"), ("m", "t")])
    assert issues(dropped) == {("cdc.not_applied", "t", "warning"), ("cdc.unused", "c", "warning")}
    complete = pipeline([cdc("c", 1), node("t", "unity_catalog_table_sink", {"table": "main.s.t", "mode": "complete"})],
                        [("c", "t")])
    assert ("cdc.not_applied", "t", "warning") in issues(complete)


def test_merge_keys_that_differ_from_the_cdc_keys_are_an_error():
    doc = pipeline([cdc("c", 1), node("t", "delta_table_sink", {"table": "main.s.t", "mode": "merge",
                                                                "merge_keys": ["status"]})], [("c", "t")])
    assert ("cdc.merge_conflict", "t", "error") in issues(doc)
    unordered = pipeline([cdc("c", 1), node("t", "delta_table_sink", {"table": "main.s.t", "mode": "merge",
                                                                      "merge_keys": ["id"]})], [("c", "t")])
    assert ("cdc.merge_conflict", "t", "error") in issues(unordered)
    same = pipeline([cdc("c", 1), node("t", "delta_table_sink", {"table": "main.s.t", "mode": "merge",
                                                                 "merge_keys": ["id"],
                                                                 "sequence_by": "_commit_version"})], [("c", "t")])
    assert issues(same) == {("cdc.applied", "t", "info")}


def test_merge_without_sequence_by_runs_only_as_sss():
    doc = pipeline([plain("p", [("id", "string"), ("v", "int")]),
                    node("t", "delta_table_sink", {"table": "main.s.t", "mode": "merge", "merge_keys": ["id"]})],
                   [("p", "t")])
    assert issues(doc) == {("merge.sss_only", "t", "info")}
    assert generate(doc).target == "sss"
    with pytest.raises(CodegenError, match="SDP SQL cannot express"):
        generate(doc, "sdp-sql")


@pytest.mark.parametrize("profile", ["databricks", "local"])
def test_sdp_renders_an_auto_cdc_flow(profile):
    doc = pipeline([cdc("c", 2), node("t", "unity_catalog_table_sink", {"table": "main.s.t"})], [("c", "t")])
    sql = generate(doc, "sdp-sql", profile).files["transformations/pipeline.sql"].text
    assert "AS AUTO CDC INTO" in sql and "KEYS (`id`)" in sql and "SEQUENCE BY `_commit_version`" in sql
    assert "APPLY AS DELETE WHEN `_change_type` = 'delete'" in sql and "STORED AS SCD TYPE 2;" in sql
    python = generate(doc, "sdp-python", profile)
    text = python.files["transformations/pipeline.py"].text
    assert "dp.create_auto_cdc_flow(" in text and "stored_as_scd_type=2" in text
    assert any("AUTOCDC_TARGET_DOES_NOT_SUPPORT_MERGE" in w.message for w in python.warnings) == (profile == "local")
