"""import_sdp_sql: errors with line and column change nothing, queries are validated, a base document keeps
its ids and positions, MATCH_RECOGNIZE fills the row pattern node, and the CLI writes or refuses."""

from __future__ import annotations

import json

import pytest

from lakestream.cli import main
from lakestream.codegen import generate
from lakestream.codegen.samples import sample_pipeline
from lakestream.editing import move_nodes
from lakestream.importing import diff_documents, import_sdp_sql
from lakestream.nodes import REGISTRY
from lakestream.pipeline import load_pipeline

SOURCE = ("CREATE OR REFRESH STREAMING TABLE raw AS SELECT * FROM STREAM read_files('/v/raw', format => 'json', "
          "schema => 'id STRING, amount DOUBLE, ts TIMESTAMP');\n")


def _sql(document) -> str:
    return generate(document, "sdp-sql", "databricks").files["transformations/pipeline.sql"].text


def test_a_syntax_error_names_its_line_and_column_and_gives_back_the_base():
    base = sample_pipeline("filter")
    text = SOURCE + "CREATE TEMPORARY VIEW big AS\nSELECT * FROM STREAM(raw)\nWHERE amount > (1000;\n"
    result = import_sdp_sql(text, base=base)
    assert not result.ok and result.document is base
    (error,) = result.errors
    assert error.line == 4 and error.column > 1, error


def test_an_error_inside_a_later_query_points_into_the_file():
    text = SOURCE + "\n\nCREATE TEMPORARY VIEW v AS SELECT (amount FROM STREAM(raw)"
    result = import_sdp_sql(text)
    assert not result.ok
    assert result.errors[0].line == 4, result.errors


@pytest.mark.parametrize("query, message", [
    ("SELECT * FROM STREAM(raw); DROP TABLE raw", "several statements"),
    ("DROP TABLE raw", "not a query"),
    ("SELECT '${secret}' AS x FROM STREAM(raw)", "${"),
    ("SELECT * FROM", "not valid"),
])
def test_sql_transform_refuses_what_is_not_one_query(query, message):
    config = REGISTRY["sql_transform"].config
    with pytest.raises(ValueError, match=message.replace("$", r"\$").replace("{", r"\{")):
        config.model_validate({"query": query, "inputs": ["raw"]})


def test_sql_transform_output_schema_expands_stars_and_infers_expressions():
    from lakestream.nodes.base import Column, Inputs
    spec = REGISTRY["sql_transform"]
    config = spec.config.model_validate({
        "query": "SELECT r.*, amount * 2 AS doubled, window.start AS ws FROM STREAM(raw) r "
                 "GROUP BY window(ts, '1 minute'), r.id, r.amount", "inputs": ["raw"]})
    schema = (Column("id", "string"), Column("amount", "double"))
    out = spec.output_schema(config, Inputs({"in": (schema,)}))
    assert [(c.name, c.type) for c in out] == [("id", "string"), ("amount", "double"), ("doubled", "double"),
                                               ("ws", "timestamp")]


def test_a_statement_no_node_has_becomes_a_sql_transform_kept_as_written():
    query = ("SELECT id, count(*) AS n FROM STREAM(raw) WATERMARK ts DELAY OF INTERVAL 1 MINUTE "
             "GROUP BY id, window(ts, '5 minutes')")
    result = import_sdp_sql(SOURCE + f"CREATE TEMPORARY VIEW counts AS {query};\n")
    assert result.ok
    (mapping,) = result.sql_transforms
    assert "GROUP BY" in mapping.reason
    node = result.document.node(mapping.node_id)
    assert node.config["query"] == query and node.config["inputs"] == ["raw"]
    assert "SQL transform node" in result.report()


def test_import_onto_a_base_keeps_ids_positions_and_shows_the_change():
    base = sample_pipeline("filter")
    base = move_nodes(base, {"x": (400.0, 96.0)})
    text = _sql(base).replace("WHERE amount > 1000", "WHERE amount > 5000")
    result = import_sdp_sql(text, base=base)
    assert result.ok, result.report()
    assert {n.id for n in result.document.nodes} == {n.id for n in base.nodes}
    assert result.document.node("x").position == base.node("x").position
    change = diff_documents(base, result.document)
    assert not change.added_nodes and not change.removed_nodes
    (node_change,) = change.changed_nodes
    assert [(c.path, c.old, c.new) for c in node_change.changes] == [
        ("config.condition", "amount > 1000 AND country <> 'US'", "amount > 5000 AND country <> 'US'")]


