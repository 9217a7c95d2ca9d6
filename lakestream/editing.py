"""Editing operations on the immutable pipeline document, shared by the UI, the CLI and the tests.

Every operation takes a `Pipeline` and returns a new one (the document is a frozen pydantic model);
`History` keeps snapshots for undo/redo. Graph rules are not decided here: `connect` asks
`lakestream.validate.can_connect`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lakestream.errors import UserError
from lakestream.graph import CycleError, PipelineGraph
from lakestream.nodes import get_node_type
from lakestream.pipeline import Edge, Node, Pipeline, Position
from lakestream.validate import can_connect

GRID = 16  # the canvas snaps to this grid; laid-out positions stay on it
LAYER_GAP_X = 288
ROW_GAP_Y = 128


class EditError(UserError):
    """An edit that cannot be applied; the message says why (shown as a toast)."""


def _copy(model, **update):
    """model_copy without the source's cached properties (node_by_id, parsed), which would go stale."""
    copied = model.model_copy(update=update)
    for key in [k for k in copied.__dict__ if k not in type(copied).model_fields]:
        del copied.__dict__[key]
    return copied


def _fresh_ids(existing: Iterable[str], prefix: str, count: int) -> list[str]:
    """`count` ids `<prefix><n>` numbered after the highest one in use (ids are never reused in a document)."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    highest = max((int(m.group(1)) for i in existing if (m := pattern.match(i))), default=0)
    return [f"{prefix}{highest + k}" for k in range(1, count + 1)]


def _snap(value: float) -> float:
    return float(round(value / GRID) * GRID)


def add_node(pipeline: Pipeline, type_id: str, x: float = 0, y: float = 0, label: str = "") -> tuple[Pipeline, str]:
    """Add a node of a registered type at (x, y); return the new document and the node's fresh id."""
    get_node_type(type_id)  # UnknownNodeType ("did you mean") for a bad type
    (node_id,) = _fresh_ids((n.id for n in pipeline.nodes), "n", 1)
    node = Node(id=node_id, type=type_id, label=label, position=Position(x=_snap(x), y=_snap(y)))
    return _copy(pipeline, nodes=pipeline.nodes + (node,)), node_id


def _require_node(pipeline: Pipeline, node_id: str) -> Node:
    node = pipeline.node_by_id.get(node_id)
    if node is None:
        raise EditError(f"There is no node {node_id!r} in this pipeline")
    return node


def _replace_nodes(pipeline: Pipeline, changed: Mapping[str, Node]) -> Pipeline:
    return _copy(pipeline, nodes=tuple(changed.get(n.id, n) for n in pipeline.nodes))


def move_nodes(pipeline: Pipeline, positions: Mapping[str, tuple[float, float]]) -> Pipeline:
    """Move nodes to new positions; ids that are not in the document are ignored (already deleted)."""
    changed = {
        node_id: _copy(node, position=Position(x=float(x), y=float(y)))
        for node_id, (x, y) in positions.items()
        if (node := pipeline.node_by_id.get(node_id)) is not None
    }
    return _replace_nodes(pipeline, changed) if changed else pipeline


def set_label(pipeline: Pipeline, node_id: str, label: str) -> Pipeline:
    node = _require_node(pipeline, node_id)
    return _replace_nodes(pipeline, {node_id: _copy(node, label=label.strip())})


def set_config(pipeline: Pipeline, node_id: str, config: Mapping[str, Any]) -> Pipeline:
    """Replace a node's config as typed (a draft may be invalid: validation reports it)."""
    node = _require_node(pipeline, node_id)
    return _replace_nodes(pipeline, {node_id: _copy(node, config=dict(config))})


def set_field(pipeline: Pipeline, node_id: str, key: str, value: Any) -> Pipeline:
    """Set one top-level config key; None (or an empty string) removes it so the default applies."""
    config = dict(_require_node(pipeline, node_id).config)
    if value is None or value == "":
        config.pop(key, None)
    else:
        config[key] = value
    return set_config(pipeline, node_id, config)


