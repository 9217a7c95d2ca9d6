"""The graph canvas element: the vendored Vue Flow bundle wrapped as a NiceGUI element."""

from __future__ import annotations

from typing import Any

from nicegui.element import Element

# Events the canvas emits (Python handlers get the payload in e.args):
#   node-dropped {type, x, y}    connect {source, sourceHandle, target, targetHandle}
#   nodes-moved {nodes: [{id, x, y}]}    nodes-deleted {nodes}    edges-deleted {edges}
#   selection-changed {nodes, edges}    pane-clicked {}    node-opened {id}    ready {}
EVENTS = ("node-dropped", "connect", "nodes-moved", "nodes-deleted", "edges-deleted",
          "selection-changed", "pane-clicked", "node-opened", "ready")


class FlowCanvas(Element, component="flow_canvas.js", esm={"lakestream-flow": "dist"}):
    """Vue Flow canvas. Python sends the whole graph with `sync`; the browser applies only the changes."""

    def __init__(self, flow_id: str = "lakestream") -> None:
        super().__init__()
        self._props["flowId"] = flow_id
        self.classes("ls-canvas-host")
        self._sent: dict[str, Any] | None = None

    def sync(self, graph: dict[str, Any]) -> None:
        """Show this graph (fire and forget: the page never waits on the browser). A graph equal to the one
        last sent, with nothing to fit, select or replace, is not sent again: typing in a form field
        usually changes no node card, and the browser then has nothing to compare on every keystroke."""
        if graph == self._sent and not (graph.get("fit") or graph.get("replace") or "select" in graph):
            return
        self._sent = graph
        self.run_method("syncGraph", graph)

    def focus_node(self, node_id: str) -> None:
        self.run_method("focusNode", node_id)

    def fit(self) -> None:
        self.run_method("fit")
