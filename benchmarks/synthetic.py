"""Synthetic pipelines of a given size for the benchmarks (valid, realistic shapes, distinct expressions)."""

from __future__ import annotations

from typing import Any

SCHEMA = [
    {"name": "card_id", "type": "string"},
    {"name": "merchant", "type": "string"},
    {"name": "amount", "type": "double"},
    {"name": "country", "type": "string"},
    {"name": "ts", "type": "timestamp"},
]


def _node(node_id: str, type_: str, config: dict[str, Any], x: int, y: int) -> dict[str, Any]:
    return {"id": node_id, "type": type_, "label": f"{type_} {node_id}", "position": {"x": x, "y": y}, "config": config}


def block(i: int) -> tuple[list[dict], list[dict]]:
    """Ten nodes and twelve edges: a source fanning out through filters into a union, a sequence and sinks."""
    p = f"b{i}_"
    y = i * 400
    nodes = [
        _node(p + "src", "kafka_source", {"bootstrap_servers": f"broker{i}:9092", "topics": [f"payments_{i}"],
                                          "schema": SCHEMA}, 0, y),
        _node(p + "f1", "filter", {"condition": f"amount > {i}"}, 250, y),
        _node(p + "f2", "filter", {"condition": f"country = 'C{i}' AND amount < {i + 1000}"}, 500, y),
        _node(p + "f3", "filter", {"condition": f"merchant LIKE 'm{i}%'"}, 250, y + 100),
        _node(p + "f5", "filter", {"condition": f"card_id IS NOT NULL AND amount * 2 > {i}"}, 250, y + 200),
        _node(p + "u", "union_merge", {}, 750, y),
        _node(p + "seq", "sequence_detector", {
            "key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "5 minutes",
            "within": f"{i + 1} minutes",
            "steps": [{"name": "small", "condition": f"amount < {i + 1}"}, {"name": "big", "condition": f"amount >= {i + 500}"}],
        }, 1000, y),
        _node(p + "sink1", "delta_table_sink", {"table": f"main.bench.alerts_{i}"}, 1250, y),
        _node(p + "f4", "filter", {"condition": f"amount BETWEEN {i} AND {i + 10}"}, 1000, y + 100),
        _node(p + "sink2", "delta_table_sink", {"table": f"main.bench.small_{i}"}, 1250, y + 100),
    ]
    pairs = [("src", "f1"), ("f1", "f2"), ("src", "f3"), ("src", "f5"), ("f2", "u"), ("f3", "u"), ("f1", "u"),
             ("f5", "u"), ("u", "seq"), ("seq", "sink1"), ("u", "f4"), ("f4", "sink2")]
    edges = [{"id": f"{p}e{k}", "source": p + a, "target": p + b, "source_port": "out", "target_port": "in"}
             for k, (a, b) in enumerate(pairs)]
    return nodes, edges


def synthetic_document(n_nodes: int) -> dict[str, Any]:
    """A valid pipeline document of `n_nodes` nodes (a multiple of 10) and 1.2 edges per node."""
    nodes: list[dict] = []
    edges: list[dict] = []
    for i in range(n_nodes // 10):
        block_nodes, block_edges = block(i)
        nodes += block_nodes
        edges += block_edges
    return {"format": 1, "name": f"Synthetic {n_nodes}", "nodes": nodes, "edges": edges}
