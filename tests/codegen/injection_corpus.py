"""The injection corpus: every string field of every node config (found in the models), hostile values, and
the structure of generated code (statements, their kinds and tables; Python top-level names) to compare."""

from __future__ import annotations

import ast
import copy
import json
import types
from functools import lru_cache
from typing import Annotated, Literal, Union, get_args, get_origin

import sqlglot
from pydantic import BaseModel, ValidationError

from lakestream.codegen import generate
from lakestream.sparksql.escape import sql
from lakestream.codegen.golden import cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from lakestream.nodes.fields import FieldKind, Kind
from lakestream.pipeline import load_pipeline
from lakestream.validate import ERROR, validate

BENIGN = "plainvalue"
# The statement injection of issue 14: a cast_to that closed the CAST and appended two statements.
TYPE_PAYLOAD = ("struct<a:int>) as amount from stream(orders); create materialized view main.s.exfil as select * "
                "from main.hr.salaries; create temporary view zz as select 1 as q --<>")
# Every marker in one value (a field that takes it is checked once); INDIVIDUAL when a field refuses it.
COMBINED = ("a' \" \"\"\" \\ ` -- /* */ # {{ x }} ${x} ${env:HOME} é 漢字 ; \n b \u2028 \u2029 \u0085 "
            "'); DROP TABLE x; -- c")
INDIVIDUAL = ["'", '"', '"""', "\\", "`", "a\nb", "a\u2028b\u2029c\u0085d", "'); DROP TABLE x; --", "x -- c",
              "x /* c */ y", "x # c", "{{ x }}", "${x}", "${env:HOME}", "é 漢字"]
MARKERS = ["'", '"', '"""', "\\", "`", "\n", "\u2028", "\u2029", "\u0085", "--", "/*", "#", "${"]
# Type-shaped values: the payload, names no quoting can carry, and valid types with hostile field names.
TYPE_VALUES = [TYPE_PAYLOAD, "struct<`a${x}`:int>", "int) AS x FROM t; --", "string -- c", "string /* c */",
               "array<string>\u2028", "map<string,int>; DROP TABLE x", "struct<`a'\"--/*#`:int,`b``c`:string>",
               "struct<`x``) AS y FROM t; --`:int>", "array<struct<`a\u2028b`:int>>"]
COLUMNS_VALUES = ["amount double; DROP TABLE x", "`a${x}` int", "amount struct<a:int>) --", "`a'b`.`c\"d` int, e double",
                  "amount double -- c"]
# Raw expressions (not wrapped in a string literal), each with the plain expression it must equal when accepted.
RAW_EXPRESSIONS = {"${x}": None, "merchant = ${x}": None, "`a${x}` = 1": None, "merchant = @x": None,
                   "amount > 1; DROP TABLE x": None, "merchant = '${env:HOME}'": "merchant = 'plainvalue'",
                   "amount > 1 -- ${x}": "amount > 1", "amount > 1 /* ${x} */": "amount > 1",
                   "merchant = 'a\u2028b'": "merchant = 'plainvalue'", "merchant = 'x' /* ' */": "merchant = 'x'"}

SECRET = {"scope": "s1", "key": "k1"}
_SASL = {"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN", "sasl_username": SECRET, "sasl_password": SECRET,
         "ssl_truststore_location": "/dbfs/truststore.jks", "ssl_truststore_password": SECRET}
