"""A planned code edit: the document after it, what changes on the canvas (the preview), or why not."""

from __future__ import annotations

from dataclasses import dataclass, field

from lakestream.labels import field_label, location, path_parts
from lakestream.nodes import get_node_type
from lakestream.pipeline import Pipeline
from lakestream.store.diff import PipelineDiff, diff


@dataclass(frozen=True)
class CodeEdit:
    """A planned code edit: `after` is the document to apply, or None with `error` (at `line`)."""

    before: Pipeline
    after: Pipeline | None = None
    error: str | None = None
    line: int | None = None
    node_id: str | None = None  # the node an unmapped edit is in (it may become a SQL transform node)
    notes: tuple[str, ...] = field(default=())

    @property
    def diff(self) -> PipelineDiff:
        return diff(self.before, self.after) if self.after is not None else PipelineDiff()

    @property
    def unchanged(self) -> bool:
        return self.after is not None and self.diff.empty

    def preview(self) -> list[str]:
        """What will change on the canvas, one sentence per change (positions left out)."""
        if self.after is None:
            return []
        changes = self.diff
        lines = [f"pipeline {c}" for c in changes.changes]
        lines += [f"+ node {n.title} ({n.type})" for n in changes.added_nodes]
        lines += [f"- node {n.title} ({n.type})" for n in changes.removed_nodes]
        for node in changes.changed_nodes:
            lines += [f"~ {node.title}: {_field(node.type, c.path)}: {_show(c.old)} → {_show(c.new)}"
                      for c in node.changes if not c.path.startswith("position.")]
        lines += [f"+ edge {_edge(self.after, e)}" for e in changes.added_edges]
        lines += [f"- edge {_edge(self.before, e)}" for e in changes.removed_edges]
        return lines or ["no change on the canvas"]


def _field(type_id: str, path: str) -> str:
    """A changed path as the form names it: config.steps[1].condition -> Step 2: Condition."""
    if not path.startswith("config."):
        return field_label(path)
    try:
        model = get_node_type(type_id).config
    except Exception:  # an unknown type keeps its raw path
        return path
    return location(model, path_parts(path.removeprefix("config.")))


def _show(value) -> str:
    if isinstance(value, str) and value != "(not set)":
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _edge(document: Pipeline, edge) -> str:
    nodes = document.node_by_id
    return f"{nodes[edge.source].title if edge.source in nodes else edge.source} → " \
           f"{nodes[edge.target].title if edge.target in nodes else edge.target}"


