"""A source's columns inferred from sample data (JSON lines or CSV): names in order of appearance, Spark types.

Types: boolean; int, or bigint beyond 32 bits; double; timestamp for ISO-8601 date-times ("2024-05-01T10:00:00Z",
"2024-05-01 10:00:00.250+02:00"); date for "2024-05-01"; string; a JSON object is a struct<…> and a JSON array an
array<…> of its items' common type. In CSV every cell is text, so the same rules read the text ("42", "true", "").
Values of one column that disagree widen (int + double = double, date + timestamp = timestamp) or fall back to string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lakestream.cep.replay import parse_events
from lakestream.errors import UserError
from lakestream.nodes.fields import IDENTIFIER_RE
from lakestream.nodes.transforms.common import widen
from lakestream.pipeline import MAX_SAMPLE_EVENTS

_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_INT32 = 2**31
_INT64 = 2**63
NULL = "void"  # only nulls seen so far: the column becomes a string unless a value says otherwise


@dataclass
class Inferred:
    """Columns (name, Spark type) in order of first appearance, and notes on what was left out or guessed."""

    columns: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)  # the rows read (at most MAX_SAMPLE_EVENTS)

    def schema(self) -> list[dict[str, str]]:
        """The `schema` list of a source's config."""
        return [{"name": name, "type": kind} for name, kind in self.columns]


def _text_type(text: str) -> str:
    """The type of a CSV cell (or a JSON string: only dates and timestamps are read out of those)."""
    value = text.strip()
    if not value:
        return NULL
    if value.lower() in ("true", "false"):
        return "boolean"
    if _INT.match(value):
        return "int" if abs(int(value)) < _INT32 else "bigint" if abs(int(value)) < _INT64 else "double"
    if _FLOAT.match(value):
        return "double"
    return _string_type(value)


def _string_type(value: str) -> str:
    if _TIMESTAMP.match(value):
        return "timestamp"
    if _DATE.match(value):
        return "date"
    return "string"


def _field_name(name: str) -> str:
    return name if IDENTIFIER_RE.match(name) else "`" + name.replace("`", "``") + "`"


def value_type(value: Any) -> str:
    """The Spark type of one JSON value (NULL for null)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if abs(value) < _INT32 else "bigint" if abs(value) < _INT64 else "double"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return _string_type(value)
    if isinstance(value, list):
        item = NULL
        for element in value:
            item = merge(item, value_type(element))
        return f"array<{_concrete(item)}>"
    if isinstance(value, dict):
        return _struct({k: value_type(v) for k, v in value.items()})
    return "string"


def _struct(fields: dict[str, str]) -> str:
    return "struct<" + ",".join(f"{_field_name(k)}:{_concrete(t)}" for k, t in fields.items()) + ">"


def _concrete(kind: str) -> str:
    return "string" if kind == NULL else kind


def _struct_fields(kind: str) -> dict[str, str] | None:
    """The fields of a struct type this module wrote (top-level commas only), or None if not a struct."""
    if not kind.startswith("struct<"):
        return None
    body, fields, depth, start, quoted = kind[len("struct<"):-1], {}, 0, 0, False
    for index, char in enumerate(body + ","):
        if char == "`":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "," and depth == 0:
            name, part = _split_field(body[start:index])
            fields[name] = part
            start = index + 1
    return fields


def _split_field(text: str) -> tuple[str, str]:
    """'`a:b`:int' -> ('a:b', 'int'): the name (unquoted) and the type of one struct field."""
    if text.startswith("`"):
        end = text.index("`:", 1) if "`:" in text else len(text) - 1
        while text[end - 1:end + 1] == "``" and "`:" in text[end + 1:]:  # an escaped backtick before ':'
            end = text.index("`:", end + 2)
        return text[1:end].replace("``", "`"), text[end + 2:]
    name, _, kind = text.partition(":")
    return name, kind


def merge(a: str, b: str) -> str:
    """The type holding values of both types: the wider number, timestamp over date, merged structs, else string."""
    if a == NULL or a == b:
        return b
    if b == NULL:
        return a
    wider = widen(a, b)  # Spark's widening: int < bigint < double, date < timestamp
    if wider is not None:
        return wider
    if a.startswith("array<") and b.startswith("array<"):
        return f"array<{merge(a[6:-1], b[6:-1])}>"
    left, right = _struct_fields(a), _struct_fields(b)
    if left is not None and right is not None:
        merged = dict(left)
        for name, kind in right.items():
            merged[name] = merge(merged[name], kind) if name in merged else kind
        return _struct(merged)
    return "string"


def infer_schema(text: str, as_csv: bool = False) -> Inferred:
    """Columns and Spark types of sample data; UserError when the text has no usable rows."""
    rows = parse_events(text, as_csv=as_csv, name="the data,")
    if not rows:
        raise UserError("the data has no rows: paste one JSON object per line, or CSV with a header line")
    events = [{k: v for k, v in row.items() if k is not None} for row in rows[:MAX_SAMPLE_EVENTS]]
    result = Inferred(rows=len(events), events=events)
    if len(rows) > MAX_SAMPLE_EVENTS:
        result.notes.append(f"Types read from the first {MAX_SAMPLE_EVENTS:,} of {len(rows):,} rows")
    types: dict[str, str] = {}
    for row in events:  # (a CSV line with more cells than the header has them under None: dropped)
        for name, value in row.items():
            kind = _text_type(value) if as_csv and isinstance(value, str) else value_type(value)
            types[name] = merge(types.get(name, NULL), kind)
    for name, kind in types.items():
        if not IDENTIFIER_RE.match(name):
            result.notes.append(f"{name!r} is left out: a column name uses letters, digits and underscores, "
                                "starting with a letter")
            continue
        if kind == NULL:
            result.notes.append(f"{name} is always empty: typed string")
        result.columns.append((name, _concrete(kind)))
    if not result.columns:
        raise UserError("no column of the data has a usable name: use letters, digits and underscores")
    return result
