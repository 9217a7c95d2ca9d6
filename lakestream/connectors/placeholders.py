"""Message templates with {column} placeholders, rendered as data: no attribute access, no format specs.

`{name}` is replaced by the column's value; `{{` and `}}` stand for literal braces; any other brace is
kept as written. Unlike str.format, a template can never reach an attribute or an index of a value,
so a template typed by a user cannot read anything but the row's columns.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(template: str) -> list[str]:
    """The column names a template refers to, in order of first use."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(template):
        if match.group(1):
            seen.setdefault(match.group(1))
    return list(seen)


def text(value: Any) -> str:
    """How a value reads inside a message: '' for null, ISO 8601 for times, JSON for nested data."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=json_default, ensure_ascii=False)
    return str(value)


def render(template: str, row: Mapping[str, Any]) -> str:
    """`template` with every {column} replaced by the row's value (see `text`)."""

    def substitute(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return text(row.get(match.group(1)))

    return _TOKEN.sub(substitute, template)


def json_default(value: Any) -> Any:
    """json.dumps fallback for the values Spark rows hold."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # a JSON number when no digit is lost, else the exact digits as a string
        number = float(value)
        return number if Decimal(repr(number)) == value else str(value)
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    """A value as JSON text; NaN and infinities (which JSON cannot hold) become null."""
    return json.dumps(_finite(value), default=json_default, ensure_ascii=False, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def render_json_text(template: str, row: Mapping[str, Any]) -> str:
    """Render a template whose text is JSON (like '{{"card": "{card_id}", "amount": {amount}}}') so the
    result stays JSON whatever the values: a placeholder inside a JSON string gets the value's text,
    escaped for that string; anywhere else it becomes the value as a JSON value (number, boolean,
    null, or a quoted string)."""
    out: list[str] = []
    in_string = escaped = False
    position = 0
    for match in _TOKEN.finditer(template):
        literal = template[position:match.start()]
        in_string, escaped = _scan(literal, in_string, escaped)
        out.append(literal)
        token = match.group(0)
        if token in ("{{", "}}"):
            out.append(token[0])
        else:
            value = row.get(match.group(1))
            if in_string:
                out.append(json.dumps(text(value), ensure_ascii=False)[1:-1])
            else:
                out.append(to_json(value))
        position = match.end()
    out.append(template[position:])
    return "".join(out)


def _scan(literal: str, in_string: bool, escaped: bool) -> tuple[bool, bool]:
    """Whether the JSON text after `literal` is inside a string (and after a backslash)."""
    for char in literal:
        if escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
    return in_string, escaped


def is_json_template(template: str) -> bool:
    """True when the template renders to JSON (checked with every column null)."""
    try:
        json.loads(render_json_text(template, {}))
    except ValueError:
        return False
    return True
