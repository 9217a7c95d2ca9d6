"""Helpers shared by node modules: non-empty lists, Spark type strings, Python code checks, join columns."""

from __future__ import annotations

import ast
from typing import Annotated, Any

from pydantic import AfterValidator

from lakestream.sparksql import types as spark_types
from lakestream.nodes.base import Column, Finding, Schema
from lakestream.nodes.fields import ColumnName
from lakestream.sparksql.types import ALIASES, INTEGRAL, WIDENING, is_numeric, is_timestamp  # noqa: F401 - node modules import them here


def non_empty(what: str) -> AfterValidator:
    """A validator refusing an empty list, saying what to list."""

    def check(value: Any) -> Any:
        if not value:
            raise ValueError(f"List at least one {what}")
        return value

    return AfterValidator(check)


def unique(what: str, key=lambda item: item) -> AfterValidator:
    """A validator refusing repeated items (by `key`), naming the repeated one."""

    def check(value: Any) -> Any:
        seen: set[Any] = set()
        for item in value:
            k = key(item)
            if k in seen:
                raise ValueError(f"{what} {k!r} appears twice; each must be unique")
            seen.add(k)
        return value

    return AfterValidator(check)


# A required, non-empty list of distinct input column names.
KeyColumns = Annotated[tuple[ColumnName, ...], non_empty("column"), unique("Column")]


def types_of(schema: Schema) -> dict[str, str]:
    return {c.name: c.type for c in schema}


# ---- Spark type strings (parsed by lakestream.sparksql.types, the one grammar of types) ---------------

def struct_fields(type_: str) -> Schema | None:
    """The fields of struct<a:int,b:string> as columns, else None."""
    fields = spark_types.struct_fields(type_)
    return None if fields is None else tuple(Column(name, ftype) for name, ftype in fields)


def widen(a: str, b: str) -> str | None:
    """The common type of two column types, or None when they cannot be combined."""
    a, b = ALIASES.get(a, a), ALIASES.get(b, b)
    if a == b:
        return a
    if a in WIDENING and b in WIDENING:  # Spark's numeric widening order (unions, CASE, COALESCE)
        return max(a, b, key=WIDENING.index)
    if {a, b} <= set(WIDENING) | {t for t in (a, b) if t.startswith("decimal")}:
        return "double"
    if is_timestamp(a) and is_timestamp(b) or {a, b} == {"date", "timestamp"}:
        return "timestamp"
    return None


def timestamp_check(column: str, schema: Schema, field: str) -> list[Finding]:
    """An error when `column` exists in `schema` but is not a timestamp."""
    found = types_of(schema).get(column)
    if found is None or is_timestamp(found):
        return []
    return [Finding(
        "error", "column.not_timestamp", f"Column {column!r} is {found}, not a timestamp", field=field,
        hint="Cast it with a Rename / cast node (cast_to: timestamp) or pick a timestamp column",
    )]


# ---- Python code fields --------------------------------------------------------------------------

def parse_python(code: str) -> ast.Module:
    """The module tree of user code; ValueError naming the line when it does not compile."""
    try:
        tree = ast.parse(code)
        compile(tree, "<config>", "exec")
    except SyntaxError as error:
        raise ValueError(f"The code does not compile: {error.msg} (line {error.lineno})") from None
    return tree


def top_level_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def classes_deriving(tree: ast.Module, *bases: str) -> list[ast.ClassDef]:
    """Top-level classes with a base named (or ending in) one of `bases`."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
            if names & set(bases):
                found.append(node)
    return found


# ---- joins with a reference table ----------------------------------------------------------------

def table_columns_added(stream: Schema, table: str, added: Schema) -> Schema:
    """Columns a join adds from a table: one whose name the stream already has is renamed
    <table>_<name> (table = last part of its name), so the output never holds two columns of one name."""
    short = table.rsplit(".", 1)[-1].strip("`")
    taken = {c.name for c in stream}
    return tuple(Column(f"{short}_{c.name}" if c.name in taken else c.name, c.type) for c in added)
