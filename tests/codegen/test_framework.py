"""The generator's contract: escaping filters, routing and reasons, naming, spans, refusal of invalid pipelines."""

from __future__ import annotations

import ast

import pytest

from lakestream.codegen import CodegenError, generate
from lakestream.sparksql.escape import Code, comment, expr, ident, py, sql, table
from lakestream.codegen.naming import assign_names
from lakestream.codegen.templates import environment
from tests.codegen.helpers import DELTA, FILTER, KAFKA, pipeline, three_nodes

HOSTILE = ["'", '"', '"""', "\\", "a\nb", "'); DROP TABLE x; --", "{{ x }}", "${x}", "é漢字", "`", "\r\x00"]


@pytest.mark.parametrize("value", HOSTILE)
def test_py_literal_round_trips(value):
    assert ast.literal_eval(py(value)) == value


@pytest.mark.parametrize("value", [v for v in HOSTILE if "\x00" not in v])
def test_sql_literal_is_one_token_without_dollar(value):
    literal = sql(value)
    assert literal.startswith("'") and literal.endswith("'") and "$" not in literal and "\n" not in literal
    # every quote inside is escaped: removing escape pairs leaves no bare quote between the ends
    inner = literal[1:-1].replace("\\\\", "").replace("\\'", "")
    assert "'" not in inner


def test_identifiers_and_tables_double_backticks():
    assert ident("a`b") == "`a``b`"
    assert table("main.sales.orders") == "`main`.`sales`.`orders`"
    assert table("`we.ird`.t") == "`we.ird`.`t`"
    with pytest.raises(ValueError):
        table("a..b")


def test_expr_is_rerendered_from_its_tree():
    assert expr("amount>100 and  country='US'") == "amount > 100 AND country = 'US'"
    with pytest.raises(ValueError):
        expr("1; DROP TABLE x")


def test_comment_cannot_break_the_line():
    assert "\n" not in comment("a\nb\rc\u2028d")


def test_templates_refuse_unescaped_strings():
    env = environment()
    with pytest.raises(TypeError, match="unescaped"):
        env.from_string("{{ value }}").render(value="x')")
    assert env.from_string("{{ value | py }}").render(value="x')") == "\"x')\""
    assert env.from_string("{{ value }}").render(value=Code("ok")) == "ok"


def test_names_are_unique_and_safe():
    nodes = pipeline(
        [KAFKA, {**FILTER, "label": "Payments"}, {**DELTA, "label": "import"}], [("n1", "n2"), ("n2", "n3")]
    ).nodes
    names = assign_names(nodes)
    assert names == {"n1": "payments_n1", "n2": "payments_n2", "n3": "n_import"}


def test_generation_is_deterministic_and_maps_lines_to_nodes():
    first = generate(three_nodes(), "sss")
    again = generate(three_nodes(), "sss")
    assert first.texts == again.texts
    job = first.files["stream_job.py"]
    lines = job.text.splitlines()
    for span in job.spans:
        assert lines[span.start - 1].strip().startswith("#")
    assert [s.node_id for s in job.spans] == ["n1", "n2", "n3"]
    filter_line = next(i for i, line in enumerate(lines, 1) if "amount > 100" in line)
    assert job.node_at(filter_line) == "n2"
    assert job.node_at(1) is None


def test_auto_picks_sql_when_everything_is_declarative():
    code = generate(three_nodes(), "auto")
    assert code.target == "sdp-sql"
    assert "every node is declarative" in code.explanation()
    assert set(code.files) == {"transformations/pipeline.sql"}


def test_invalid_pipeline_is_refused_with_its_issues():
    broken = pipeline([KAFKA, {**FILTER, "config": {"condition": "amount >"}}, DELTA], [("n1", "n2"), ("n2", "n3")])
    with pytest.raises(CodegenError) as caught:
        generate(broken)
    assert caught.value.issues and caught.value.issues[0].node_id == "n2"
    assert "Fix the pipeline first" in str(caught.value)


def test_unknown_target_and_profile_are_clear_errors():
    with pytest.raises(CodegenError, match="Unknown target"):
        generate(three_nodes(), "spark")
    with pytest.raises(CodegenError, match="Unknown profile"):
        generate(three_nodes(), "sss", "laptop")