# Forms of a node its example does not show, so every string field is set somewhere (None drops a key).
VARIANTS = {
    "sql_transform": [{"materialized_view": "main.analytics.page_views"}],
    "kafka_source": [{**_SASL, "consumer_group": "group1", "schema_registry_url": "https://registry:8081",
                      "value_format": "avro"}],
    "auto_loader": [{"format": "csv", "schema_hints": "amount double, ts timestamp",
                     "schema_location": "/Volumes/main/demo/schemas", "delimiter": ";"}],
    "rest_webhook_source": [{"auth": "basic", "token": None, "username": SECRET, "password": SECRET}],
    "cdc_stream": [_SASL, {"source_kind": "table", "cdc_format": "delta_cdf", "source_table": "main.erp.orders",
                           "bootstrap_servers": None, "topic": None}],
    "event_hubs_source": [{"consumer_group": "group1"}],
    "kinesis_source": [{"auth": "access_keys", "role_arn": None, "access_key": SECRET, "secret_key": SECRET}],
    "mqtt_source": [{"client_id": "client1", "username": SECRET, "password": SECRET}],
    "stream_simulator": [{"profile": "custom", "custom_schema": [{"name": "reading", "type": "double"},
                                                                  {"name": "ts", "type": "timestamp"}]}],
    "absence_detector": [{"correlate_on": ["customer_id"]}],
    "condition_change": [{"trigger": "becomes_true", "condition": "temperature > 80", "value_column": None,
                          "low": None, "high": None}],
    "velocity_detector": [{"condition": "amount > 10"}],
    "geofence": [{"trigger": "dwell", "dwell_time": "10 minutes"}],
    "temporal_correlation": [{"key_columns": ["card_id"]}],
    "session_detector": [{"max_duration": "2 hours"}],
    "deduplication": [{"within": "1 hour"}],  # transformWithState (the example's bound is native)
    "custom_stateful_processor": [{"class_name": "CountEvents"}],
    "match_recognize": [{"after_match_skip": "TO LAST UP", "subset": [{"name": "ANY1", "variables": ["DOWN", "UP"]}],
                         "define": [{"variable": "DOWN", "condition": "price < PREV(price)"},
                                    {"variable": "UP", "condition": "price > PREV(price)"}]}],
    "window_aggregate": [{"window_type": "sliding", "slide": "1 minute"}],
    "stream_stream_join": [{"time_bound": {"left_time_column": "impression_ts", "right_time_column": "click_ts",
                                           "before": "5 minutes", "after": "1 hour"}}],
    "stream_static_join": [{"keys": [], "condition": "s.customer_id = t.customer_id"}],
    "delta_table_sink": [{"mode": "append", "merge_keys": [], "sequence_by": None, "cluster_by": [],
                          "partition_by": ["country"], "checkpoint": "/Volumes/main/demo/checkpoints/x"}],
    "kafka_sink": [{"ssl_truststore_location": "/dbfs/truststore.jks", "ssl_truststore_password": SECRET}],
    "rest_webhook_sink": [{"timeout": "30 seconds", "auth": "basic", "token": None, "username": SECRET,
                           "password": SECRET}],
    "alert_sink": [{"provider": "pagerduty", "api_url": "https://events.pagerduty.com/v2/enqueue"}],
    "dead_letter_queue": [{"target": "kafka", "table": None, "bootstrap_servers": "broker:9092", "topic": "dlq"}],
    "lakebase_sink": [{"user": "writer", "password": SECRET}],
    "ml_model_endpoint": [{"invocation": "pandas_udf", "timeout": "10 seconds"}],  # the timeout is the UDF's
}


# ---- the string fields of the config models ---------------------------------------------------------------

def _unwrap(annotation):
    """Strip Optional/Annotated; return (inner annotation, FieldKind or None)."""
    kind = None
    while True:
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is Annotated:
            kind = kind or next((m for m in args[1:] if isinstance(m, FieldKind)), None)
            annotation = args[0]
        elif origin in (Union, types.UnionType) and len([a for a in args if a is not type(None)]) == 1:
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation, kind


def model_string_fields(model: type[BaseModel], prefix: str = "") -> dict[str, Kind | None]:
    """Every string leaf of a config model, nested models and lists included: `mappings[].cast_to` -> kind."""
    out: dict[str, Kind | None] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}.{info.alias or name}" if prefix else (info.alias or name)
        own = next((m for m in info.metadata if isinstance(m, FieldKind)), None)
        out.update(_annotation_fields(info.annotation, path, own))
    return out


