"""Column references in a config: found by walking fields tagged COLUMN or EXPRESSION (see nodes.fields)."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from lakestream.nodes.fields import FieldKind, Kind
from lakestream.sparksql.parse import ExpressionError, expression_columns

# A walker appends (field path, FieldKind, value) to `found` for every tagged string inside a config value
# (appending, not yielding: validation walks every config, and nested generators cost a frame per level).
Found = list[tuple[str, FieldKind, str]]
Walker = Callable[[Any, str, Found], None]


def _join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _walker(annotation: Any, metadata: tuple[Any, ...] = ()) -> Walker | None:
    kind = next((m for m in metadata if isinstance(m, FieldKind)), None)
    if kind is not None and kind.kind in (Kind.COLUMN, Kind.EXPRESSION):
        def leaf(value: Any, path: str, found: Found) -> None:
            if isinstance(value, str):
                found.append((path, kind, value))
        return leaf
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _walker(args[0], tuple(args[1:]) + metadata)
    if origin in (Union, types.UnionType):
        walkers = [w for a in args if a is not type(None) and (w := _walker(a)) is not None]
        return walkers[0] if walkers else None
    if origin in (tuple, list, frozenset, set):
        inner = _walker(args[0]) if args else None
        if inner is None:
            return None
        def each(value: Any, path: str, found: Found) -> None:
            for index, item in enumerate(value or ()):
                inner(item, f"{path}[{index}]", found)
        return each
    if origin is dict:
        inner = _walker(args[1]) if len(args) == 2 else None
        if inner is None:
            return None
        def values(value: Any, path: str, found: Found) -> None:
            for key, item in (value or {}).items():
                inner(item, _join(path, str(key)), found)
        return values
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        model_walker = model_walker_for(annotation)
        if model_walker is None:
            return None
        def nested(value: Any, path: str, found: Found) -> None:
            if value is not None:
                model_walker(value, path, found)
        return nested
    return None


@lru_cache(maxsize=None)
def model_walker_for(model: type[BaseModel]) -> Walker | None:
    """A walker over every tagged field of a model (None when it has none); computed once per model."""
    fields = []
    for name, info in model.model_fields.items():
        walker = _walker(info.annotation, tuple(info.metadata))
        if walker is not None:
            fields.append((name, info.alias or name, walker))
    if not fields:
        return None

    def walk(value: Any, path: str, found: Found) -> None:
        for name, shown, walker in fields:
            walker(getattr(value, name), _join(path, shown), found)

    return walk


def tagged_strings(config: BaseModel) -> Found:
    """(field path, FieldKind, text) of every COLUMN or EXPRESSION string of a config, in field order."""
    walker = model_walker_for(type(config))
    found: Found = []
    if walker is not None:
        walker(config, "", found)
    return found


def expressions(config: BaseModel) -> Iterator[tuple[str, str]]:
    """Yield (field path, text) for every Spark SQL expression field of a config, nested ones included."""
    for path, kind, value in tagged_strings(config):
        if kind.kind is Kind.EXPRESSION:
            yield path, value


def column_references(config: BaseModel) -> Iterator[tuple[str, str | None, str]]:
    """Yield (field path, input port or None, column name) for every column a config reads."""
    for path, kind, value in tagged_strings(config):
        if kind.kind is Kind.COLUMN:
            yield path, kind.port, value
        else:
            try:
                names = expression_columns(value)
            except ExpressionError:
                continue  # already reported by config validation
            for name in sorted(names):
                yield path, kind.port, name
