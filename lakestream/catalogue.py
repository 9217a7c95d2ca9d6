"""The node catalogue as plain data (for `lakestream nodes`, the palette and the help pages)."""

from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from lakestream.nodes import node_types
from lakestream.nodes.base import NodeType
from lakestream.nodes.fields import FieldKind


def _type_name(info: FieldInfo) -> str:
    text = repr(info.annotation)
    for prefix in ("typing.", "lakestream.nodes.fields.", "<class '", "'>"):
        text = text.replace(prefix, "")
    return text


def describe_field(name: str, info: FieldInfo) -> dict[str, Any]:
    """One config field: key, type, required, default, description, kind (widget hint)."""
    kind = next((m for m in info.metadata if isinstance(m, FieldKind)), None)
    default = None if info.default is PydanticUndefined else info.default
    if isinstance(default, tuple):
        default = list(default)
    return {
        "name": info.alias or name,
        "type": _type_name(info),
        "required": info.is_required(),
        "default": default if not hasattr(default, "model_dump") else default.model_dump(),
        "description": info.description or "",
        "kind": kind.kind.value if kind else None,
    }


def describe(node: NodeType) -> dict[str, Any]:
    """One node type as data."""
    return {
        "type": node.type,
        "name": node.name,
        "category": node.category.value,
        "description": node.description,
        "icon": node.icon,
        "colour": node.colour,
        "inputs": [{"name": p.name, "min": p.min_edges, "max": p.max_edges} for p in node.inputs],
        "outputs": [{"name": p.name} for p in node.outputs] if node.dynamic_outputs is None else "per config",
        "targets": sorted(t.value for t in node.targets),
        "stateful_reason": node.stateful_reason,
        "config": [describe_field(n, f) for n, f in node.config.model_fields.items()],
    }


def catalogue() -> list[dict[str, Any]]:
    """Every node type, in palette order."""
    return [describe(n) for n in node_types()]