def _annotation_fields(annotation, path: str, kind: FieldKind | None = None) -> dict[str, Kind | None]:
    annotation, found = _unwrap(annotation)
    kind = found or kind
    origin = get_origin(annotation)
    if annotation is str:
        return {path: kind.kind if kind else None}
    if origin in (tuple, list):
        out = {}
        for item in get_args(annotation):
            if item is not Ellipsis:
                out.update(_annotation_fields(item, path + "[]"))
        return out
    if origin is dict:
        return _annotation_fields(get_args(annotation)[1], path + "{}")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_string_fields(annotation, path)
    if origin in (Union, types.UnionType):
        out = {}
        for item in get_args(annotation):
            out.update(_annotation_fields(item, path))
        return out
    assert origin is Literal or isinstance(annotation, type), f"{path}: cannot enumerate {annotation!r}"
    return {}


def field_name(path: tuple) -> str:
    """`('mappings', 1, 'cast_to')` -> `mappings[].cast_to` (the form model_string_fields uses)."""
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def string_paths(value, path=()):
    """Paths to every string leaf of a config (nested lists and dicts included)."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, path + (index,))


def value_at(config, path):
    for part in path:
        config = config[part]
    return config


def with_value(config, path, value):
    config = copy.deepcopy(config)
    target = config
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return config


def examples(type_id):
    """(variant name, config) of a node type: its example, then each VARIANTS entry applied to it."""
    example = dict(REGISTRY[type_id].example)
    yield "", example
    for index, change in enumerate(VARIANTS.get(type_id, ())):
        merged = {**example, **change}
        yield f"+v{index}", {k: v for k, v in merged.items() if v is not None}


def corpus_cases() -> list[tuple[str, str, str, str, tuple]]:
    """(type, variant, target, profile, path) for every string leaf of every example and variant, with the
    targets that variant supports."""
    out = []
    profiles = {}
    for type_id, target, profile in cases():
        profiles.setdefault(type_id, set()).add(profile)
    for type_id in profiles:
        spec = REGISTRY[type_id]
        for variant, config in examples(type_id):
            targets = sorted(t.value for t in spec.targets_for(spec.config.model_validate(config)))
            for target in targets:
                for profile in sorted(profiles[type_id]):
                    out.extend((type_id, variant, target, profile, path) for path in string_paths(config))
    return out


# Conditions the row-pattern compiler reads (plain text in the model): hostile data goes into their literals too.
CONDITIONS = {"match_recognize": {"define[].condition", "define.DOWN", "define.UP"}}


def kind_of(type_id: str, path: tuple) -> Kind | None:
    if field_name(path) in CONDITIONS.get(type_id, ()):
        return Kind.EXPRESSION
    return model_string_fields(REGISTRY[type_id].config).get(field_name(path))


def values_for(kind: Kind | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(value, the benign value it is compared with) pairs for a field kind: those tried first, and the
    fallbacks tried one marker at a time when the combined value is refused."""
    if kind is Kind.EXPRESSION:  # an expression is code by design: hostile data goes inside a string literal
        plain = f"merchant = {sql(BENIGN)}"
        first = [(f"merchant = {sql(v)}", plain) for v in [COMBINED, TYPE_PAYLOAD]]
        first += [(raw, benign or plain) for raw, benign in RAW_EXPRESSIONS.items()]
        return first, [(f"merchant = {sql(v)}", plain) for v in INDIVIDUAL]
    benign = {Kind.TYPE: "string", Kind.COLUMNS: "amount double"}.get(kind, BENIGN)
    first = {Kind.TYPE: TYPE_VALUES, Kind.COLUMNS: COLUMNS_VALUES}.get(kind, [TYPE_PAYLOAD]) + [COMBINED]
    return [(v, benign) for v in first], [(v, benign) for v in INDIVIDUAL]


# ---- building, and refusals -------------------------------------------------------------------------------

def original(type_id: str, variant: str, path: tuple) -> str:
    """The example's own value at a path (a benign value for fields that refuse BENIGN)."""
    return value_at(json.loads(_config(type_id, variant)), path)


@lru_cache(maxsize=None)
def _config(type_id: str, variant: str) -> str:
    return json.dumps(dict(examples(type_id))[variant])


