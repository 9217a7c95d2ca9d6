"""The router: targets follow what node types declare, reasons name the nodes, hybrid is a real split."""

from __future__ import annotations

import pytest

from lakestream.codegen import CodegenError, generate
from tests.codegen.helpers import FILTER, KAFKA, pipeline, python_problems, sql_statements

UDF = {"id": "n4", "type": "custom_python_udf", "label": "Clean merchant", "config": {
    "code": "def clean(x):\n    return x\n", "input_columns": ["card_id"], "output_column": "clean",
    "output_type": "string"}}
WAREHOUSE = {"id": "n3", "type": "sql_warehouse_sink", "label": "Ops table", "config": {
    "warehouse_id": "1a2b3c4d5e6f7a8b", "table": "main.ops.alerts"}}
DELTA = {"id": "n3", "type": "delta_table_sink", "label": "Alerts", "config": {"table": "main.fraud.big"}}


def test_auto_takes_sdp_python_when_a_node_cannot_be_sql():
    code = generate(pipeline([KAFKA, UDF, DELTA], [("n1", "n4"), ("n4", "n3")]))
    assert code.target == "sdp-python"
    assert [(r.node_id, r.label) for r in code.reasons if r.node_id] == [("n4", "Clean merchant")]
    assert "cannot be expressed in SDP SQL" in code.reasons[1].message


def test_auto_takes_sss_and_says_which_node_forced_it():
    code = generate(pipeline([KAFKA, FILTER, WAREHOUSE], [("n1", "n2"), ("n2", "n3")]))
    assert code.target == "sss"
    assert [r.node_id for r in code.reasons] == ["n3"]
    assert code.explanation().startswith("sss: 'Ops table'")


def test_a_requested_target_that_cannot_express_a_node_is_refused():
    with pytest.raises(CodegenError) as caught:
        generate(pipeline([KAFKA, UDF, DELTA], [("n1", "n4"), ("n4", "n3")]), "sdp-sql")
    assert [r.node_id for r in caught.value.issues] == ["n4"]
    assert "Clean merchant" in str(caught.value)


@pytest.mark.parametrize("profile", ["databricks", "local"])
def test_hybrid_splits_at_the_boundary_table(profile):
    doc = pipeline([KAFKA, FILTER, WAREHOUSE], [("n1", "n2"), ("n2", "n3")])
    code = generate(doc, "hybrid", profile)
    assert code.target == "hybrid"
    boundary = "big_amounts_boundary" if profile == "local" else "main.demo.big_amounts_boundary"
    assert code.boundary_tables == (boundary,)
    sql = code.files["transformations/pipeline.sql"]
    statements = sql_statements(sql.text)
    assert statements[-1].splitlines()[-2].startswith("CREATE STREAMING TABLE")
    assert {s.node_id for s in sql.spans} == {"n2"} | ({"n1"} if profile == "databricks" else set())
    job = code.files["stream_job.py"]
    assert python_problems(job.text) == []
    assert {s.node_id for s in job.spans} == {"n2", "n3"}  # n2 only as the read of its boundary table
    read_line = next(line for line in job.text.splitlines() if "readStream.table" in line)
    assert read_line.strip() == f"big_amounts = spark.readStream.table({boundary!r})"


def test_auto_splits_only_when_hybrid_is_allowed():
    doc = pipeline([KAFKA, FILTER, WAREHOUSE], [("n1", "n2"), ("n2", "n3")])
    assert generate(doc, "auto", allow_hybrid=True).target == "hybrid"
    assert generate(doc, "auto").target == "sss"


def test_hybrid_needs_both_parts():
    with pytest.raises(CodegenError, match="hybrid split is not possible"):
        generate(pipeline([KAFKA, FILTER, DELTA], [("n1", "n2"), ("n2", "n3")]), "hybrid")
