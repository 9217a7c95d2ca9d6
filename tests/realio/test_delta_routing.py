"""The router keeps the Delta source's reader options: SDP SQL's STREAM(table) cannot carry them."""

from __future__ import annotations

import pytest

from lakestream.codegen import CodegenError, generate
from lakestream.pipeline import load_pipeline
from tests.realio.pipelines import document, node

SCHEMA = [{"name": "id", "type": "string"}]


def pipeline(**options):
    return load_pipeline(document("cdf", [
        node("src", "delta_table_source", {"table": "main.io.src", "schema": SCHEMA, **options}),
        node("only_deletes", "filter", {"condition": "_change_type = 'delete'"} if options.get("read_change_feed")
             else {"condition": "id IS NOT NULL"}),
        node("out", "delta_table_sink", {"table": "main.io.out"}),
    ], [("src", "only_deletes"), ("only_deletes", "out")]) | {"code_target": "auto"})


@pytest.mark.parametrize("options", [{"read_change_feed": True}, {"skip_change_commits": True},
                                     {"starting_version": 3}], ids=["read_change_feed", "skip_change_commits",
                                                                    "starting_version"])
def test_auto_never_picks_sdp_sql_for_a_delta_source_with_reader_options(options):
    code = generate(pipeline(**options), "auto", "databricks")
    assert code.target == "sdp-python"
    text = code.files["transformations/pipeline.py"].text
    wanted = {"read_change_feed": "'readChangeFeed', 'true'",
              "skip_change_commits": "'skipChangeCommits', 'true'", "starting_version": "'startingVersion', '3'"}
    assert wanted[next(iter(options))] in text
    with pytest.raises(CodegenError, match="cannot be expressed in SDP SQL"):
        generate(pipeline(**options), "sdp-sql", "databricks")


def test_a_plain_delta_source_stays_sdp_sql():
    assert generate(pipeline(), "auto", "databricks").target == "sdp-sql"