def connect(pipeline: Pipeline, source: str, source_port: str, target: str, target_port: str) -> tuple[Pipeline, str]:
    """Add an edge if `can_connect` allows it; raise EditError with its reason otherwise."""
    ok, reason = can_connect(pipeline, source, source_port or "out", target, target_port or "in")
    if not ok:
        raise EditError(reason)
    (edge_id,) = _fresh_ids((e.id for e in pipeline.edges), "e", 1)
    edge = Edge(id=edge_id, source=source, target=target, source_port=source_port or "out",
                target_port=target_port or "in")
    return _copy(pipeline, edges=pipeline.edges + (edge,)), edge_id


def delete(pipeline: Pipeline, node_ids: Iterable[str] = (), edge_ids: Iterable[str] = ()) -> Pipeline:
    """Remove nodes (with every edge touching them) and edges; unknown ids are ignored."""
    nodes, edges = set(node_ids), set(edge_ids)
    return _copy(
        pipeline,
        nodes=tuple(n for n in pipeline.nodes if n.id not in nodes),
        edges=tuple(e for e in pipeline.edges if e.id not in edges and e.source not in nodes and e.target not in nodes),
        samples={s: rows for s, rows in pipeline.samples.items() if s not in nodes},  # undo brings them back
        expectations={n: rows for n, rows in pipeline.expectations.items() if n not in nodes},
    )


def _set_rows(pipeline: Pipeline, field: str, node_id: str, rows, what: str) -> Pipeline:
    """The document with `rows` under `node_id` in the per-node field (None removes them), checked by its model."""
    _require_node(pipeline, node_id)
    per_node = {n: r for n, r in getattr(pipeline, field).items() if n != node_id}
    if rows is not None:
        per_node[node_id] = rows
    try:
        checked = Pipeline.model_validate({"id": pipeline.id, field: per_node})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise EditError(f"{what}: {first['msg']}") from None
    return _copy(pipeline, **{field: getattr(checked, field)})


def set_samples(pipeline: Pipeline, source_id: str, rows: list[dict[str, Any]] | None) -> Pipeline:
    """Keep `rows` as the sample events of a source (None or [] removes them); EditError if they cannot be kept."""
    return _set_rows(pipeline, "samples", source_id, rows or None, "These sample events cannot be kept")


def set_expectations(pipeline: Pipeline, node_id: str, rows: list[dict[str, Any]] | None) -> Pipeline:
    """Pin `rows` as the output a node must give on the samples (None unpins; [] pins "no detections")."""
    return _set_rows(pipeline, "expectations", node_id, rows, "These rows cannot be pinned")


@dataclass(frozen=True)
class Clip:
    """Copied nodes and the edges between them (edges leaving the selection are not copied)."""

    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.nodes)


def copy(pipeline: Pipeline, node_ids: Iterable[str]) -> Clip:
    wanted = set(node_ids)
    nodes = tuple(n for n in pipeline.nodes if n.id in wanted)
    edges = tuple(e for e in pipeline.edges if e.source in wanted and e.target in wanted)
    return Clip(nodes, edges)


def paste(pipeline: Pipeline, clip: Clip, offset: tuple[float, float] = (2 * GRID, 2 * GRID)) -> tuple[Pipeline, list[str]]:
    """Insert a clip with fresh node and edge ids, shifted by `offset`; return the document and the new ids."""
    if not clip:
        return pipeline, []
    node_ids = _fresh_ids((n.id for n in pipeline.nodes), "n", len(clip.nodes))
    renamed = {old.id: new for old, new in zip(clip.nodes, node_ids)}
    dx, dy = offset
    nodes = tuple(
        Node(id=renamed[n.id], type=n.type, label=n.label, config=dict(n.config),
             position=Position(x=n.position.x + dx, y=n.position.y + dy))
        for n in clip.nodes
    )
    edge_ids = _fresh_ids((e.id for e in pipeline.edges), "e", len(clip.edges))
    edges = tuple(
        _copy(e, id=new_id, source=renamed[e.source], target=renamed[e.target])
        for e, new_id in zip(clip.edges, edge_ids)
    )
    updated = _copy(pipeline, nodes=pipeline.nodes + nodes, edges=pipeline.edges + edges)
    return updated, node_ids


