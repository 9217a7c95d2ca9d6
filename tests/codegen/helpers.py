"""Pipelines and static checks shared by the codegen tests."""

from __future__ import annotations

import ast

from pyflakes.api import check
from pyflakes.reporter import Reporter

from lakestream.pipeline import load_pipeline


def pipeline(nodes: list[dict], edges: list[tuple[str, str]] | list[dict], name: str = "Test pipeline", **extra):
    """A pipeline document from node dicts and (source, target) edge pairs or edge dicts."""
    edge_docs = []
    for i, edge in enumerate(edges):
        if isinstance(edge, tuple):
            edge = {"source": edge[0], "target": edge[1]}
        edge_docs.append({"id": f"e{i + 1}", **edge})
    return load_pipeline({"name": name, "settings": {"catalog": "main", "schema": "demo"}, "nodes": nodes,
                          "edges": edge_docs, **extra})


class _Collect:
    def __init__(self):
        self.messages = []

    def write(self, text):
        self.messages.append(text)

    def flush(self):
        pass


def python_problems(text: str, path: str = "generated.py") -> list[str]:
    """ast.parse + compile + every pyflakes message (undefined names, unused imports, …)."""
    ast.parse(text, path)
    compile(text, path, "exec")
    out, err = _Collect(), _Collect()
    check(text, path, Reporter(out, err))
    return [m.strip() for m in out.messages + err.messages if m.strip()]


def node_text(code, node_id: str) -> list[str]:
    """The lines generated for one node, per file (from the files' spans)."""
    chunks = []
    for generated in code.files.values():
        lines = generated.text.splitlines()
        chunks += ["\n".join(lines[s.start - 1:s.end]) for s in generated.spans if s.node_id == node_id]
    return chunks


def sql_statements(text: str) -> list[str]:
    """Split a generated SQL file into statements (every statement ends a line with ';')."""
    statements, current = [], []
    for line in text.splitlines():
        if line.startswith("--") and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    assert not "\n".join(current).strip(), f"unterminated statement: {current}"
    return statements


KAFKA = {"id": "n1", "type": "kafka_source", "label": "Payments", "config": {
    "bootstrap_servers": "broker:9092", "topics": ["payments"],
    "schema": [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
               {"name": "ts", "type": "timestamp"}]}}
FILTER = {"id": "n2", "type": "filter", "label": "Big amounts", "config": {"condition": "amount > 100"}}
DELTA = {"id": "n3", "type": "delta_table_sink", "label": "Alerts", "config": {"table": "main.fraud.big"}}


def three_nodes():
    return pipeline([KAFKA, FILTER, DELTA], [("n1", "n2"), ("n2", "n3")], name="Card fraud")