def test_an_added_statement_adds_a_node_and_its_edge():
    base = sample_pipeline("filter")
    text = _sql(base) + "\nCREATE TEMPORARY VIEW us_only AS SELECT * FROM STREAM(under_test) WHERE country = 'US';\n"
    result = import_sdp_sql(text, base=base)
    change = diff_documents(base, result.document)
    assert [n.type for n in change.added_nodes] == ["filter"]
    assert [(e.source, e.target) for e in change.added_edges] == [("x", change.added_nodes[0].id)]


def test_match_recognize_fills_the_row_pattern_node():
    text = SOURCE + """CREATE TEMPORARY VIEW shapes AS
SELECT * FROM STREAM(raw) WATERMARK ts DELAY OF INTERVAL 10 SECONDS
MATCH_RECOGNIZE (PARTITION BY id ORDER BY ts MEASURES FIRST(A.ts) AS start_ts, LAST(B.amount) AS top
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+) DEFINE B AS amount > PREV(amount));"""
    result = import_sdp_sql(text)
    (node,) = [n for n in result.document.nodes if n.type == "match_recognize"]
    assert node.config == {
        "partition_by": ["id"], "order_by": [{"column": "ts", "desc": False}],
        "measures": [{"expr": "FIRST(A.ts)", "alias": "start_ts"}, {"expr": "LAST(B.amount)", "alias": "top"}],
        "rows_per_match": "ONE", "after_match_skip": "PAST LAST ROW", "pattern": "A B+",
        "define": {"B": "amount > PREV(amount)"}, "watermark_delay": "10 seconds"}
    assert node.parsed_or_none() is not None


def test_auto_cdc_into_a_table_is_a_merge_sink():
    text = SOURCE + ("CREATE OR REFRESH STREAMING TABLE latest;\n"
                     "CREATE FLOW f AS AUTO CDC INTO latest FROM STREAM(raw) KEYS (id) SEQUENCE BY ts "
                     "STORED AS SCD TYPE 1;\n")
    result = import_sdp_sql(text)
    (sink,) = [n for n in result.document.nodes if n.config.get("mode") == "merge"]
    assert sink.config == {"table": "latest", "mode": "merge", "merge_keys": ["id"], "sequence_by": "ts"}


def test_scd_type_2_is_refused_with_its_line():
    text = SOURCE + ("CREATE OR REFRESH STREAMING TABLE hist;\nAPPLY CHANGES INTO hist FROM STREAM(raw) KEYS (id) "
                     "SEQUENCE BY ts STORED AS SCD TYPE 2;\n")
    result = import_sdp_sql(text)
    assert not result.ok and result.errors[0].line == 3 and "SCD TYPE 2" in result.errors[0].message


def test_cli_writes_a_laid_out_document_and_reports(tmp_path, capsys):
    sql = tmp_path / "orders.sql"
    sql.write_text(SOURCE + "CREATE OR REFRESH MATERIALIZED VIEW totals AS SELECT id, sum(amount) AS total "
                            "FROM raw GROUP BY id;\n")
    out = tmp_path / "orders.lakestream.json"
    assert main(["import-code", str(sql), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 became SQL transform node" in printed and f"wrote {out}" in printed
    document = load_pipeline(out.read_text())
    assert document.name == "orders" and len({(n.position.x, n.position.y) for n in document.nodes}) == len(
        document.nodes)


def test_cli_refuses_a_broken_file_and_writes_nothing(tmp_path, capsys):
    sql = tmp_path / "broken.sql"
    sql.write_text(SOURCE + "CREATE TEMPORARY VIEW v AS SELECT (( FROM STREAM(raw);\n")
    out = tmp_path / "broken.lakestream.json"
    assert main(["import-code", str(sql), "-o", str(out)]) == 1
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    assert "broken.sql:2:" in capsys.readouterr().out


def test_cli_stores_a_folder_as_one_pipeline(tmp_path, capsys):
    folder = tmp_path / "transformations"
    folder.mkdir()
    (folder / "bronze.sql").write_text(SOURCE)
    (folder / "silver.sql").write_text("CREATE OR REFRESH STREAMING TABLE big AS SELECT * FROM STREAM(raw) "
                                       "WHERE amount > 10;\n")
    home = tmp_path / "home"
    assert main(["import-code", str(folder), "--home", str(home)]) == 0
    assert "stored pipeline 'transformations'" in capsys.readouterr().out
    stored = json.loads(next(home.rglob("*.json")).read_text()) if list(home.rglob("*.json")) else None
    assert stored is not None
