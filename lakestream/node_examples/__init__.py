"""Example input and output rows of every node type for its help (engine-computed or Spark-checked; see README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from lakestream.cep.replay import coerce, replay
from lakestream.sparksql.runtime.sqlfuncs import to_str
from lakestream.node_examples.edge_examples import DESTINATIONS, MESSAGES, SINK_ROWS, SOURCE_ROWS
from lakestream.node_examples.engine_inputs import ENGINE_INPUTS
from lakestream.node_examples.pipeline import NODE_ID, example_pipeline, input_titles, source_id
from lakestream.node_examples.rows import Rows
from lakestream.node_examples.spark_examples import SPARK_EXAMPLES
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category, schema_of
from lakestream.pipeline import Pipeline

__all__ = ["ENGINE_INPUTS", "SPARK_EXAMPLES", "NodeExample", "Table", "node_example", "shown", "table"]

HOW = {
    "engine": "Output computed from this input by LakeStream's pattern engine (the rules the generated job "
              "follows on Spark, tested equal), one event per micro-batch.",
    "replay": "Output computed from this input by lakestream replay, which evaluates the Spark SQL "
              "expressions with Spark's semantics.",
    "spark": "Output written from the example config; a test runs it on local Spark and checks every row.",
    "source": "Sample rows of the source's output schema.",
    "sink": "",
}


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]  # display values: text, numbers, booleans or None (NULL)


@dataclass(frozen=True)
class NodeExample:
    type_id: str
    inputs: tuple[Table, ...]
    outputs: tuple[Table, ...]
    computed_by: str  # engine (patterns) | replay (row transforms) | spark | source | sink
    note: str  # a remark on the rows; for a sink, where its rows go
    pipeline: Pipeline  # the node's example config in a small pipeline (for its code sample)

    @property
    def how(self) -> str:
        return HOW[self.computed_by]


def shown(value):
    """A value as the help shows it: timestamps as Spark prints them, numbers rounded to 6 digits."""
    if isinstance(value, (datetime, date)):
        return to_str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return float(f"{value:.6g}")
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str)
    return value


def table(title: str, columns, dict_rows) -> Table:
    columns = tuple(columns)
    return Table(title, columns, tuple(tuple(shown(r.get(c)) for c in columns) for r in dict_rows))


def of_rows(title: str, rows: Rows) -> Table:
    return table(title, rows.names, rows.dicts())


def _inputs(inputs: list[tuple[str, Rows]]) -> tuple[Table, ...]:
    return tuple(of_rows(title, rows) for title, (_, rows) in zip(input_titles(inputs), inputs))


def _output_titles(doc: Pipeline) -> dict[str, str]:
    """Output port -> the title of its table: its sink's label."""
    return {e.source_port: doc.node(e.target).label for e in doc.edges if e.source == NODE_ID}


def _engine(type_id: str) -> NodeExample:
    inputs = ENGINE_INPUTS[type_id]
    doc = example_pipeline(type_id, inputs)
    events = {source_id(port, i): rows.dicts() for i, (port, rows) in enumerate(inputs)}
    out = replay(doc, events, NODE_ID).outputs[NODE_ID]
    by_port = out.ports or {"out": out.rows}
    outputs = tuple(table(title, out.columns, by_port.get(port, []))
                    for port, title in _output_titles(doc).items())
    how = "engine" if REGISTRY[type_id].category is Category.PATTERN else "replay"
    return NodeExample(type_id, _inputs(inputs), outputs, how, "", doc)


def _spark(type_id: str) -> NodeExample:
    example = SPARK_EXAMPLES[type_id]
    doc = example_pipeline(type_id, example.inputs)
    inputs = _inputs(example.inputs)
    if example.table is not None:
        inputs += (of_rows(f"Table {doc.node(NODE_ID).parsed_or_none().table}", example.table),)
    titles = _output_titles(doc)
    outputs = tuple(of_rows(titles[port], rows) for port, rows in example.outputs.items())
    return NodeExample(type_id, inputs, outputs, "spark", example.note, doc)


def _source(type_id: str) -> NodeExample:
    doc = example_pipeline(type_id, [])
    return NodeExample(type_id, (), (of_rows("Output", SOURCE_ROWS[type_id]),), "source", "", doc)


def _sink(type_id: str) -> NodeExample:
    received = SINK_ROWS[type_id]
    doc = example_pipeline(type_id, [("in", received)])
    config = doc.node(NODE_ID).parsed_or_none()
    outputs = ()
    if type_id in MESSAGES:
        columns, render = MESSAGES[type_id]
        typed = coerce(received.dicts(), schema_of(*received.columns))
        outputs = (Table("Sent", columns, tuple(render(config, row) for row in typed)),)
    return NodeExample(type_id, (of_rows("Received", received),), outputs, "sink", DESTINATIONS[type_id](config), doc)


@lru_cache(maxsize=None)
def node_example(type_id: str) -> NodeExample | None:
    """The example of a node type; None when it has no example rows yet (a test requires them for every type)."""
    category = REGISTRY[type_id].category
    if category is Category.SOURCE:
        return _source(type_id) if type_id in SOURCE_ROWS else None
    if category is Category.SINK:
        return _sink(type_id) if type_id in SINK_ROWS else None
    if type_id in ENGINE_INPUTS:
        return _engine(type_id)
    return _spark(type_id) if type_id in SPARK_EXAMPLES else None
