"""Union: merges 2 to 8 streams with compatible schemas into one."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from lakestream.nodes.base import (
    ALL_TARGETS, PYTHON_TARGETS, Category, Column, Finding, Inputs, NodeType, Port, Schema, Target,
)
from lakestream.nodes.fields import Model
from lakestream.nodes.transforms.common import types_of, widen

INPUTS = Port("in", "Inputs", min_edges=2, max_edges=8)
class Config(Model):
    distinct: bool = Field(False, description="Drop duplicate rows across the inputs (keeps state: needs care)")
    by_name: bool = Field(True, description="Match columns by name (off: by position, names of the first input)")


def _aligned(config: Config, schemas: tuple[Schema, ...]) -> list[tuple[str, list[str | None]]]:
    """Per output column (named after the first input): its type in every input (None: missing)."""
    first = schemas[0]
    if config.by_name:
        shared: dict[int, dict[str, str]] = {}  # inputs often carry one same schema object: map it once
        maps = [shared[id(s)] if id(s) in shared else shared.setdefault(id(s), types_of(s)) for s in schemas]
        return [(c.name, [m.get(c.name) for m in maps]) for c in first]
    return [(c.name, [s[i].type if i < len(s) else None for s in schemas]) for i, c in enumerate(first)]


def _identical(schemas: tuple[Schema, ...]) -> bool:
    """Every input has the first one's columns (branches of one stream, the usual union): nothing to align."""
    first = schemas[0]
    return all(s is first or s == first for s in schemas[1:])


def output_schema(config: Config, inputs: Inputs) -> Schema:
    schemas = inputs["in"]
    if not schemas:
        return ()
    if _identical(schemas):  # the general path's result, without comparing every input column by column
        types = types_of(schemas[0]) if config.by_name else None
        found = [(c.name, types[c.name] if types is not None else c.type) for c in schemas[0]]
        return tuple(Column(name, widen(t, t) if t else t) for name, t in found)
    out = []
    for name, found in _aligned(config, schemas):
        common = found[0]
        for other in found[1:]:
            common = widen(common, other) if common and other else None
        out.append(Column(name, common or found[0]))
    return tuple(out)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    schemas = inputs["in"]
    if len(schemas) < 2:
        return
    if not _identical(schemas):
        yield from _alignment_findings(config, schemas)
    if config.distinct:
        yield Finding("warning", "union.distinct_state", "distinct keeps every row ever seen to drop duplicates",
                      field="distinct", hint="Prefer a Deduplication pattern with a time bound")


def _alignment_findings(config: Config, schemas: tuple[Schema, ...]) -> Iterator[Finding]:
    """Inputs whose columns or types do not line up with the first input's."""
    first = schemas[0]
    first_types = types_of(first)
    for index, schema in enumerate(schemas[1:], start=2):
        if config.by_name:
            schema_types = first_types if schema is first else types_of(schema)
            missing = [c.name for c in first if c.name not in schema_types]
            extra = [c.name for c in schema if c.name not in first_types]
            if missing or extra:
                detail = "; ".join(part for part in (
                    f"missing {', '.join(missing)}" if missing else "", f"extra {', '.join(extra)}" if extra else "",
                ) if part)
                yield Finding("error", "union.columns", f"Input {index} has other columns than input 1 ({detail})",
                              field="by_name", hint="Align the inputs with a Map / select node before the union")
        elif len(schema) != len(first):
            yield Finding("error", "union.arity", f"Input {index} has {len(schema)} columns, input 1 has {len(first)}",
                          field="by_name", hint="Union by position needs the same number of columns")
    for name, found in _aligned(config, schemas):
        present = [t for t in found if t is not None]
        common = present[0] if present else None
        for other in present[1:]:
            common = widen(common, other) if common else None
        if present and common is None:
            yield Finding("error", "union.types", f"Column {name!r} has incompatible types: {', '.join(present)}",
                          hint="Cast the column to one type with a Rename / cast node")


def supports(config: Config) -> frozenset[Target]:
    # A streaming DISTINCT is dropDuplicates in Python; a SQL UNION (distinct) of streams is refused by Spark.
    return PYTHON_TARGETS if config.distinct else ALL_TARGETS


EXAMPLE = {"distinct": False, "by_name": True}

NODE = NodeType(
    type="union_merge",
    name="Union",
    category=Category.TRANSFORM,
    description="Merges 2 to 8 streams with the same columns into one.",
    icon="merge",
    config=Config,
    output_schema=output_schema,
    inputs=(INPUTS,),
    checks=checks,
    supports=supports,
    docs="Output columns are those of the first input; each type is the common type of the inputs "
    "(int and bigint give bigint, integers and doubles give double).",
    example=EXAMPLE,
)
