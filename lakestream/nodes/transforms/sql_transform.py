"""SQL transform: one Spark SQL query over the node's inputs, kept as the user wrote it.

What an SDP SQL import maps to no catalogue node becomes one of these: never lost, never silently
rewritten. The query is validated by parsing (one SELECT, no statement, no parameter) and generated
code is re-rendered from its parse tree; the text as written is what the form shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from sqlglot import exp

from lakestream.nodes.base import Category, Column, Finding, Inputs, NodeType, Port, Schema, Target
from lakestream.nodes.fields import Model, Name, TableName
from lakestream.sparksql.types import SparkTypeError, parse_columns
from lakestream.sparksql.query import QueryError, parse_query, table_name
from lakestream.nodes.transforms.type_inference import infer_type

SDP_TARGETS = frozenset({Target.SDP_SQL, Target.SDP_PYTHON})
_WINDOW_PARTS = {"start": "timestamp", "end": "timestamp"}


def _query(value: str) -> str:
    try:
        parse_query(value)
    except QueryError as error:
        where = f" (line {error.line}, column {error.column})" if error.line > 1 or error.column > 1 else ""
        raise ValueError(f"{error}{where}") from None
    return value


Query = Annotated[str, AfterValidator(_query)]


class Config(Model):
    query: Query = Field(
        description="One Spark SQL query (SELECT …, WITH …, UNION …) reading its inputs by the names in `inputs` "
                    "(STREAM(name) for a streaming read), kept as written; other table names are read as tables"
    )
    inputs: tuple[Name, ...] = Field(
        (), description="The names the query reads its inputs by, one per incoming edge, in the order of the edges"
    )
    materialized_view: TableName | None = Field(
        None, description="Publish the result as this materialized view (recomputed in batch; SDP targets only); "
                          "empty: a temporary view"
    )

    @model_validator(mode="after")
    def _distinct_inputs(self):
        if len(set(self.inputs)) != len(self.inputs):
            raise ValueError("each input name must be different")
        return self


def _relations(config: Config, inputs: Inputs) -> dict[str, Schema]:
    """Input name (and each alias the query gives it) -> its schema."""
    schemas = dict(zip(config.inputs, inputs.get("in", ()), strict=False))
    parsed = parse_query(config.query)
    marks = {f"__ls_wm_{i}": m.relation for i, m in enumerate(parsed.watermarks)}
    out = dict(schemas)
    for table in parsed.tree.find_all(exp.Table):
        name = marks.get(table_name(table), table_name(table))
        alias = table.alias or (table.parent.alias if isinstance(table.parent, exp.Subquery) else "")
        if alias and name in schemas:
            out[alias] = schemas[name]
    for stream in parsed.tree.find_all(exp.Stream):  # STREAM(x) AS a: the alias sits on the wrapper
        inner = stream.this
        alias = inner.alias if isinstance(inner, exp.Subquery) else ""
        if alias and isinstance(inner.this, exp.Table):
            name = marks.get(table_name(inner.this), table_name(inner.this))
            if name in schemas:
                out[alias] = schemas[name]
    return out


def _declared_files(tree: exp.Expression) -> list[Schema]:
    """The columns of each read_files(…, schema => '…') the query reads (the schema it declares)."""
    out = []
    for call in tree.find_all(exp.Anonymous):
        if call.name.lower() != "read_files":
            continue
        for arg in call.expressions:
            if isinstance(arg, exp.Kwarg) and arg.this.name == "schema" and isinstance(arg.expression, exp.Literal):
                try:
                    out.append(tuple(Column(".".join(n), t.ddl()) for n, t in parse_columns(arg.expression.this)))
                except SparkTypeError:
                    pass
    return out


def _first_select(tree: exp.Expression) -> exp.Select | None:
    while isinstance(tree, exp.SetOperation):
        tree = tree.left
    if isinstance(tree, exp.Subquery):
        return _first_select(tree.this)
    return tree if isinstance(tree, exp.Select) else None


def output_schema(config: Config, inputs: Inputs) -> Schema:
    """The query's columns: stars expanded from the inputs, bare columns keep their type, others inferred."""
    relations = _relations(config, inputs)
    select = _first_select(parse_query(config.query).tree)
    if select is None:
        return ()
    read = [relations[n] for n in config.inputs if n in relations]
    read += [schema for schema in _declared_files(parse_query(config.query).tree)]
    merged = tuple(c for schema in read for c in schema)
    types = {c.name: c.type for c in merged}
    out: list[Column] = []
    for projection in select.expressions:
        if isinstance(projection, exp.Star):
            out += merged
            continue
        if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            out += relations.get(projection.table, ())
            continue
        if isinstance(projection, exp.Dot) and isinstance(projection.expression, exp.Star):
            continue  # struct.*: not known here
        name = projection.alias_or_name
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Column) and inner.table.lower() == "window" and inner.name in _WINDOW_PARTS:
            out.append(Column(name, _WINDOW_PARTS[inner.name]))
        elif isinstance(inner, exp.Column) and inner.name in types:
            out.append(Column(name, types[inner.name]))
        else:
            try:
                kind = infer_type(inner.sql(dialect="spark"), merged)
            except Exception:  # noqa: BLE001 - an expression Spark's expression parser refuses: unknown type
                kind = "string"
            out.append(Column(name, kind))
    return tuple(out)


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    edges = len(inputs.get("in", ()))
    if edges and edges != len(config.inputs):  # 0: the upstream schemas are not known yet (an upstream error)
        yield Finding("error", "sql_transform.inputs",
                      f"The query names {len(config.inputs)} input(s) but the node has {edges} incoming edge(s)",
                      field="inputs", hint="Name each connected input once, in the order of the edges")
    read = set(parse_query(config.query).relations())
    for name in config.inputs:
        if name not in read:
            yield Finding("warning", "sql_transform.unread", f"The query does not read its input {name!r}",
                          field="query", hint=f"Read it with FROM STREAM({name}) or remove the edge")


def supports(config: Config) -> frozenset[Target]:
    return SDP_TARGETS if config.materialized_view else frozenset(Target)


EXAMPLE = {
    "query": "SELECT page, count(*) AS views\nFROM STREAM(clicks) WATERMARK ts DELAY OF INTERVAL 1 MINUTE\n"
             "GROUP BY window(ts, '5 minutes'), page",
    "inputs": ["clicks"],
}

DOCS = """\
The query is kept as written and shown in the form; generated code re-renders it from its parse tree
(sqlglot, Databricks dialect), renaming each input to the upstream dataset of this target: `STREAM(x)`
in SDP SQL, `spark.sql(...)` in SDP Python, and in Structured Streaming a temporary view of the upstream
DataFrame (STREAM(...) dropped: the view is already a stream). The `WATERMARK col DELAY OF INTERVAL …`
clause is kept. Output columns: `*` expands to the inputs' columns, a bare column keeps its type, a
`window.start`/`window.end` is a timestamp, other expressions get the inferred type (string when it
cannot tell). The local engine (Timeline) does not evaluate SQL transforms: the replay stops there
with a message.
"""

NODE = NodeType(
    type="sql_transform",
    name="SQL transform",
    category=Category.TRANSFORM,
    description="A Spark SQL query over its inputs, kept as written (what code import maps to no other node).",
    icon="code",
    config=Config,
    output_schema=output_schema,
    inputs=(Port("in", "Inputs", min_edges=0, max_edges=16),),  # 0: a query of tables outside the pipeline
    checks=checks,
    supports=supports,
    docs=DOCS,
    example=EXAMPLE,
)