@lru_cache(maxsize=8192)
def refusal(type_id: str, variant: str, path: tuple, value: str) -> tuple | None:
    """The validation errors refusing `value` at `path` (None when it validates): target-independent."""
    config = with_value(json.loads(_config(type_id, variant)), path, value)
    try:
        pipeline = sample_pipeline(type_id, config)
    except ValidationError:  # the node's own config: validate the document as the UI and CLI would
        document = sample_pipeline(type_id, json.loads(_config(type_id, variant))).to_dict()
        next(n for n in document["nodes"] if n["id"] == "x")["config"] = config
        pipeline = load_pipeline(document)
    errors = tuple(i for i in validate(pipeline) if i.severity == ERROR)
    return errors or None


@lru_cache(maxsize=64)
def build(type_id: str, variant: str, target: str, profile: str, path: tuple, value: str):
    """Generated code, or the validation errors that refuse the value."""
    refused = refusal(type_id, variant, path, value)
    if refused:
        return refused
    config = with_value(json.loads(_config(type_id, variant)), path, value)
    return generate(sample_pipeline(type_id, config), target, profile)


def trials(case):
    """(value, benign value, hostile result, benign result) for each value tried on a case: the first values,
    and each marker alone when the combined value is refused. A result is generated code or the errors."""
    type_id, variant, target, profile, path = case
    first, fallback = values_for(kind_of(type_id, path))
    took_combined = False
    for pair in first + [None] + fallback:
        if pair is None:  # the fallbacks, only for a field that refused the combined value
            if took_combined:
                return
            continue
        value, benign = pair
        result = build(type_id, variant, target, profile, path, value)
        base = None
        if not isinstance(result, tuple):
            took_combined = took_combined or COMBINED in value
            base = build(type_id, variant, target, profile, path, benign)
            if isinstance(base, tuple) and benign == BENIGN:  # a field that refuses it (a one-character delimiter)
                benign = original(type_id, variant, path)
                base = build(type_id, variant, target, profile, path, benign)
        yield value, benign, result, base


def clear_refusal(errors, path: tuple) -> str | None:
    """What is wrong with a refusal as a user sees it (None: clear — on the node itself, or on the field of
    the source column it names; never an "unexpected error")."""
    if not errors:
        return "no error"
    if not any(e.node_id == "x" or e.node_id and e.field for e in errors):  # the node, or the source column
        return f"no error names the node: {errors}"
    for error in errors:
        if not error.node_id or "unexpected error" in error.message.lower() or "Traceback" in error.message:
            return f"unclear error: {error}"
    return None


# ---- the structure of generated code -----------------------------------------------------------------------

_NAMED_AFTER = {"TABLE", "VIEW", "FROM", "JOIN", "STREAM", "INTO", "FLOW", "SINK"}
_NAME_TOKENS = {"VAR", "IDENTIFIER"}


def split_statements(text: str) -> list[list]:
    """The tokens of each statement, split where sqlglot's tokenizer sees a semicolon."""
    statements, current = [], []
    for token in sqlglot.tokenize(text, read="spark"):
        if token.token_type.name == "SEMICOLON":
            if current:
                statements.append(current)
            current = []
        else:
            current.append(token)
    if current:
        statements.append(current)
    return statements


def statement_texts(text: str) -> list[str]:
    """Each statement's text (for Spark's parser), cut at the semicolons sqlglot's tokenizer finds."""
    return [text[tokens[0].start:tokens[-1].end + 1] for tokens in split_statements(text)]


def sql_statements(text: str) -> list[tuple]:
    """Each statement: its first three words (names masked) and the tables it names (after TABLE, VIEW,
    FROM, JOIN, STREAM, INTO, FLOW, SINK)."""
    return [_statement_key(tokens) for tokens in split_statements(text)]


def _statement_key(tokens) -> tuple:
    head = tuple("N" if t.token_type.name in ("IDENTIFIER", "STRING") else t.text.upper() for t in tokens[:3])
    tables, index = [], 0
    while index < len(tokens):
        if tokens[index].text.upper() in _NAMED_AFTER:
            index += 1
            while index < len(tokens) and tokens[index].token_type.name == "L_PAREN":
                index += 1
            parts = []
            while index < len(tokens) and tokens[index].token_type.name in _NAME_TOKENS:
                parts.append(tokens[index].text)
                if index + 1 < len(tokens) and tokens[index + 1].token_type.name == "DOT":
                    index += 2
                else:
                    index += 1
                    break
            if parts:
                tables.append(tuple(parts))
        else:
            index += 1
    return head, tuple(tables)


