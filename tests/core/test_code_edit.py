"""Edits of generated code mapped back onto the document (lakestream.code_edit), and the CLI over it."""

from __future__ import annotations

import ast
import json

import pytest

from lakestream import editing, gallery
from lakestream.cli import main
from lakestream.code_edit import generated_file, plan_code_edit, to_sql_transform
from lakestream.code_edit.python_edit import PythonEditError, literal_changes
from lakestream.codegen import generate
from lakestream.codegen.samples import sample_pipeline
from lakestream.errors import UserError
from lakestream.validate import validate

SQL = "transformations/pipeline.sql"


def template(name: str):
    return gallery.instantiate(next(c for c in gallery.list_templates() if c.name == name))


def declarative():
    """Card fraud trimmed to Kafka -> filter -> Delta: every node has SDP SQL."""
    document = template("Card fraud")
    document = editing.delete(document, ["spend_velocity", "account_takeover", "takeover_alerts", "all_alerts",
                                         "fraud_slack", "velocity_alerts"], [])
    return editing.connect(document, "large_spend", "out", "card_alerts", "in")[0]


def code(document, target="sss", path="stream_job.py") -> str:
    return generated_file(document, target, path).text


# --- SDP Python and SSS: the Python AST ----------------------------------------------------------------

@pytest.mark.parametrize("target, path", [("sss", "stream_job.py"), ("sdp-python", "transformations/pipeline.py")])
def test_an_edited_condition_string_sets_the_field_and_regenerates_the_edited_code(target, path):
    document = declarative() if target == "sdp-python" else template("Abandoned cart")
    node_id, key = ("large_spend", "condition") if target == "sdp-python" else ("abandoned", "expected_condition")
    old = document.node_by_id[node_id].config[key]
    new = old.replace("100", "150") if "100" in old else old.replace("'purchase'", "'purchase', 'gift'") \
        .replace("=", "IN (").replace("'gift'", "'gift')")
    text = code(document, target, path).replace(old, new)
    plan = plan_code_edit(document, target, path, text)
    assert plan.error is None, plan.error
    assert plan.after.node_by_id[node_id].config[key] == new
    # the applied document writes the edited code (an expression as LakeStream spaces it: `IN ( 'a'` is `IN ('a'`)
    assert code(plan.after, target, path) == text.replace("IN ( ", "IN (")
    assert len(plan.diff.changed_nodes) == 1 and not plan.diff.added_nodes
    (line,) = plan.preview()
    assert line.startswith("~ ") and repr(old) in line and repr(new) in line


def test_a_projection_alias_inside_a_literal_maps_to_the_alias_field():
    document = sample_pipeline("map_select")
    node = next(n for n in document.nodes if n.type == "map_select")
    alias = node.config["columns"][1]["alias"]
    text = code(document)
    assert f"AS `{alias}`" in text
    plan = plan_code_edit(document, "sss", "stream_job.py", text.replace(f"AS `{alias}`", "AS `renamed_col`", 1))
    assert plan.error is None, plan.error
    changed = [c for n in plan.diff.changed_nodes for c in n.changes]
    assert [(c.path, c.new) for c in changed] == [("config.columns[1].alias", "renamed_col")]


def test_code_changes_outside_expression_strings_are_refused_naming_the_line_and_node():
    document = template("Abandoned cart")
    text = code(document)
    edited = text.replace(".withWatermark(", ".withWatermarks(")
    plan = plan_code_edit(document, "sss", "stream_job.py", edited)
    line = next(i for i, t in enumerate(edited.splitlines(), 1) if ".withWatermarks(" in t)
    assert plan.after is None and plan.line == line
    assert plan.error.startswith(f"Line {line}: ") and "withWatermarks" in plan.error
    # an absence needs state and timers: it has no SQL form, so no offer of a SQL transform node
    assert plan.node_id is None and "has no SDP SQL form" in plan.error
    added = text.replace("    queries = []\n", "    queries = []\n    print('hello')\n")
    plan = plan_code_edit(document, "sss", "stream_job.py", added)
    line = next(i for i, t in enumerate(added.splitlines(), 1) if "print('hello')" in t)
    assert plan.after is None and plan.error.startswith(f"Line {line}: added `print('hello')`")


