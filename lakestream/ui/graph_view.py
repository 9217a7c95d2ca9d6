"""What the canvas shows of a pipeline: node cards (colour, icon, ports, targets, worst issue) and edges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lakestream.nodes.base import Target
from lakestream.pipeline import Node, Pipeline
from lakestream.validate import Issue

_RANK = {"error": 3, "warning": 2, "info": 1}


def badges(node: Node) -> list[str]:
    """SDP and/or SSS: the families of targets this node (with its current config) can be generated into."""
    targets = node.spec.targets_for(node.parsed_or_none())
    out = []
    if targets & {Target.SDP_SQL, Target.SDP_PYTHON}:
        out.append("SDP")
    if Target.SSS in targets:
        out.append("SSS")
    return out


def worst_issues(issues: Iterable[Issue]) -> dict[str, Issue]:
    """Per node id, its most severe issue (the first one reported at that severity)."""
    worst: dict[str, Issue] = {}
    for issue in issues:
        if issue.node_id is None or issue.severity not in ("error", "warning"):
            continue
        current = worst.get(issue.node_id)
        if current is None or _RANK[issue.severity] > _RANK[current.severity]:
            worst[issue.node_id] = issue
    return worst


def node_card(node: Node, issue: Issue | None) -> dict[str, Any]:
    spec = node.spec
    return {
        "id": node.id,
        "position": {"x": node.position.x, "y": node.position.y},
        "data": {
            "label": node.title,
            "type": spec.type,
            "typeName": spec.name,
            "icon": spec.icon,
            "colour": spec.colour,
            "category": spec.category.value,
            "badges": badges(node),
            "severity": issue.severity if issue else "",
            "message": issue.message if issue else "",
            "inputs": [{"name": p.name, "label": p.title} for p in spec.inputs],
            "outputs": [{"name": p.name, "label": p.title} for p in spec.output_ports(node.parsed_or_none())],
        },
    }


def graph_payload(pipeline: Pipeline, issues: Iterable[Issue] = (), **extra: Any) -> dict[str, Any]:
    """The JSON the canvas's syncGraph takes; `extra` adds flags such as fit=True or select=[ids]."""
    worst = worst_issues(issues)
    return {
        "nodes": [node_card(n, worst.get(n.id)) for n in pipeline.nodes],
        "edges": [
            {"id": e.id, "source": e.source, "target": e.target,
             "sourceHandle": e.source_port, "targetHandle": e.target_port}
            for e in pipeline.edges
        ],
        **extra,
    }
