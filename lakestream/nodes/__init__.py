"""Node registry: the explicit list of built-in node types, checked at import, with "did you mean"."""

from __future__ import annotations

import difflib
from importlib import import_module

from lakestream.nodes.base import Category, NodeType, check_pattern_facets

# One module per node type; each category package lists its modules in order (palette order).
_CATEGORY_PACKAGES = ("sources", "patterns", "transforms", "sinks")


class UnknownNodeType(ValueError):
    """A type id that no built-in node type has."""

    def __init__(self, type_id: str, suggestion: str | None):
        self.type_id = type_id
        self.suggestion = suggestion
        hint = f" Did you mean {suggestion!r}?" if suggestion else ""
        super().__init__(f"Unknown node type {type_id!r}.{hint}")


def _load() -> dict[str, NodeType]:
    found: dict[str, NodeType] = {}
    for package in _CATEGORY_PACKAGES:
        pkg = import_module(f"lakestream.nodes.{package}")
        for module_name in pkg.MODULES:
            module = import_module(f"lakestream.nodes.{package}.{module_name}")
            node = getattr(module, "NODE", None)
            if not isinstance(node, NodeType):
                raise TypeError(f"lakestream.nodes.{package}.{module_name} defines no NODE")
            if node.type != module_name:
                raise TypeError(f"module {module_name} declares type {node.type!r}: they must match")
            if node.category is Category.PATTERN:
                check_pattern_facets(node)
            if node.type in found:
                raise TypeError(f"node type {node.type!r} is registered twice")
            found[node.type] = node
    return found


REGISTRY: dict[str, NodeType] = _load()


def suggest(type_id: str) -> str | None:
    """The closest known type id, for "did you mean"."""
    candidates = list(REGISTRY)  # palette order: sources first, so 'kafka' suggests the source
    key = type_id.strip().lower().replace("-", "_").replace(" ", "_")
    prefixed = [t for t in candidates if key and t.startswith(key)]
    if prefixed:
        return prefixed[0]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.5)
    if close:
        return close[0]
    contained = [t for t in candidates if len(key) >= 3 and key in t]
    return contained[0] if contained else None


def get_node_type(type_id: str) -> NodeType:
    """Return the node type with this id; raise UnknownNodeType naming the closest one."""
    try:
        return REGISTRY[type_id]
    except KeyError:
        raise UnknownNodeType(type_id, suggest(type_id)) from None


def node_types(category: Category | None = None) -> list[NodeType]:
    """All node types in palette order, optionally of one category."""
    return [n for n in REGISTRY.values() if category is None or n.category is category]
