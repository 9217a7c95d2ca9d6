"""Fixpoint: LakeStream's own SDP SQL -> import -> generate gives the same text, node type by node type.

EXACT lists the node types whose sample pipeline (tests/codegen/golden/<type>/sdp-sql.databricks.txt) round-trips
today; the test also fails when another type starts to round-trip (move it into EXACT) so the list stays true.
No gallery template is generated to SDP SQL (each holds a node that needs Structured Streaming): see
test_no_gallery_template_is_sdp_sql.
"""

from __future__ import annotations

import pytest

from lakestream.codegen import CodegenError, generate
from lakestream.sparksql.escape import expr
from lakestream.codegen.golden import cases, template_cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.importing import diff_documents, import_sdp_sql

EXACT = {"kafka_source", "auto_loader", "filter", "map_select", "watermark", "sql_transform", "delta_table_sink",
         "unity_catalog_table_sink"}
# config fields SDP SQL does not carry, so an import cannot give them back (the text still round-trips)
# sql_transform: generated code holds the query re-rendered from its tree with inputs renamed to the upstreams'
# code names; importing it keeps that rendering (which generates the same text again), not the words first typed
NOT_IN_SQL = {"kafka_source": {"event_time"}, "sql_transform": {"query", "inputs"}}
SQL_TYPES = sorted({t for t, target, profile in cases() if target == "sdp-sql"})


def _sql(document) -> str:
    return generate(document, "sdp-sql", "databricks").files["transformations/pipeline.sql"].text


def _spelled(value, key=""):
    """Expressions in the generator's own spelling (it re-renders them from their trees: `round` is written ROUND)."""
    if isinstance(value, dict):
        return {k: _spelled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_spelled(v, key) for v in value]
    if key in ("expr", "condition") and isinstance(value, str):
        return str(expr(value))
    return value


def _shape(document) -> list:
    """The document up to ids and positions: node types, labels and configs, edges by label."""
    labels = {n.id: n.label for n in document.nodes}
    def config(node):
        values = _spelled(node.parsed.model_dump(mode="json", by_alias=True))
        return repr(sorted((k, v) for k, v in values.items() if k not in NOT_IN_SQL.get(node.type, ())))

    return [sorted((n.type, n.label, config(n)) for n in document.nodes),
            sorted((labels[e.source], e.source_port, labels[e.target], e.target_port) for e in document.edges)]


@pytest.mark.parametrize("type_id", SQL_TYPES)
def test_generated_sql_round_trips(type_id):
    document = sample_pipeline(type_id)
    text = _sql(document)
    result = import_sdp_sql(text, name=document.name)
    exact = False
    if result.ok:
        try:
            again = _sql(result.document)
        except CodegenError:
            again = None
        exact = again == text
        if exact:
            assert _shape(result.document) == _shape(document)
            assert all(s.exact for s in result.statements if s.node_id)
    assert exact == (type_id in EXACT), (type_id, result.report())


def test_no_gallery_template_is_sdp_sql():
    assert not [case for case in template_cases() if case[1] == "sdp-sql"]


@pytest.mark.parametrize("type_id", SQL_TYPES)
def test_generated_sql_onto_its_document_is_the_same_document(type_id):
    """The code dock's case: the text is imported onto the document it was generated from. Every node type's
    statements are recognised word for word, so the document comes back unchanged (ids and positions too)."""
    document = sample_pipeline(type_id)
    result = import_sdp_sql(_sql(document), base=document)
    assert result.ok, result.report()
    assert diff_documents(document, result.document).empty, diff_documents(document, result.document)
    assert _sql(result.document) == _sql(document)