def test_a_structural_edit_of_a_declarative_node_offers_a_sql_transform_node_holding_its_query():
    document = declarative()
    path = "transformations/pipeline.py"
    text = code(document, "sdp-python", path)
    plan = plan_code_edit(document, "sdp-python", path, text.replace(".where(F.expr(", ".filter(F.expr("))
    assert plan.after is None and plan.node_id == "large_spend" and "turn it into a SQL transform node" in plan.error
    converted = to_sql_transform(document, "large_spend")
    node = converted.node_by_id["large_spend"]
    assert node.type == "sql_transform" and node.config["inputs"] == ["card_events"]
    assert "amount >= 100" in node.config["query"] and node.position == document.node_by_id["large_spend"].position
    assert not [i for i in validate(converted) if i.severity == "error"]
    for target in ("sdp-sql", "sdp-python", "sss"):  # it generates everywhere it did before
        generate(converted, target)
    with pytest.raises(UserError, match="is a source"):
        to_sql_transform(document, "card_events")


def test_a_python_syntax_error_names_its_line_and_changes_nothing():
    document = template("Abandoned cart")
    lines = code(document).splitlines()
    lines[40] += " ("
    plan = plan_code_edit(document, "sss", "stream_job.py", "\n".join(lines))
    assert plan.after is None and plan.line is not None and "syntax error" in plan.error
    assert plan.node_id is None  # nothing to offer for a typo


def test_a_new_value_the_form_would_reject_is_refused_with_the_forms_message():
    document = template("Abandoned cart")
    text = code(document).replace("event_type = 'purchase'", "event_typo = 'purchase'")
    plan = plan_code_edit(document, "sss", "stream_job.py", text)
    assert plan.after is None and "event_typo" in plan.error and "does not exist" in plan.error


def test_a_string_of_the_modules_own_code_is_refused():
    document = template("Abandoned cart")
    text = code(document)
    assert "'spark.sql.ansi.enabled', 'false'" in text
    plan = plan_code_edit(document, "sss", "stream_job.py", text.replace("'spark.sql.ansi.enabled', 'false'",
                                                                          "'spark.sql.ansi.enabled', 'true'"))
    assert plan.after is None and "belongs to no node" in plan.error


def test_literal_changes_reports_changed_strings_only():
    old = "x = F.expr('a > 1')\ny = 2\n"
    assert [(c.old, c.new) for c in literal_changes(old, old.replace("a > 1", "a > 2"))] == [("a > 1", "a > 2")]
    with pytest.raises(PythonEditError, match="Line 2: `2` became `3`"):
        literal_changes(old, old.replace("y = 2", "y = 3"))


# --- SDP SQL: the importer ------------------------------------------------------------------------------

def test_sql_condition_edit_changes_only_that_field():
    document = declarative()
    text = code(document, "sdp-sql", SQL).replace("amount >= 100", "amount >= 250")
    plan = plan_code_edit(document, "sdp-sql", SQL, text)
    assert plan.error is None, plan.error
    changes = [(n.node_id, c.path) for n in plan.diff.changed_nodes for c in n.changes]
    assert changes == [("large_spend", "config.condition")]  # fields the SQL cannot show (event time) kept
    assert plan.after.node_by_id["card_events"].config == document.node_by_id["card_events"].config


def test_sql_added_statement_becomes_a_connected_node():
    document = declarative()
    text = code(document, "sdp-sql", SQL) + (
        "\nCREATE MATERIALIZED VIEW `spend_per_card` AS\n"
        "SELECT card_id, sum(amount) AS total FROM `purchases_and_transfers_of_100_or_more` GROUP BY card_id;\n")
    plan = plan_code_edit(document, "sdp-sql", SQL, text)
    assert plan.error is None, plan.error
    (added,) = plan.diff.added_nodes
    assert added.type == "sql_transform" and [(e.source, e.target) for e in plan.diff.added_edges] == \
        [("large_spend", added.id)]
    assert any(line.startswith("+ node") for line in plan.preview())


def test_sql_removed_statement_removes_its_node_and_edges():
    document = declarative()
    text = code(document, "sdp-sql", SQL)
    plan = plan_code_edit(document, "sdp-sql", SQL, text[:text.index("-- Card alerts table")])
    assert [n.id for n in plan.diff.removed_nodes] == ["card_alerts"] and len(plan.diff.removed_edges) == 1
    assert plan.preview() == ["- node Card alerts table (delta_table_sink)",
                              "- edge Purchases and transfers of 100 or more → Card alerts table"]


def test_sql_syntax_error_is_at_its_line_and_changes_nothing():
    document = declarative()
    text = code(document, "sdp-sql", SQL).replace("amount >= 100", "amount >= 100)")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "amount >= 100)" in t)
    plan = plan_code_edit(document, "sdp-sql", SQL, text)
    assert plan.after is None and plan.line == line and plan.error.startswith(f"Line {line}: ")


def test_sql_of_a_hybrid_tab_is_not_mapped_back():
    document = template("Card fraud")
    hybrid = generate(document, "hybrid", allow_hybrid=True)
    sql = next(p for p in hybrid.files if p.endswith(".sql"))
    plan = plan_code_edit(document, "hybrid", sql, hybrid.files[sql].text.replace("100", "200"))
    assert plan.after is None and "SDP SQL tab" in plan.error


