"""Differences between two pipeline documents (two versions, or the editor and the store).

`diff(a, b)` compares what a user changed: nodes (config fields old -> new, label, position),
edges (by their endpoints, since edge ids are regenerated freely), name, description, target and
settings. `code_diff` compares generated files as unified text diffs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from lakestream.codegen import CodegenError, generate
from lakestream.errors import UserError
from lakestream.pipeline import Edge, Node, Pipeline

_MISSING = "(not set)"
_SHOWN = 400  # characters of a changed value in lines(): a whole condition, not a whole code cell


@dataclass(frozen=True)
class FieldChange:
    """One changed value; `path` is like `config.schema[1].type`, `label` or `settings.catalog`."""

    path: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.path}: {_show(self.old)} → {_show(self.new)}"


@dataclass(frozen=True)
class NodeChange:
    node_id: str
    title: str
    type: str
    changes: tuple[FieldChange, ...]

    @property
    def moved_only(self) -> bool:
        return all(c.path.startswith("position.") for c in self.changes)


@dataclass(frozen=True)
class PipelineDiff:
    """Everything that differs from `a` to `b`; each list is in a stable order."""

    added_nodes: tuple[Node, ...] = ()
    removed_nodes: tuple[Node, ...] = ()
    changed_nodes: tuple[NodeChange, ...] = ()
    added_edges: tuple[Edge, ...] = ()
    removed_edges: tuple[Edge, ...] = ()
    changes: tuple[FieldChange, ...] = field(default=())  # name, description, code_target, settings.*

    @property
    def empty(self) -> bool:
        return not (self.added_nodes or self.removed_nodes or self.changed_nodes
                    or self.added_edges or self.removed_edges or self.changes)

    def node_status(self) -> dict[str, str]:
        """node id -> "added" | "removed" | "changed" | "moved": badges on the graph."""
        status = {n.id: "added" for n in self.added_nodes}
        status.update({n.id: "removed" for n in self.removed_nodes})
        status.update({c.node_id: "moved" if c.moved_only else "changed" for c in self.changed_nodes})
        return status

    def lines(self) -> list[str]:
        """The differences as short sentences, ready to list in the UI or print."""
        out = [f"pipeline {change}" for change in self.changes]
        out += [f"+ node {_title(n)} ({n.type})" for n in self.added_nodes]
        out += [f"- node {_title(n)} ({n.type})" for n in self.removed_nodes]
        for node in self.changed_nodes:
            out += [f"~ node {node.title}: {change}" for change in node.changes]
        out += [f"+ edge {_edge_text(e)}" for e in self.added_edges]
        out += [f"- edge {_edge_text(e)}" for e in self.removed_edges]
        return out or ["no differences"]

    def to_dict(self) -> dict[str, Any]:
        def change(c: FieldChange) -> dict[str, Any]:
            return {"path": c.path, "old": c.old, "new": c.new}
        return {
            "added_nodes": [n.id for n in self.added_nodes],
            "removed_nodes": [n.id for n in self.removed_nodes],
            "changed_nodes": [{"id": c.node_id, "title": c.title, "changes": [change(x) for x in c.changes]}
                              for c in self.changed_nodes],
            "added_edges": [_edge_text(e) for e in self.added_edges],
            "removed_edges": [_edge_text(e) for e in self.removed_edges],
            "changes": [change(c) for c in self.changes],
        }


def _show(value: Any) -> str:
    if value is _MISSING:
        return _MISSING
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _events(rows: list | None) -> str:
    return "none" if rows is None else f"{len(rows)} event{'' if len(rows) == 1 else 's'}"


def _title(node: Node) -> str:
    return f"{node.label!r}" if node.label else node.id


def _edge_key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.source, edge.source_port, edge.target, edge.target_port)


def _edge_text(edge: Edge) -> str:
    return f"{edge.source}.{edge.source_port} → {edge.target}.{edge.target_port}"


def field_changes(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Leaf-level changes between two JSON-like values (dicts by key, lists by position)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            out += field_changes(old.get(key, _MISSING), new.get(key, _MISSING), sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for index in range(max(len(old), len(new))):
            out += field_changes(old[index] if index < len(old) else _MISSING,
                                 new[index] if index < len(new) else _MISSING, f"{path}[{index}]")
        return out
    return [] if old == new else [FieldChange(path, old, new)]


def _node_changes(a: Node, b: Node) -> NodeChange | None:
    changes = []
    if a.type != b.type:
        changes.append(FieldChange("type", a.type, b.type))
    if a.label != b.label:
        changes.append(FieldChange("label", a.label, b.label))
    changes += field_changes(a.position.model_dump(), b.position.model_dump(), "position")
    changes += field_changes(a.config, b.config, "config")
    return NodeChange(b.id, b.title, b.type, tuple(changes)) if changes else None


def diff(a: Pipeline, b: Pipeline) -> PipelineDiff:
    """What changed from `a` (older) to `b` (newer). Nodes are matched by id."""
    # (not Pipeline.node_by_id: a cached property that model_copy(update=...) carries over stale)
    nodes_a, nodes_b = {n.id: n for n in a.nodes}, {n.id: n for n in b.nodes}
    changed = [c for nid in nodes_a if nid in nodes_b if (c := _node_changes(nodes_a[nid], nodes_b[nid]))]
    edges_a = {_edge_key(e): e for e in a.edges}
    edges_b = {_edge_key(e): e for e in b.edges}
    top = []
    for name in ("name", "description", "code_target"):
        if getattr(a, name) != getattr(b, name):
            top.append(FieldChange(name, getattr(a, name), getattr(b, name)))
    top += field_changes(a.settings.model_dump(by_alias=True), b.settings.model_dump(by_alias=True), "settings")
    for source in list(a.samples) + [s for s in b.samples if s not in a.samples]:  # counted, not listed event by event
        old, new = a.samples.get(source), b.samples.get(source)
        if old != new:
            edited = " (edited)" if old is not None and new is not None and len(old) == len(new) else ""
            top.append(FieldChange(f"samples.{source}", _events(old), _events(new) + edited))
    return PipelineDiff(
        added_nodes=tuple(n for n in b.nodes if n.id not in nodes_a),
        removed_nodes=tuple(n for n in a.nodes if n.id not in nodes_b),
        changed_nodes=tuple(changed),
        added_edges=tuple(e for k, e in edges_b.items() if k not in edges_a),
        removed_edges=tuple(e for k, e in edges_a.items() if k not in edges_b),
        changes=tuple(top),
    )


def code_diff(old_files: dict[str, str], new_files: dict[str, str], *, context: int = 3) -> str:
    """A unified diff of two sets of generated files (path -> text), files in sorted order; '' if equal."""
    chunks = []
    for path in sorted(set(old_files) | set(new_files)):
        old = old_files.get(path)
        new = new_files.get(path)
        if old == new:
            continue
        chunks.extend(difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
            fromfile=f"a/{path}" if old is not None else "/dev/null",
            tofile=f"b/{path}" if new is not None else "/dev/null", n=context,
        ))
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


def generated_code_diff(a: Pipeline, b: Pipeline, target: str = "auto", profile: str = "databricks", *,
                        names: tuple[str, str] | None = None) -> str:
    """The unified diff of the code generated from `a` and from `b`; UserError when one cannot be generated,
    naming that side (`names`, default "version N of 'name'")."""
    texts = []
    for index, doc in enumerate((a, b)):
        try:
            texts.append(generate(doc, target, profile).texts)
        except CodegenError as error:
            name = names[index] if names else f"version {doc.version} of {doc.name!r}"
            raise UserError(f"No code for {name}: {error}") from None
    return code_diff(texts[0], texts[1])
