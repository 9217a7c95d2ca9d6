"""Typed config field kinds: validated at the field level, and tagged so forms, schema checks and codegen know them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from lakestream.durations import normalise_duration
from lakestream.nodes.columns import Column
from lakestream.sparksql import limits
from lakestream.sparksql.parse import ExpressionError, parse_expression
from lakestream.sparksql.types import SparkTypeError, canonical, check_name, columns_text



class Kind(str, Enum):
    """What a string field holds; forms pick their widget and validation its checks from it."""

    EXPRESSION = "expression"  # a Spark SQL expression over the input columns
    COLUMN = "column"  # one input column name
    NAME = "name"  # a new output name (alias, step name)
    DURATION = "duration"
    TABLE = "table"  # catalog.schema.table
    PYTHON = "python"  # Python source code
    SQL = "sql"
    TEMPLATE = "template"  # a message template with {column} placeholders
    URL = "url"
    TYPE = "type"  # a Spark SQL data type (spark_types.py parses and re-renders it)
    COLUMNS = "columns"  # a Spark DDL column list: name type, name type


@dataclass(frozen=True)
class FieldKind:
    """Annotated marker: the kind of a field and, for column references, the input port they refer to."""

    kind: Kind
    port: str | None = None


IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TABLE_PART = r"(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)"
TABLE_RE = re.compile(rf"^{_TABLE_PART}(?:\.{_TABLE_PART}){{0,2}}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _expression(value: str) -> str:
    try:
        problem = limits.literal_regex_problem(parse_expression(value), value)
    except ExpressionError as error:
        raise ValueError(f"The expression {error}") from None
    if problem:
        raise ValueError(f"The expression {problem}")
    return value.strip()


def _no_variable(value: str, what: str) -> None:
    """Spark substitutes ${…} anywhere in SQL text before parsing, and backticks have no escape for `$`."""
    try:
        check_name(value, what)
    except SparkTypeError as error:
        message = str(error)
        raise ValueError(message[:1].upper() + message[1:]) from None


def _column(value: str) -> str:
    if not value or not value.strip():
        raise ValueError("Name a column of the input")
    if _CONTROL_RE.search(value) or "`" in value:
        raise ValueError(f"{value!r} is not a column name: no backticks or control characters")
    _no_variable(value.strip(), "column name")
    return value.strip()


def _name(value: str) -> str:
    if not IDENTIFIER_RE.match(value or ""):
        raise ValueError(
            f"{value!r} is not a valid name: use letters, digits and underscores, starting with a letter"
        )
    return value


def _table(value: str) -> str:
    if not TABLE_RE.match(value or ""):
        raise ValueError(
            f"{value!r} is not a table name: write catalog.schema.table (letters, digits, underscores)"
        )
    _no_variable(value, "table name")
    return value


def _text(value: str) -> str:
    if not value or not value.strip():
        raise ValueError("This field is required")
    return value


def _url(value: str) -> str:
    if not re.match(r"^[a-z][a-z0-9+.-]*://[^\s]+$", value or "", re.IGNORECASE):
        raise ValueError(f"{value!r} is not a URL: write something like https://host/path")
    return value


def _duration(value: str) -> str:
    return normalise_duration(value)


Expression = Annotated[str, AfterValidator(_expression), FieldKind(Kind.EXPRESSION)]
ColumnName = Annotated[str, AfterValidator(_column), FieldKind(Kind.COLUMN)]
Name = Annotated[str, AfterValidator(_name), FieldKind(Kind.NAME)]
Duration = Annotated[str, AfterValidator(_duration), FieldKind(Kind.DURATION)]
TableName = Annotated[str, AfterValidator(_table), FieldKind(Kind.TABLE)]
PythonCode = Annotated[str, AfterValidator(_text), FieldKind(Kind.PYTHON)]
Template = Annotated[str, AfterValidator(_text), FieldKind(Kind.TEMPLATE)]
Url = Annotated[str, AfterValidator(_url), FieldKind(Kind.URL)]
RequiredText = Annotated[str, AfterValidator(_text)]


def column_of(port: str) -> Any:
    """A column name of a named input port (for nodes with several inputs)."""
    return Annotated[str, AfterValidator(_column), FieldKind(Kind.COLUMN, port)]


def expression_of(port: str) -> Any:
    """A Spark SQL expression over a named input port."""
    return Annotated[str, AfterValidator(_expression), FieldKind(Kind.EXPRESSION, port)]


class Model(BaseModel):
    """Base of every config model and its nested parts: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _spark_type(value: str) -> str:
    try:
        return canonical(value)
    except SparkTypeError as error:
        raise ValueError(str(error)) from None


def _spark_columns(value: str) -> str:
    try:
        return columns_text(value)
    except SparkTypeError as error:
        raise ValueError(str(error)) from None


# Kept in canonical form (`decimal(12,2)`, `bigint` for long, `struct<a:int>`), re-rendered again by codegen.
SparkType = Annotated[str, AfterValidator(_spark_type), FieldKind(Kind.TYPE)]
SparkColumns = Annotated[str, AfterValidator(_spark_columns), FieldKind(Kind.COLUMNS)]


class ColumnSpec(Model):
    """One declared column of a schema."""

    name: Name = Field(description="Column name")
    type: SparkType = Field(description="Spark SQL type: string, bigint, double, timestamp, …")


class SecretRef(Model):
    """A Databricks secret reference: the value is read at run time with dbutils.secrets.get(scope, key)."""

    scope: str = Field(description="Secret scope")
    key: str = Field(description="Secret key inside the scope")

    @field_validator("scope", "key")
    @classmethod
    def _check(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9_.\-]{1,128}$", value or ""):
            raise ValueError(f"{value!r} is not a secret scope/key: use letters, digits, '_', '-' and '.'")
        return value


def _unique_names(columns: tuple[ColumnSpec, ...]) -> tuple[ColumnSpec, ...]:
    seen: set[str] = set()
    for column in columns:
        if column.name in seen:
            raise ValueError(f"Column {column.name!r} is declared twice")
        seen.add(column.name)
    return columns


# A declared schema: column names unique. Use Field(min_length=1) where it is required.
Columns = Annotated[tuple[ColumnSpec, ...], AfterValidator(_unique_names)]


def declared_schema(columns: tuple[ColumnSpec, ...]) -> tuple:
    """The propagated schema (base.Schema) of a declared column list."""
    return tuple(Column(c.name, c.type) for c in columns)
