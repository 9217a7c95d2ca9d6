"""Row pattern (MATCH_RECOGNIZE): SQL:2016 row pattern recognition per partition, batch and streaming."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from lakestream.nodes.base import SSS_ONLY, Category, Column, Finding, Inputs, NodeType, PatternFacets, Schema, Target
from lakestream.nodes.fields import ColumnName, Duration, FieldKind, Kind, Model, Name, RequiredText
from lakestream.nodes.patterns.common import at
from lakestream.sparksql.types import is_timestamp

PATTERN_HELP = (
    "Row pattern over the DEFINE variables, as in SQL: A B+ C; quantifiers * + ? {n} {n,} {,m} {n,m} {,}, "
    "reluctant with a trailing ? (B+?); alternation A | B (left first); grouping ( ); PERMUTE(A, B); "
    "anchors ^ (partition start) and $ (partition end, batch only); exclusion {- A -}; () matches empty; "
    "a delimited variable \"up\" keeps its case"
)


def _skip(value: str) -> str:
    from lakestream.rowpattern.pattern import written
    from lakestream.rowpattern.program import parse_skip

    mode, var = parse_skip(value)
    return mode if var is None else f"{mode} {written(var)}"


def _rows_per_match(value):
    # the SQL spellings (ALL ROWS PER MATCH WITH UNMATCHED ROWS) become the short ones the select offers
    if not isinstance(value, str):
        return value
    words = " ".join(value.upper().replace("PER MATCH", "").split())
    return words.replace("ALL ROWS", "ALL").replace("ONE ROW", "ONE")


def _variable(value: str) -> str:
    from lakestream.rowpattern.pattern import variable_name

    if variable_name(value) is None:
        raise ValueError(f"{value!r} is not a pattern variable: write a name (letters, digits, underscores) "
                         'or a delimited one in double quotes, e.g. "up trend"')
    return value.strip()


# a pattern variable or subset name: an identifier, or delimited in "…" / `…` (case kept)
Variable = Annotated[str, AfterValidator(_variable), FieldKind(Kind.NAME)]
SkipMode = Annotated[str, AfterValidator(_skip)]
RowsPerMatch = Annotated[
    Literal["ONE", "ALL", "ALL SHOW EMPTY MATCHES", "ALL OMIT EMPTY MATCHES", "ALL WITH UNMATCHED ROWS"],
    BeforeValidator(_rows_per_match),
]


class OrderItem(Model):
    column: ColumnName = Field(description="Column to order the rows of a partition by")
    desc: bool = Field(False, description="Descending order (streaming: the first column must be ascending)")


class Measure(Model):
    expr: RequiredText = Field(
        description="Expression over the match: A.price, FIRST(A.ts), LAST(B.price, 1), FINAL count(B.*), "
        "avg(U.price), count(DISTINCT A.price), PREV(LAST(A.price), 1), CLASSIFIER(), CLASSIFIER(U), MATCH_NUMBER()"
    )
    alias: Name = Field(description="Output column name of the measure")


class Define(Model):
    variable: Variable = Field(description="A variable of the PATTERN")
    condition: RequiredText = Field(
        description="Condition a row must meet to be this variable, e.g. price < PREV(price) or "
        "sum(A.price) <= 30; qualify columns by variable (A.price) or leave them plain (the row being tested)"
    )


class Subset(Model):
    name: Variable = Field(description="Name of the union variable, e.g. U")
    variables: tuple[Variable, ...] = Field(min_length=1, description="The PATTERN variables it stands for")


def _as_items(value, key: str, item: str):
    # the catalogue's mapping form {var: condition} is accepted; forms edit it as a list of rows
    if isinstance(value, dict):
        return [{key: k, item: v} for k, v in value.items()]
    return value


class Config(Model):
    partition_by: tuple[ColumnName, ...] = Field((), description="Columns that split rows into partitions")
    order_by: tuple[OrderItem, ...] = Field(
        (), description="Row order inside a partition; for streaming the first is the event time (a replay "
        "without ORDER BY keeps the input order)"
    )
    measures: tuple[Measure, ...] = Field((), description="Output columns computed over each match")
    rows_per_match: RowsPerMatch = Field(
        "ONE", description="ONE, ALL (= ALL SHOW EMPTY MATCHES), ALL OMIT EMPTY MATCHES, ALL WITH UNMATCHED ROWS"
    )
    after_match_skip: SkipMode = Field(
        "PAST LAST ROW", description="Where the next match starts: PAST LAST ROW, TO NEXT ROW, TO FIRST v, "
        "TO LAST v, TO v"
    )
    pattern: RequiredText = Field(description=PATTERN_HELP)
    subset: tuple[Subset, ...] = Field(
        (), description="Union variables: U = (A, B) lets U.price, count(U.*) mean rows of A or B"
    )
    define: tuple[Define, ...] = Field(
        (), description="A condition per variable, e.g. DOWN: price < PREV(price); a variable without one "
        "matches every row"
    )
    within: Duration | None = Field(
        None, description="Streaming bound: a match spans at most this much event time (partial matches "
        "older than it are dropped)"
    )
    watermark_delay: Duration | None = Field(
        None, description="How late an event may arrive (streaming; required there)"
    )

    @field_validator("define", mode="before")
    @classmethod
    def _define_items(cls, value):
        return _as_items(value, "variable", "condition")

    @field_validator("subset", mode="before")
    @classmethod
    def _subset_items(cls, value):
        return _as_items(value, "name", "variables")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    """ONE ROW PER MATCH: partition columns + measures; ALL ROWS: input columns + measures."""
    schema = inputs.one()
    types = {c.name.lower(): c.type for c in schema}
    measures = tuple(Column(m.alias, t) for m, t in zip(config.measures, _measure_types(config, inputs)))
    if config.rows_per_match == "ONE":
        return tuple(Column(p, types.get(p.lower(), "string")) for p in config.partition_by) + measures
    return tuple(schema) + measures


def _measure_types(config: Config, inputs: Inputs) -> list[str]:
    from lakestream.rowpattern.program import SpecError, compile_spec

    schema = inputs.one()
    try:
        spec = compile_spec(config, [c.name for c in schema] or None, {c.name: c.type for c in schema})
        return spec["measure_types"]
    except SpecError:
        return ["string"] * len(config.measures)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    """Pattern syntax, subsets, DEFINE/MEASURES expressions and columns, each on its field; streaming risks."""
    from lakestream.rowpattern.program import SpecError, compile_spec

    schema = inputs.one()
    try:
        compile_spec(config, [c.name for c in schema] or None, {c.name: c.type for c in schema})
    except SpecError as error:
        yield Finding("error", "match_recognize.invalid", str(error), field=error.field,
                      hint=_HINTS.get(error.field.split(".")[0].split("[")[0]))
        return
    yield from _streaming_checks(config, {c.name.lower(): c.type for c in schema})


def _streaming_checks(config: Config, types: dict[str, str]) -> Iterator[Finding]:
    """A pipeline runs the node as a stream: event time first, a watermark, no `$`, a WITHIN bound."""
    from lakestream.rowpattern.pattern import has_anchor, parse_pattern

    if not config.order_by:
        yield Finding("error", "match_recognize.stream_order",
                      "Streaming orders rows by event time: ORDER BY must start with a timestamp column",
                      field="order_by", hint="Add the event-time column; without ORDER BY only a replay runs "
                      "(in input order)")
        return
    first = config.order_by[0]
    found = types.get(first.column.lower())
    if first.desc or (types and not is_timestamp(found)):
        yield Finding("error", "match_recognize.stream_order",
                      f"Streaming orders rows by event time: ORDER BY must start with a timestamp column, "
                      f"ascending ({first.column} is {found or 'missing'}{' DESC' if first.desc else ''})",
                      field="order_by[0].column",
                      hint="Put the event-time column first; other ORDER BY columns work in lakestream replay")
    if config.watermark_delay is None:
        yield Finding("error", "pattern.watermark_required", "Streaming needs a watermark delay",
                      field="watermark_delay", hint="How late may an event arrive? e.g. '10 seconds'")
    if has_anchor(parse_pattern(config.pattern), "$"):
        yield Finding("error", "match_recognize.end_anchor",
                      "A stream has no partition end: the $ anchor can only match in lakestream replay",
                      field="pattern", hint="Remove $, or bound the pattern with WITHIN instead")
    if config.within is None:
        yield Finding("warning", "pattern.unbounded_state",
                      "Without WITHIN a partial match can grow state without limit when streaming",
                      field="within", hint="Set within, e.g. '1 hour', to bound every match")


_HINTS = {
    "pattern": "Example: A B+ C, or STRT DOWN+ UP+",
    "define": "Example: price < PREV(price); qualify columns by variable (A.price) or leave them plain",
    "measures": "Example: FIRST(A.ts), LAST(B.price), count(B.*), CLASSIFIER()",
    "subset": "A subset lists variables that appear in the PATTERN",
    "after_match_skip": "Skip to a variable of the PATTERN or a SUBSET",
}


def supports(config: Config) -> frozenset[Target]:
    """Streaming code needs an ascending event-time ORDER BY, a watermark, and no end anchor `$`."""
    from lakestream.rowpattern.pattern import PatternError, has_anchor, parse_pattern

    try:
        streamable = not has_anchor(parse_pattern(config.pattern), "$")
    except PatternError:
        streamable = False
    if config.watermark_delay is None or not config.order_by or config.order_by[0].desc or not streamable:
        return frozenset()
    return SSS_ONLY


EXAMPLE_ROWS = (
    ("in", "symbol:string price:double ts:timestamp", (
        ('ACME', 10.0, at("10:00")), ('ACME', 9.0, at("10:01")), ('ACME', 8.0, at("10:02")),
        ('ACME', 9.5, at("10:03")), ('ACME', 11.0, at("10:04")), ('ACME', 10.5, at("10:05")),
        ('ACME', 10.0, at("10:30")),
    )),
)

PATTERN = PatternFacets(
    bind=None, replay="row_pattern", codegen="own",
    watermark="Rows wait per partition until the watermark reaches them and are matched in ORDER BY order; "
    "rows at or before the watermark of the micro-batch before their own are late: dropped and counted.",
    example_rows=EXAMPLE_ROWS, state_probes=None,
)


NODE = NodeType(
    type="match_recognize",
    name="Row pattern (MATCH_RECOGNIZE)",
    category=Category.PATTERN,
    description="SQL:2016 row pattern recognition: PATTERN, DEFINE, MEASURES, per partition, in order.",
    icon="pattern",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="needs per-partition state: buffered rows and partial matches until the watermark",
    checks=checks,
    supports=supports,
    docs=PATTERN_HELP,
    example={
        "partition_by": ["symbol"],
        "order_by": [{"column": "ts", "desc": False}],
        "pattern": "STRT DOWN+ UP+",
        "define": {"DOWN": "price < PREV(price)", "UP": "price > PREV(price)"},
        "measures": [{"expr": "STRT.ts", "alias": "start_ts"}, {"expr": "LAST(DOWN.ts)", "alias": "bottom_ts"},
                     {"expr": "LAST(UP.ts)", "alias": "end_ts"}],
        "within": "1 hour",
        "watermark_delay": "10 seconds",
    },
    pattern=PATTERN,
)
