"""Small builders of pipeline documents for the core tests."""

from __future__ import annotations

import copy
from typing import Any

KAFKA = {
    "bootstrap_servers": "broker:9092",
    "topics": ["payments"],
    "schema": [
        {"name": "card_id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "ts", "type": "timestamp"},
    ],
}


def node(node_id: str, type_: str, config: dict[str, Any] | None = None, label: str = "") -> dict[str, Any]:
    config = copy.deepcopy(config or {})
    return {"id": node_id, "type": type_, "label": label, "position": {"x": 0, "y": 0}, "config": config}


def edge(edge_id: str, source: str, target: str, source_port: str = "out", target_port: str = "in") -> dict:
    return {"id": edge_id, "source": source, "target": target, "source_port": source_port, "target_port": target_port}


def linear_document() -> dict[str, Any]:
    """Kafka -> filter -> sequence -> Delta: a valid pipeline."""
    return {
        "format": 1,
        "name": "Card fraud",
        "nodes": [
            node("n1", "kafka_source", KAFKA, "Payments"),
            node("n2", "filter", {"condition": "amount > 100"}),
            node("n3", "sequence_detector", {
                "key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "5 minutes",
                "within": "1 hour",
                "steps": [{"name": "small", "condition": "amount < 200"}, {"name": "big", "condition": "amount >= 200"}],
            }, "Card sequence"),
            node("n4", "delta_table_sink", {"table": "main.fraud.alerts"}),
        ],
        "edges": [edge("e1", "n1", "n2"), edge("e2", "n2", "n3"), edge("e3", "n3", "n4")],
    }
