"""The small pipeline around a node example: a source per input edge, the node (id "x"), a sink per output."""

from __future__ import annotations

from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline, load_pipeline
from lakestream.node_examples.rows import Rows

NODE_ID = "x"


def source_id(port: str, index: int) -> str:
    return f"in_{port}_{index}"


def sink_id(port: str) -> str:
    return f"out_{port}"


def input_titles(inputs: list[tuple[str, Rows]]) -> list[str]:
    """"Input" for one input, "Input 1", "Input 2" for several edges into one port, else "Input <port>"."""
    ports = [port for port, _ in inputs]
    if len(ports) == 1:
        return ["Input"]
    if len(set(ports)) == 1:
        return [f"Input {i}" for i in range(1, len(ports) + 1)]
    return [f"Input {port}" for port in ports]


def example_pipeline(type_id: str, inputs: list[tuple[str, Rows]]) -> Pipeline:
    """Node `x` with the type's catalogue example config; each (port, rows) input becomes an Auto Loader
    source declaring exactly those columns; a Delta sink takes each output port (a source's one output)."""
    spec = REGISTRY[type_id]
    nodes = [{"id": NODE_ID, "type": type_id, "label": spec.name, "config": dict(spec.example)}]
    edges = []
    for index, ((port, rows), title) in enumerate(zip(inputs, input_titles(inputs))):
        sid = source_id(port, index)
        nodes.insert(index, {"id": sid, "type": "auto_loader", "label": title, "config": {
            "path": f"/Volumes/main/examples/{sid}", "format": "json", "schema": rows.schema()}})
        edges.append({"source": sid, "target": NODE_ID, "target_port": port})
    if spec.category is not Category.SINK:
        ports = spec.output_ports(spec.config.model_validate(dict(spec.example)))
        for port in ports:
            title = "Output" if len(ports) == 1 else f"Output {port.title}"
            nodes.append({"id": sink_id(port.name), "type": "delta_table_sink", "label": title,
                          "config": {"table": f"main.examples.{sink_id(port.name)}"}})
            edges.append({"source": NODE_ID, "source_port": port.name, "target": sink_id(port.name)})
    return load_pipeline({
        "name": f"{spec.name} example", "settings": {"catalog": "main", "schema": "examples"}, "nodes": nodes,
        "edges": [{"id": f"e{i}", **edge} for i, edge in enumerate(edges, 1)]})
