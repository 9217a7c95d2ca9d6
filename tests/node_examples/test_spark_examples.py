"""The hand-written example rows of the nodes the engine cannot run, checked on local Spark: all of them in
one pipeline through `lakestream run`'s code path; the output rows must be exactly the ones the help shows."""

from __future__ import annotations

import json
import re

import pytest

from lakestream.commands.run import run_local
from lakestream.node_examples import node_example
from lakestream.node_examples.pipeline import NODE_ID, sink_id, source_id
from lakestream.node_examples.spark_examples import SPARK_EXAMPLES
from lakestream.pipeline import load_pipeline

SPARK_TS = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$")


def prefixed(type_id: str) -> dict:
    """The type's example pipeline with every id, label and table prefixed by the type, to share one run."""
    data = node_example(type_id).pipeline.to_dict()
    for node in data["nodes"]:
        node["id"], node["label"] = f"{type_id}__{node['id']}", f"{type_id} {node['label']}"
        if node["type"] == "delta_table_sink":
            node["config"]["table"] = f"main.examples.{type_id}_{node['config']['table'].rsplit('.', 1)[1]}"
    for edge in data["edges"]:
        edge["id"], edge["source"], edge["target"] = (f"{type_id}__{edge[k]}" for k in ("id", "source", "target"))
    return data


def json_value(value, kind: str):
    return value.replace(" ", "T") if kind == "timestamp" and isinstance(value, str) else value


def write_rows(folder, rows) -> None:
    folder.mkdir(parents=True)
    lines = [json.dumps({n: json_value(v, t) for (n, t), v in zip(rows.columns, values)}) for values in rows.values]
    (folder / "000.json").write_text("".join(line + "\n" for line in lines))


def spark_value(value):
    """Spark's JSON text of a timestamp as the help shows it ('2024-05-01 10:00:00')."""
    match = SPARK_TS.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    fraction = (match.group(3) or "").rstrip("0").rstrip(".")
    return f"{match.group(1)} {match.group(2)}{fraction}"


@pytest.mark.spark
def test_spark_examples_are_what_spark_produces(spark, tmp_path):
    docs = [prefixed(t) for t in SPARK_EXAMPLES]
    doc = load_pipeline({"name": "Node examples", "settings": docs[0]["settings"],
                         "nodes": [n for d in docs for n in d["nodes"]],
                         "edges": [e for d in docs for e in d["edges"]]})
    events, out = tmp_path / "events", tmp_path / "out"
    for type_id, example in SPARK_EXAMPLES.items():
        for index, (port, rows) in enumerate(example.inputs):
            write_rows(events / f"{type_id}__{source_id(port, index)}", rows)
        if example.table is not None:  # locally the reference table is JSON lines under the node's id
            write_rows(events / f"{type_id}__{NODE_ID}", example.table)
    run_local(doc, events, out, spark, timeout=300)
    wrong = {}
    for type_id, example in SPARK_EXAMPLES.items():
        for port, rows in example.outputs.items():
            lines = (out / f"{type_id}__{sink_id(port)}.jsonl").read_text().splitlines()
            produced = sorted((tuple(spark_value(json.loads(line).get(n)) for n in rows.names) for line in lines),
                              key=repr)
            if produced != sorted(rows.values, key=repr):
                wrong[f"{type_id} {port}"] = produced
    assert wrong == {}  # each entry: what Spark produced instead of the rows the help shows
