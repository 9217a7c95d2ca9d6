"""Hostile values in every string config field end up as literals or are refused by validation: the generated
SQL holds exactly the statements LakeStream meant (sqlglot's tokens here; Spark's own parser in the spark test)
and the generated Python defines exactly the intended names."""

from __future__ import annotations

import ast

import pytest

from lakestream.codegen import CodegenError, generate
from lakestream.sparksql.escape import sql
from lakestream.codegen.golden import cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from lakestream.nodes.fields import Kind
from lakestream.pipeline import load_pipeline
from tests.codegen.helpers import python_problems
from tests.codegen.injection_corpus import (
    BENIGN, COMBINED, INDIVIDUAL, MARKERS, TYPE_PAYLOAD, _Mask, build, clear_refusal, corpus_cases, examples,
    field_name, kind_of, model_string_fields, python_sql_strings, statement_texts, string_paths, trials,
    structure, substitutions, swap_table,
)
from lakestream.codegen.registry import CONTEXTS

HOSTILE = INDIVIDUAL  # the document-level test below
CASES = corpus_cases()


def sql_shape(text: str) -> list:
    import sqlglot

    tokens = sqlglot.tokenize(text, read="spark")
    return [(t.token_type.name, "S" if t.token_type.name in ("STRING", "IDENTIFIER") else t.text.upper())
            for t in tokens]


def test_every_string_field_of_every_node_is_in_the_corpus():
    """The fields come from the config models (nested ones included), not from the examples."""
    missing, total = [], 0
    for type_id, spec in REGISTRY.items():
        assert type_id in CONTEXTS, f"{type_id} has no generator"
        fields = model_string_fields(spec.config)
        total += len(fields)
        covered = {field_name(p) for _, config in examples(type_id) for p in string_paths(config)}
        missing += [f"{type_id}.{f}" for f in fields if f not in covered]
    assert total > 250 and missing == [], f"string fields no example or VARIANTS entry sets: {missing}"


def _compare(kind, benign_value, base, value, hostile):
    assert not isinstance(base, tuple), f"{value!r} validated where the plain {benign_value!r} did not: {base}"
    assert hostile.files.keys() == base.files.keys()
    changed = [p for p in base.files if hostile.files[p].text != base.files[p].text]
    found = substitutions(hostile, changed)  # unchanged files are the benign pipeline's
    assert found == [], f"{value!r}: Spark would substitute ${{…}} in {found}"
    typed = kind in (Kind.TYPE, Kind.COLUMNS)  # a valid type changes the type tokens, not the statements
    want, got = structure(base, changed, tokens=not typed), structure(hostile, changed, tokens=not typed)
    if kind is Kind.TABLE:  # the table is the value: the statements name the hostile table instead
        want = {p: (swap_table(s[0], benign_value, value), *s[1:]) if base.files[p].language == "sql" else s
                for p, s in want.items()}
    for path in changed:
        assert got[path] == want[path], f"{value!r} changed the structure of {path}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}{c[1]}-{c[2]}-{c[3]}-{'.'.join(map(str, c[4]))}" for c in CASES])
def test_hostile_values_keep_the_structure(case):
    kind = kind_of(case[0], case[4])
    took = []
    for value, benign, result, base in trials(case):
        if isinstance(result, tuple):  # refused by validation: the message must say where and why
            assert clear_refusal(result, case[4]) is None, f"{value!r}: {clear_refusal(result, case[4])}"
            continue
        _compare(kind, benign, base, value, result)
        took.append(value)
    ACCEPTED[case] = took


ACCEPTED: dict = {}


class _Spark:
    """Spark's own parser over generated SQL: plan (and expression) trees as class names and relation names."""

    def __init__(self, spark):
        self.parser = spark._jsparkSession.sessionState().sqlParser()
        self.calls = 0

    def tree(self, node, names: bool) -> tuple:
        name = node.getClass().getSimpleName()
        label = ""
        if names and name == "UnresolvedRelation":
            label = node.tableName()
        elif names and name == "UnresolvedIdentifier":
            label = node.nameParts().mkString(".")
        children = node.children()
        return (name, label, tuple(self.tree(children.apply(i), names) for i in range(children.size())))

    def key(self, kind: str, text: str, names: bool):
        """The parse tree's shape, the text of its string form (to look for substituted values), or the error."""
        self.calls += 1
        try:
            if kind == "plan":
                parsed = self.parser.parsePlan(text)
            elif kind == "expression":
                parsed = self.parser.parseExpression(text)
            else:
                return "name", self.parser.parseMultipartIdentifier(text).size(), ""
        except Exception as error:  # py4j wraps Spark's ParseException
            return "error", type(error).__name__, ""
        return "tree", self.tree(parsed, names), parsed.toString()

    def texts(self, code, path) -> list[tuple[str, str]]:
        generated = code.files[path]
        if generated.language == "sql":
            return [("plan", t) for t in statement_texts(generated.text)]
        if generated.language == "python":
            return python_sql_strings(ast.parse(generated.text))
        return []


