"""What widget a config field needs, read from its pydantic annotation (no nicegui: unit-testable).

The form generator walks a node's config model with `describe`; every node type gets its form from
its model, so a new field appears in the UI without UI code.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from lakestream.labels import field_label
from lakestream.nodes.fields import ColumnSpec, FieldKind, Kind, SparkType
from lakestream.sparksql.types import CHOOSER

SPARK_TYPES = CHOOSER  # the types the type chooser lists (lakestream/sparksql/types.py)
_SPARK_TYPE_CHECKS = tuple(SparkType.__metadata__)  # the validator a SparkType field carries


@dataclass(frozen=True)
class Spec:
    """A field's widget: `widget` is one of select, switch, number, text, expression, column,
    code, template, list, columns (list of column names), items (list of models), model, json,
    spark_type (a Spark type chosen from SPARK_TYPES or typed)."""

    widget: str
    optional: bool = False
    options: tuple[Any, ...] = ()
    kind: Kind | None = None
    port: str | None = None
    item: Spec | None = None  # for list/items
    model: type[BaseModel] | None = None  # for model/items
    integer: bool = False


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        metadata.extend(annotation.__metadata__)
        annotation = annotation.__origin__
    return annotation, metadata


def describe_annotation(annotation: Any, metadata: tuple[Any, ...] = ()) -> Spec:
    annotation, inner = _strip_annotated(annotation)
    metadata = tuple(metadata) + tuple(inner)
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            spec = describe_annotation(args[0], metadata)
            return Spec(**{**spec.__dict__, "optional": optional or spec.optional})
        return Spec("json", optional=optional)
    marker = next((m for m in metadata if isinstance(m, FieldKind)), None)
    if origin is Literal:
        return Spec("select", options=typing.get_args(annotation))
    if annotation is bool:
        return Spec("switch")
    if annotation in (int, float):
        return Spec("number", integer=annotation is int)
    if annotation is str:
        if any(m in _SPARK_TYPE_CHECKS for m in metadata):
            return Spec("spark_type", options=SPARK_TYPES)
        if marker is None:
            return Spec("text")
        widget = {
            Kind.EXPRESSION: "expression", Kind.COLUMN: "column", Kind.PYTHON: "code", Kind.SQL: "code",
            Kind.TEMPLATE: "template",
        }.get(marker.kind, "text")
        return Spec(widget, kind=marker.kind, port=marker.port)
    if origin in (tuple, list) and typing.get_args(annotation):
        item = describe_annotation(typing.get_args(annotation)[0])
        if item.widget == "model":
            return Spec("items", item=item, model=item.model)
        if item.widget in ("text", "column", "expression", "select"):
            return Spec("columns" if item.widget == "column" else "list", item=item, kind=item.kind, port=item.port,
                        options=item.options)
        return Spec("json")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Spec("model", model=annotation)
    return Spec("json")


def is_schema(spec: Spec) -> bool:
    """A declared column list (a source's schema): the form offers to fill it from sample data."""
    return spec.widget == "items" and spec.model is ColumnSpec


def describe(info: FieldInfo) -> Spec:
    return describe_annotation(info.annotation, tuple(info.metadata))


def default_of(info: FieldInfo) -> Any:
    """The field's default as plain data, or None when it is required."""
    if info.default is not PydanticUndefined:
        value = info.default
    elif info.default_factory is not None:
        value = info.default_factory()
    else:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, tuple):
        return list(value)
    return value


def key_of(name: str, info: FieldInfo) -> str:
    """The key stored in the document (the alias when there is one, e.g. `schema`)."""
    return info.alias or name


def title_of(name: str, info: FieldInfo) -> str:
    """The field's label in the form ('SASL mechanism'): the one place labels come from is lakestream.labels."""
    return field_label(info.alias or name)


def path_text(parts: tuple[Any, ...]) -> str:
    """The dotted path validation uses for a field: steps[1].condition."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
