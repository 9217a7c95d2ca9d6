"""Sample pipelines around one node type (its catalogue example wired to sources and sinks), for goldens and tests."""

from __future__ import annotations

from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline, load_pipeline
from lakestream.references import column_references

# Columns every sample source offers, so templates and examples find what they refer to.
BASE_COLUMNS = {
    "card_id": "string", "amount": "double", "merchant": "string", "country": "string", "ts": "timestamp",
    "status": "string", "match_id": "string", "customer_id": "string", "severity": "string", "price": "double",
    "last_ts": "timestamp", "trigger_ts": "timestamp", "deadline_ts": "timestamp",
}
# Base columns a sample must not offer because the example creates them (rename_cast renames onto them).
WITHOUT = {"rename_cast": {"amount", "ts"}}
KNOWN_TYPES = {
    "fx_rate": "double", "load_ms": "double", "qty": "string", "amt": "string", "evt_ts": "string",
    "line_items": "array<struct<sku:string,qty:int>>", "lat": "double", "lon": "double", "value": "double",
    "temperature": "double", "price": "double", "rpm": "double", "user_id": "string", "page": "string",
}


def _guess(name: str) -> str:
    if name in KNOWN_TYPES:
        return KNOWN_TYPES[name]
    if name.endswith(("_ts", "_at", "_time")) or name in ("ts", "timestamp", "window_end", "window_start"):
        return "timestamp"
    return "string"


def _source(node_id: str, columns: dict[str, str]) -> dict:
    schema = [{"name": n, "type": t} for n, t in columns.items()]
    return {"id": node_id, "type": "kafka_source", "label": f"Source {node_id}",
            "config": {"bootstrap_servers": "broker:9092", "topics": [f"topic_{node_id}"], "schema": schema}}


def _sink(node_id: str) -> dict:
    return {"id": node_id, "type": "delta_table_sink", "label": f"Sink {node_id}",
            "config": {"table": f"main.demo.{node_id}"}}


def sample_pipeline(type_id: str, config: dict | None = None) -> Pipeline:
    """A pipeline holding one `type_id` node (label "Under test", id "x") with sources and sinks around it."""
    spec = REGISTRY[type_id]
    config = dict(spec.example) if config is None else config
    node = {"id": "x", "type": type_id, "label": "Under test", "config": config}
    nodes, edges = [node], []
    parsed = spec.config.model_validate(config)
    refs: dict[str | None, set[str]] = {}
    for _path, port, column in column_references(parsed):
        refs.setdefault(port, set()).add(column)
    for port in spec.inputs:
        for index in range(max(port.min_edges, 1)):
            columns = {n: t for n, t in BASE_COLUMNS.items() if n not in WITHOUT.get(type_id, ())}
            for column in sorted(refs.get(port.name, set()) | refs.get(None, set())):
                columns.setdefault(column, _guess(column))
            source_id = f"src_{port.name}_{index}"
            nodes.insert(0, _source(source_id, columns))
            edges.append({"source": source_id, "target": "x", "target_port": port.name})
    if spec.category is not Category.SINK:
        for port in spec.output_ports(parsed):
            sink_id = f"out_{port.name}"
            nodes.append(_sink(sink_id))
            edges.append({"source": "x", "target": sink_id, "source_port": port.name})
    edge_docs = [{"id": f"e{i}", **e} for i, e in enumerate(edges, 1)]
    return load_pipeline({"name": f"Sample {type_id}", "settings": {"catalog": "main", "schema": "demo"},
                          "nodes": nodes, "edges": edge_docs})