@pytest.mark.spark
def test_sparks_parser_sees_the_statements_lakestream_meant(spark):
    """Every accepted hostile value of the corpus: each statement of the SQL files, and each SQL text the Python
    files hand to Spark (spark.sql, expr, selectExpr, where, table), parses with Spark's parser into the tree
    of the benign value's code (same plan nodes, same relations), and no ${x} was substituted."""
    parser = _Spark(spark)
    spark.conf.set("x", "SUBSTITUTED_X")
    compared = refused_by_both = 0
    for case in CASES:
        kind = kind_of(case[0], case[4])
        names = kind not in (Kind.TABLE,)  # a table field names the table: only the tree shape must hold
        for value, benign, result, base in trials(case):
            if isinstance(result, tuple):
                continue
            for path in [p for p in base.files if result.files[p].text != base.files[p].text]:
                want, got = parser.texts(base, path), parser.texts(result, path)
                assert [k for k, _ in got] == [k for k, _ in want], f"{case} {value!r}: other SQL texts in {path}"
                for (kind_, text), (_, plain) in zip(got, want):
                    expected, actual = parser.key(kind_, plain, names), parser.key(kind_, text, names)
                    assert actual[:2] == expected[:2], f"{case} {value!r} {path}:\n{text}\n!=\n{plain}"
                    assert "SUBSTITUTED_X" not in actual[2], f"{case} {value!r}: ${{x}} substituted in {text}"
                    if expected[0] == "error":
                        refused_by_both += 1  # Databricks-only syntax (read_kafka named arguments, EXPECT)
                    else:
                        compared += 1
    assert compared > 5000 and compared > 5 * refused_by_both, (compared, refused_by_both)


def test_free_text_fields_really_took_hostile_values():
    # Names, tables and secret scopes refuse hostile values outright; free text and expressions take every marker.
    free_text = [("kafka_source", ("bootstrap_servers",)), ("filter", ("condition",)), ("kafka_sink", ("bootstrap_servers",)),
                 ("ml_model_endpoint", ("fallback_value",)), ("delta_table_sink", ("table",))]
    for type_id, path in free_text:
        taken = [values for (t, _, _, _, p), values in ACCEPTED.items() if t == type_id and p == path]
        assert taken, f"{type_id}.{path} was not exercised"
        for values in taken:
            if type_id == "delta_table_sink":
                assert values == []
            elif type_id == "filter":
                assert f"merchant = {sql(COMBINED)}" in values and f"merchant = {sql(TYPE_PAYLOAD)}" in values
                assert "merchant = '${env:HOME}'" in values and "amount > 1 -- ${x}" in values
            else:
                assert values == [TYPE_PAYLOAD, COMBINED] and all(m in COMBINED for m in MARKERS)


def test_type_fields_refuse_the_statement_payload_with_the_field_path():
    """The issue's payload in every Spark type field (cast_to, output_type, declared column types)."""
    checked = 0
    for type_id, variant, target, profile, path in sorted({(c[0], c[1], "-", "-", c[4]) for c in CASES}):
        if kind_of(type_id, path) is not Kind.TYPE:
            continue
        errors = build(type_id, variant, target, profile, path, TYPE_PAYLOAD)  # refused before any target
        assert isinstance(errors, tuple), f"{type_id}.{field_name(path)} took the payload"
        located = [e for e in errors if e.node_id == "x" and e.field and e.field.replace("[", ".").split(".")[0] ==
                   str(path[0])]
        assert located and "is not a Spark type (unexpected ')' at position 14)" in located[0].message, errors
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python", "sss", "hybrid"])
@pytest.mark.parametrize("profile", ["databricks", "local"])
def test_hostile_document_values_stay_comments_or_literals(target, profile):
    """Pipeline name, node labels and settings reach the code only as comments or literals."""
    def build(value):
        doc = sample_pipeline("sql_warehouse_sink" if target == "hybrid" else "filter").to_dict()
        doc["name"] = value
        doc["settings"] = {"catalog": value, "schema": value, "checkpoint_root": value}
        for node in doc["nodes"]:
            node["label"] = value
        if target == "hybrid":  # a filter before the SSS-only sink gives the SDP part something to do
            doc["nodes"].insert(1, {"id": "f", "type": "filter", "label": value, "config": {"condition": "true"}})
            doc["edges"] = [{"id": "e1", "source": "src_in_0", "target": "f"}, {"id": "e2", "source": "f",
                                                                               "target": "x"}]
        return generate(load_pipeline(doc), target, profile)

    def shape(code, paths):
        # Labels also name variables and functions (slugs of [a-z0-9_] only): mask those names too.
        out = {}
        for path in paths:
            generated = code.files[path]
            if generated.language == "python":
                tree = _Names().visit(_Mask().visit(ast.parse(generated.text)))
                out[path] = ast.dump(tree)
            elif generated.language == "sql":
                out[path] = sql_shape(generated.text)
        return out

    base = build(BENIGN)
    for value in HOSTILE:
        try:
            hostile = build(value)
        except CodegenError as error:  # hybrid names its boundary tables after the catalog and schema
            assert target == "hybrid" and profile == "databricks" and "is not a Unity Catalog name" in str(error)
            continue
        changed = [p for p in base.files if hostile.files[p].text != base.files[p].text]
        assert changed, "the value reached no file: the test proves nothing"
        assert shape(hostile, changed) == shape(base, changed), f"{value!r} changed the structure of the code"