def duplicate(pipeline: Pipeline, node_ids: Iterable[str]) -> tuple[Pipeline, list[str]]:
    return paste(pipeline, copy(pipeline, node_ids))


def auto_layout(pipeline: Pipeline) -> Pipeline:
    """Place nodes left to right by graph layer (sources first), stacked in document order per layer.

    A cyclic graph has no layers: raise EditError naming the cycle.
    """
    try:
        layers = PipelineGraph(pipeline).generations()
    except CycleError as error:
        raise EditError(f"Cannot lay out a graph with a cycle: {error}") from None
    positions = {
        node_id: (float(col * LAYER_GAP_X), float(row * ROW_GAP_Y - (len(layer) - 1) * ROW_GAP_Y // 2))
        for col, layer in enumerate(layers)
        for row, node_id in enumerate(layer)
    }
    return move_nodes(pipeline, {k: (_snap(x), _snap(y)) for k, (x, y) in positions.items()})


def rename(pipeline: Pipeline, name: str) -> Pipeline:
    name = name.strip()
    if not name:
        raise EditError("A pipeline needs a name")
    if len(name) > 200:
        raise EditError("A pipeline name has at most 200 characters")
    return _copy(pipeline, name=name)


def update_pipeline(pipeline: Pipeline, **changes: Any) -> Pipeline:
    """Change document-level fields: description, code_target, or settings (a dict of Settings fields).

    Raises EditError for an unknown field or value, with the valid choices.
    """
    allowed = {"description", "code_target", "settings"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise EditError(f"Not a pipeline setting: {', '.join(unknown)}; choose from {', '.join(sorted(allowed))}")
    data = pipeline.to_dict()
    if "settings" in changes:
        data["settings"] = {**data["settings"], **changes.pop("settings")}
    data.update(changes)
    try:
        checked = Pipeline.model_validate(
            {k: data[k] for k in ("description", "code_target", "settings")} | {"id": pipeline.id})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise EditError(f"Invalid pipeline setting {where}: {first['msg']}") from None
    return _copy(pipeline, description=checked.description, code_target=checked.code_target,
                 settings=checked.settings)


@dataclass
class History:
    """Undo/redo over document snapshots. Consecutive edits with the same `key` (typing in one field)
    merge into one step, so undo goes back to before the typing started."""

    present: Pipeline
    limit: int = 200
    _past: list[Pipeline] = field(default_factory=list)
    _future: list[Pipeline] = field(default_factory=list)
    _last_key: Any = None

    def push(self, document: Pipeline, key: Any = None) -> None:
        if document == self.present:
            return
        if key is None or key != self._last_key or not self._past:
            self._past.append(self.present)
            del self._past[: -self.limit]
        self.present = document
        self._future.clear()
        self._last_key = key

    def reset(self, document: Pipeline) -> None:
        """Start over (a pipeline was opened): nothing to undo."""
        self.present, self._past, self._future, self._last_key = document, [], [], None

    def replace(self, document: Pipeline) -> None:
        """Change the present without an undo step (e.g. the store assigned a new version on save)."""
        self.present = document

    @property
    def can_undo(self) -> bool:
        return bool(self._past)

    @property
    def can_redo(self) -> bool:
        return bool(self._future)

    def undo(self) -> Pipeline:
        if self._past:
            self._future.append(self.present)
            self.present = self._past.pop()
            self._last_key = None
        return self.present

    def redo(self) -> Pipeline:
        if self._future:
            self._past.append(self.present)
            self.present = self._future.pop()
            self._last_key = None
        return self.present