def test_every_template_s_unchanged_code_plans_no_change():
    for card in gallery.list_templates():
        document = gallery.instantiate(card)
        plan = plan_code_edit(document, "sss", "stream_job.py", code(document))
        assert plan.after is document and plan.unchanged, card.name


# --- the command line -------------------------------------------------------------------------------------

def test_edit_code_prints_the_preview_and_writes_only_with_write(tmp_path, capsys):
    document = declarative()
    pipeline, edited, bad = tmp_path / "p.lakestream.json", tmp_path / "e.sql", tmp_path / "bad.sql"
    pipeline.write_text(document.to_json())
    text = code(document, "sdp-sql", SQL)
    edited.write_text(text.replace("amount >= 100", "amount >= 300"))
    bad.write_text(text.replace("amount >= 100", "amount >= 100)"))
    assert main(["edit-code", str(pipeline), str(edited)]) == 0
    assert "amount >= 300" in capsys.readouterr().out
    assert "amount >= 300" not in pipeline.read_text()
    assert main(["edit-code", str(pipeline), str(edited), "--write"]) == 0
    saved = json.loads(pipeline.read_text())
    assert next(n for n in saved["nodes"] if n["id"] == "large_spend")["config"]["condition"].endswith("300")
    before = pipeline.read_text()
    assert main(["edit-code", str(pipeline), str(bad), "--write"]) == 1
    assert "Line 27" in capsys.readouterr().err and pipeline.read_text() == before


def test_paste_query_adds_two_nodes_to_a_new_or_existing_document(tmp_path, capsys):
    query = tmp_path / "q.sql"
    query.write_text("SELECT * FROM ticks MATCH_RECOGNIZE (PARTITION BY sym ORDER BY ts MEASURES LAST(B.px) AS px "
                     "PATTERN (A B+) WITHIN INTERVAL '5' MINUTE DEFINE B AS px > PREV(px))")
    target = tmp_path / "new.lakestream.json"
    assert main(["paste-query", str(target), str(query)]) == 0
    saved = json.loads(target.read_text())
    assert [n["type"] for n in saved["nodes"]] == ["delta_table_source", "match_recognize"]
    assert saved["nodes"][1]["config"]["within"] == "5 minutes"
    query.write_text("SELECT 1")
    assert main(["paste-query", str(target), str(query)]) == 1
    assert "no MATCH_RECOGNIZE" in capsys.readouterr().err


def test_every_expression_text_of_every_template_that_its_sss_code_writes_maps_back_to_its_field():
    """For each template, each node's config text with an operator or a call that the SSS code writes inside a
    string literal of that node (as typed, or as the generator writes it): the literal edited (the text wrapped
    in parentheses) maps back onto exactly that field."""
    from lakestream.code_edit.python_edit import _as_written, _leaves, _literals

    checked = 0
    for card in gallery.list_templates():
        document = gallery.instantiate(card)
        generated = generated_file(document, "sss", "stream_job.py")
        literals = _literals(ast.parse(generated.text))
        for node in document.nodes:
            (first, last), = [(s.start, s.end) for s in generated.spans if s.node_id == node.id]
            for path, value in _leaves(dict(node.config)):
                if not any(ch in value for ch in "=<>()"):
                    continue
                forms = [f for f in (value, _as_written(value)) if f]
                literal = next((c for c in literals if first <= c.lineno <= last and any(f in c.value for f in forms)),
                               None)
                assert literal is not None, (card.name, node.id, path, value)
                segment = ast.get_source_segment(generated.text, literal)
                written = next(f for f in forms if f in segment)
                lines = generated.text.splitlines(keepends=True)  # splice at the literal itself (the same text
                at = sum(len(x) for x in lines[:literal.lineno - 1]) + literal.col_offset  # may be elsewhere too)
                assert generated.text[at:at + len(segment)] == segment
                edited = generated.text[:at] + segment.replace(written, f"({written})", 1) + \
                    generated.text[at + len(segment):]
                plan = plan_code_edit(document, "sss", "stream_job.py", edited)
                assert plan.error is None, (card.name, node.id, path, plan.error)
                (change,) = [c for n in plan.diff.changed_nodes for c in n.changes]
                # that field, or one with the same text that the code writes in the same place (two steps
                # with one condition share their literal)
                assert (change.old, change.new) == (value, f"({written})"), (card.name, change)
                assert change.path.startswith("config." + str(path[0])), (card.name, change)
                checked += 1
    assert checked == 53