class _Names(ast.NodeTransformer):
    def visit_Name(self, node):
        return ast.Name("N", node.ctx)

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        node.name = "N"
        return node


def _module_names(generated) -> set[str]:
    """Names a generated module uses itself: imports, its own top-level names and parameters (outside the
    nodes' code), builtins it calls."""
    import builtins

    tree = ast.parse(generated.text)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and hasattr(builtins, node.id):
            names.add(node.id)
        elif generated.node_at(getattr(node, "lineno", 0)) is not None:
            continue
        elif isinstance(node, ast.arg) or isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.arg if isinstance(node, ast.arg) else node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return {n for n in names if n.islower() and n.isidentifier() and not n.startswith("_")}


def _imports_and_rebindings(text: str) -> tuple[set[str], list[str]]:
    tree = ast.parse(text)
    imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    rebound = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
               and n.id in imported]
    rebound += [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in imported]
    top = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    return imported, rebound + [name for name in set(top) if top.count(name) > 1]


RESERVED_CASES = [c for c in cases() if c[0] in ("ml_model_endpoint", "custom_python_udf", "sequence_detector", "filter",
                                                  "custom_python_source") and c[1] in ("sss", "sdp-python")]


@pytest.mark.parametrize("case", RESERVED_CASES, ids=["-".join(c) for c in RESERVED_CASES])
def test_nodes_named_like_the_modules_own_names_are_renamed(case):
    """A node labelled `pd` beside `import pandas as pd` (or `start`, `spark`, `len` …) gets another name: the
    names come from the generated module itself, and every node is labelled with each of them in turn."""
    type_id, target, profile = case
    document = sample_pipeline(type_id).to_dict()
    if type_id == "ml_model_endpoint":
        next(n for n in document["nodes"] if n["id"] == "x")["config"]["invocation"] = "pandas_udf"
    base = generate(load_pipeline(document), target, profile)
    main = "stream_job.py" if target == "sss" else "transformations/pipeline.py"
    names = sorted(_module_names(base.files[main]))
    assert {"spark"} <= set(names) and len(names) >= (5 if target == "sss" else 2), names
    if type_id == "ml_model_endpoint" and profile == "databricks":  # locally it writes the fallback value
        assert "pd" in names
    labels = names
    nodes = document["nodes"]
    for start in range(0, len(labels), len(nodes)):
        for node, label in zip(nodes, labels[start:start + len(nodes)]):
            node["label"] = label
        code = generate(load_pipeline(document), target, profile)
        text = code.files[main].text
        imported, rebound = _imports_and_rebindings(text)
        assert imported == _imports_and_rebindings(base.files[main].text)[0]
        assert rebound == [], f"labels {labels[start:start + len(nodes)]} rebound {rebound}"
        assert python_problems(text, main) == []


@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python", "sss"])
@pytest.mark.parametrize("profile", ["databricks", "local"])
def test_union_casts_from_declared_types_keep_the_statements(target, profile):
    """The union casts each input to the common type of its columns: those types come from the sources'
    declared schemas, re-rendered from their parse trees (a struct with hostile field names stays one type)."""
    def build_union(struct_type):
        nodes, edges = [], []
        for index, count_type in enumerate(("int", "bigint")):
            schema = [{"name": "card_id", "type": "string"}, {"name": "n", "type": count_type},
                      {"name": "detail", "type": struct_type}, {"name": "ts", "type": "timestamp"}]
            nodes.append({"id": f"s{index}", "type": "kafka_source", "label": f"In {index}", "config": {
                "bootstrap_servers": "broker:9092", "topics": [f"t{index}"], "schema": schema}})
            edges.append({"id": f"e{index}", "source": f"s{index}", "target": "u"})
        nodes += [{"id": "u", "type": "union_merge", "label": "Both", "config": {}},
                  {"id": "k", "type": "delta_table_sink", "label": "Out", "config": {"table": "main.demo.out"}}]
        edges.append({"id": "e9", "source": "u", "target": "k"})
        return generate(load_pipeline({"name": "Union", "nodes": nodes, "edges": edges}), target, profile)

    base = build_union("struct<a:int>")
    hostile = build_union("struct<`a') AS x FROM t; --`:int,`b\"\"\" #`:array<string>>")
    changed = [p for p in base.files if hostile.files[p].text != base.files[p].text]
    assert changed and substitutions(hostile, changed) == []
    assert structure(hostile, changed, tokens=False) == structure(base, changed, tokens=False)
    texts = [hostile.files[p].text if hostile.files[p].language == "sql" else
             "\n".join(t for _, t in python_sql_strings(ast.parse(hostile.files[p].text))) for p in changed]
    assert any("CAST(`n` AS bigint)" in t and "struct<`a') AS x FROM t; --`:int," in t for t in texts)
