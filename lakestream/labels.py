"""Labels of config fields and the places of their errors, in the user's words ("SASL mechanism", "Step 1: Name").

Forms, validation messages and node cards all derive labels here, so the field a message names reads
exactly as the form shows it; the machine path (`steps[0].name`) stays in `Issue.field`.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

# Words written as acronyms (or with their own capitals) wherever they appear in a label.
ACRONYMS = {
    "api": "API", "arn": "ARN", "aws": "AWS", "cdc": "CDC", "csv": "CSV", "dlq": "DLQ", "http": "HTTP",
    "https": "HTTPS", "id": "ID", "ids": "IDs", "ip": "IP", "jdbc": "JDBC", "json": "JSON", "jsonl": "JSONL",
    "ml": "ML", "mqtt": "MQTT", "oauth": "OAuth", "qos": "QoS", "rest": "REST", "sasl": "SASL", "scd": "SCD",
    "sdp": "SDP", "smtp": "SMTP", "sql": "SQL", "ssl": "SSL", "sss": "SSS", "tls": "TLS", "ttl": "TTL",
    "uc": "UC", "uri": "URI", "url": "URL", "urls": "URLs", "utc": "UTC", "uuid": "UUID", "xml": "XML",
}
# The item of a list field when its singular is not the label without its "s" (a schema lists columns).
ITEMS = {"schema": "Schema column", "aggregations": "Aggregation", "expectations": "Expectation"}


def field_label(key: str) -> str:
    """'sasl_mechanism' -> 'SASL mechanism', 'schema_registry_url' -> 'Schema registry URL', 'schema_' -> 'Schema'."""
    words = [w for w in key.strip("_").split("_") if w] or [key]
    out = []
    for index, word in enumerate(words):
        known = ACRONYMS.get(word.lower())
        if known:
            out.append(known)
        else:
            out.append(word.capitalize() if index == 0 else word.lower() if word.islower() else word)
    return " ".join(out)


def item_label(key: str) -> str:
    """The name of one item of a list field: 'steps' -> 'Step', 'schema' -> 'Column'."""
    key = key.strip("_")
    if key in ITEMS:
        return ITEMS[key]
    label = field_label(key)
    if label.endswith("ies"):
        return label[:-3] + "y"
    if label.endswith("s") and not label.endswith("ss"):
        return label[:-1]
    return label + " item"


def _field(model: type[BaseModel] | None, key: str) -> FieldInfo | None:
    if model is None:
        return None
    return next((info for name, info in model.model_fields.items() if key in (info.alias, name)), None)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (itself, optional, or as list items); None for a plain value."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = annotation.__origin__
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list):
        models = [m for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis
                  for m in [_inner_model(a)] if m is not None]
        return models[0] if len(models) == 1 else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def location(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    """Where a config error is, as the form shows it: ('steps', 0, 'name') -> 'Step 1: Name'."""
    parts: list[str] = []
    current = model
    previous: str | None = None
    for part in loc:
        if isinstance(part, int):
            if previous is not None and parts:
                parts[-1] = f"{item_label(previous)} {part + 1}"
            else:
                parts.append(f"Item {part + 1}")
            previous = None
            continue
        found = _field(current, str(part))
        parts.append(field_label(str(part)))
        previous = str(part)
        current = _inner_model(found.annotation) if found else None
    return ": ".join(parts)


def field_info(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> FieldInfo | None:
    """The pydantic field a config path names (through nested models and list items), or None."""
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        info = _field(model, str(part))
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return info


def path_parts(field: str) -> tuple[Any, ...]:
    """'steps[1].condition' -> ('steps', 1, 'condition'): the inverse of the dotted paths of `Issue.field`."""
    parts: list[Any] = []
    for chunk in field.replace("[", ".[").split("."):
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            parts.append(int(chunk[1:-1]))
        elif chunk:
            parts.append(chunk)
    return tuple(parts)
