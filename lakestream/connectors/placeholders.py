"""Message templates with {column} placeholders, rendered as data: no attribute access, no format specs.

`{name}` is replaced by the column's value; `{{` and `}}` stand for literal braces; any other brace is
kept as written. Unlike str.format, a template can never reach an attribute or an index of a value,
so a template typed by a user cannot read anything but the row's columns.
"""

from __future__ import annotations

import json
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


def render_json(template: Any, row: Mapping[str, Any]) -> Any:
    """A parsed JSON template rendered for one row: every string leaf is rendered; a leaf that is
    exactly one placeholder ("{amount}") becomes the column's value with its JSON type."""
    if isinstance(template, str):
        match = _TOKEN.fullmatch(template)
        if match and match.group(1):
            return row.get(match.group(1))
        return render(template, row)
    if isinstance(template, list):
        return [render_json(item, row) for item in template]
    if isinstance(template, dict):
        return {key: render_json(item, row) for key, item in template.items()}
    return template


def json_placeholders(template: Any) -> list[str]:
    """Placeholders in every string leaf of a parsed JSON template."""
    if isinstance(template, str):
        return placeholders(template)
    items = template.values() if isinstance(template, dict) else template if isinstance(template, list) else ()
    return [name for item in items for name in json_placeholders(item)]
