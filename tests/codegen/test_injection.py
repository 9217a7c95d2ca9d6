"""Hostile values in every string config field end up as literals: the code's structure does not change."""

from __future__ import annotations

import ast
import copy
import types
from typing import Annotated, Union, get_args, get_origin

import pytest
import sqlglot
from pydantic import BaseModel, ValidationError

from lakestream.codegen import CodegenError, generate
from lakestream.codegen.escape import sql
from lakestream.codegen.golden import cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from lakestream.nodes.fields import FieldKind, Kind
from lakestream.pipeline import DocumentError, load_pipeline

HOSTILE = ["'", '"', '"""', "\\", "a\nb", "'); DROP TABLE x; --", "{{ x }}", "${x}", "é 漢字 \u2028"]
BENIGN = "plainvalue"


def string_paths(value, path=()):
    """Paths to every string leaf of an example config (nested lists and dicts included)."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, path + (index,))


def with_value(config, path, value):
    config = copy.deepcopy(config)
    target = config
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return config


class _Mask(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("S") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        return ast.Constant("S")


def python_shape(text: str) -> str:
    """The AST with every string literal replaced: equal shapes differ only in literal data."""
    return ast.dump(_Mask().visit(ast.parse(text)))


def sql_shape(text: str) -> list:
    tokens = sqlglot.tokenize(text, read="spark")
    return [(t.token_type.name, "S" if t.token_type.name in ("STRING", "IDENTIFIER") else t.text.upper())
            for t in tokens]


def shapes(code, paths):
    """The shapes of the files that changed (identical files are skipped: big runtime files cost time)."""
    return {path: python_shape(f.text) if f.language == "python" else sql_shape(f.text)
            for path, f in code.files.items() if path in paths and f.language in ("python", "sql")}


def _unwrap(annotation):
    """Strip Optional/Annotated; return (inner annotation, FieldKind or None)."""
    kind = None
    while True:
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is Annotated:
            kind = kind or next((m for m in args[1:] if isinstance(m, FieldKind)), None)
            annotation = args[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation, kind


def kind_at(model, path) -> Kind | None:
    """The FieldKind of the config field at a path of the example (None for plain strings)."""
    annotation, kind = model, None
    for part in path:
        annotation, _ = _unwrap(annotation)
        if isinstance(part, int):
            annotation, kind = _unwrap(get_args(annotation)[0])
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = next(f for n, f in annotation.model_fields.items() if (f.alias or n) == part)
            inner, found = _unwrap(info.annotation)
            kind = found or next((m for m in info.metadata if isinstance(m, FieldKind)), None)
            annotation = inner if found else info.annotation
        else:
            return None  # a dict value
    return kind.kind if kind else None


# forms of a node its example does not generate, checked too: the example with these fields changed
VARIANTS = {"deduplication": {"within": "1 hour"}}  # transformWithState (the example's bound is native)


def _examples(type_id):
    example = dict(REGISTRY[type_id].example)
    yield "", example
    if type_id in VARIANTS:
        yield "+variant", {**example, **VARIANTS[type_id]}


def _cases():
    out = []
    for type_id, target, profile in cases():
        for variant, example in _examples(type_id):
            for path in string_paths(example):
                out.append((type_id, variant, target, profile, path))
    return out


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}{c[1]}-{c[2]}-{c[3]}-{'.'.join(map(str, c[4]))}" for c in CASES])
def test_hostile_values_stay_literals(case):
    type_id, variant, target, profile, path = case
    example = dict(_examples(type_id))[variant]

    def build(value):
        try:
            pipeline = sample_pipeline(type_id, with_value(example, path, value))
            return generate(pipeline, target, profile)
        except (ValidationError, DocumentError, ValueError) as error:
            if isinstance(error, CodegenError) and "Fix the pipeline first" not in str(error):
                raise
            return None  # the value is refused outright: nothing can reach the code

    if kind_at(REGISTRY[type_id].config, path) is Kind.EXPRESSION:
        # An expression is code by design: hostile data goes inside one of its string literals.
        base = build(f"merchant = {sql(BENIGN)}")
        values = [f"merchant = {sql(v)}" for v in HOSTILE]
    else:
        base, values = build(BENIGN), HOSTILE
    accepted = 0
    for value in values:
        hostile = build(value)
        if hostile is None:
            continue
        accepted += 1
        assert base is not None, "a hostile value validated where a plain one did not"
        assert hostile.files.keys() == base.files.keys()
        changed = [p for p in base.files if hostile.files[p].text != base.files[p].text]
        assert shapes(hostile, changed) == shapes(base, changed), f"{value!r} changed the structure of the code"
    ACCEPTED[case] = accepted


ACCEPTED: dict = {}


def test_free_text_fields_really_took_hostile_values():
    # Names, tables and secret scopes refuse hostile values outright; free text and expressions take them all.
    free_text = [("kafka_source", ("bootstrap_servers",)), ("filter", ("condition",)),
                 ("delta_table_sink", ("table",))]
    for type_id, path in free_text:
        taken = [n for (t, _, _, _, p), n in ACCEPTED.items() if t == type_id and p == path]
        assert taken, f"{type_id}.{path} was not exercised"
        expected = 0 if type_id == "delta_table_sink" else len(HOSTILE)
        assert set(taken) == {expected}, (type_id, path, taken)


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
