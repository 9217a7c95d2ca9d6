"""The pipeline as a graph: a small wrapper over networkx with the verbs validation and codegen need."""

from __future__ import annotations

import heapq
from functools import cached_property

import networkx as nx

from lakestream.nodes.base import Category
from lakestream.pipeline import Edge, Pipeline


class CycleError(ValueError):
    """The graph has a cycle; `path` lists the node ids around it (first repeated last)."""

    def __init__(self, path: list[str], labels: dict[str, str]):
        self.path = path
        super().__init__("Cycle: " + " --> ".join(labels.get(n, n) for n in path))


class PipelineGraph:
    """The nodes and edges of a pipeline as a networkx multigraph (edges keyed by edge id)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        """The networkx view, built on first use (validation's hot paths use the plain indexes below)."""
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(n.id for n in self.pipeline.nodes)
        graph.add_edges_from((e.source, e.target, e.id, {"edge": e}) for e in self.edges)
        return graph

    @cached_property
    def edges(self) -> list[Edge]:
        """The edges whose both ends exist, in document order."""
        ids = self.pipeline.node_by_id
        return [e for e in self.pipeline.edges if e.source in ids and e.target in ids]

    def degree(self, node_id: str) -> int:
        incoming, outgoing = self._edges_by_end
        return len(incoming.get(node_id, ())) + len(outgoing.get(node_id, ()))

    @cached_property
    def labels(self) -> dict[str, str]:
        return {n.id: n.title for n in self.pipeline.nodes}

    @cached_property
    def _edges_by_end(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        incoming: dict[str, list[Edge]] = {}
        outgoing: dict[str, list[Edge]] = {}
        for edge in self.edges:  # document order
            incoming.setdefault(edge.target, []).append(edge)
            outgoing.setdefault(edge.source, []).append(edge)
        return incoming, outgoing

    def in_edges(self, node_id: str) -> list[Edge]:
        """Edges into a node, in document order."""
        return self._edges_by_end[0].get(node_id, [])

    def out_edges(self, node_id: str) -> list[Edge]:
        """Edges out of a node, in document order."""
        return self._edges_by_end[1].get(node_id, [])

    def upstream(self, node_id: str) -> set[str]:
        return nx.ancestors(self.nx, node_id)

    def downstream(self, node_id: str) -> set[str]:
        return nx.descendants(self.nx, node_id)

    def reaching(self, targets: list[str]) -> set[str]:
        """The targets and every node with a path to one of them (one reverse traversal for all)."""
        seen = set(targets)
        stack = list(targets)
        while stack:
            for parent in (e.source for e in self.in_edges(stack.pop())):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def find_cycle(self) -> list[str] | None:
        """One cycle as a node path that ends where it starts, or None."""
        return self._cycle

    @cached_property
    def _order(self) -> list[str]:
        """Kahn's algorithm, ready nodes taken in document order: every node outside a cycle, parents first."""
        position = {n.id: i for i, n in enumerate(self.pipeline.nodes)}
        waiting = {node: len(self.in_edges(node)) for node in position}
        ready = [(position[n], n) for n, degree in waiting.items() if degree == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            _, node = heapq.heappop(ready)
            order.append(node)
            for child in (e.target for e in self.out_edges(node)):
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, (position[child], child))
        return order

    @cached_property
    def _cycle(self) -> list[str] | None:
        if len(self._order) == len(self.pipeline.nodes):
            return None
        try:
            cycle = nx.find_cycle(self.nx)
        except nx.NetworkXNoCycle:
            return None
        return [u for u, *_ in cycle] + [cycle[0][0]]

    def cycle_error(self) -> CycleError | None:
        path = self.find_cycle()
        return CycleError(path, self.labels) if path else None

    def generations(self) -> list[list[str]]:
        """Nodes in topological layers, ties in document order; raise CycleError on a cycle."""
        error = self.cycle_error()
        if error:
            raise error
        order = {n.id: i for i, n in enumerate(self.pipeline.nodes)}
        return [sorted(layer, key=order.__getitem__) for layer in nx.topological_generations(self.nx)]

    def topological_order(self) -> list[str]:
        """Every node once, parents before children, ties in document order; raise CycleError on a cycle."""
        error = self.cycle_error()
        if error:
            raise error
        return self._order

    @cached_property
    def categories(self) -> list[tuple[str, Category]]:
        """(node id, category) of every node, in document order."""
        return [(n.id, n.spec.category) for n in self.pipeline.nodes]

    def of_category(self, category: Category) -> list[str]:
        return [node_id for node_id, found in self.categories if found is category]