# Calls whose string arguments Spark parses as SQL (variable substitution included).
SQL_CALLS = {"sql": "plan", "expr": "expression", "selectExpr": "expression", "where": "expression",
             "filter": "expression", "table": "name", "toTable": "name", "readStream.table": "name"}


def python_sql_strings(tree: ast.AST) -> list[tuple[str, str]]:
    """(kind, text) of every constant string passed to a call that Spark parses as SQL."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        kind = SQL_CALLS.get(name)
        if kind is None:
            continue
        for arg in list(node.args) + [k.value for k in node.keywords if k.arg in ("name", "tableName")]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append((kind, arg.value))
    return out


def python_names(tree: ast.Module) -> dict[str, list[str]]:
    """The names bound at module level, and inside each top-level function."""
    def bound(body) -> list[str]:
        names = []
        for statement in body:
            for node in ast.walk(statement) if not isinstance(statement, (ast.FunctionDef, ast.ClassDef)) else ():
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    names.append(node.id)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names += [a.asname or a.name.split(".")[0] for a in node.names]
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                names.append(statement.name)
        return sorted(names)

    out = {"<module>": bound(tree.body)}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef):
            out[statement.name] = bound(statement.body)
    return out


def _sql_string_key(kind: str, text: str) -> tuple:
    if kind == "plan":
        return kind, tuple(sql_statements(text))
    if kind == "name":
        return kind, [t.token_type.name for t in sqlglot.tokenize(text, read="spark")]
    tokens = sqlglot.tokenize(text, read="spark")
    return kind, sum(t.token_type.name == "SEMICOLON" for t in tokens), [type(e).__name__ for e in
                                                                         sqlglot.parse(text, read="spark") if e]


class _Mask(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("S") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        return ast.Constant("S")


@lru_cache(maxsize=256)
def _python_structure(text: str) -> tuple:
    tree = ast.parse(text)
    strings = [_sql_string_key(kind, text) for kind, text in python_sql_strings(tree)]
    return python_names(tree), strings, ast.dump(_Mask().visit(tree))


@lru_cache(maxsize=256)
def _sql_structure(text: str, tokens: bool) -> tuple:
    shape = [(t.token_type.name, "S" if t.token_type.name in ("STRING", "IDENTIFIER") else t.text.upper())
             for t in sqlglot.tokenize(text, read="spark")] if tokens else None
    return sql_statements(text), shape


def structure(code, paths, tokens: bool = True) -> dict:
    """What must not change with a hostile value: per file, the SQL statements (kinds, tables) and the token
    stream with literals and names masked; the Python top-level names, the SQL it hands to Spark, and its AST
    with string literals masked."""
    out = {}
    for path in paths:
        generated = code.files[path]
        if generated.language == "sql":
            out[path] = _sql_structure(generated.text, tokens)
        elif generated.language == "python":
            out[path] = _python_structure(generated.text)
    return out


def substitutions(code, paths) -> list[str]:
    """Places where Spark's ${…} substitution would act: SQL files, and SQL strings inside Python files."""
    found = []
    for path in paths:
        generated = code.files[path]
        if generated.language == "sql" and "${" in generated.text:
            found.append(path)
        elif generated.language == "python":
            found += [f"{path}: {text[:80]!r}" for _, text in python_sql_strings(ast.parse(generated.text))
                      if "${" in text]
    return found


def swap_table(statements, benign: str, hostile: str):
    """The statements expected with a hostile table name: the benign name's parts replaced by the hostile's."""
    from lakestream.sparksql.escape import _split_table

    old, new = tuple(_split_table(benign)), tuple(_split_table(hostile))
    return [(head, tuple(new if t == old else t for t in tables)) for head, tables in statements]

