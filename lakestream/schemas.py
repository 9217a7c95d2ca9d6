"""Schema propagation: each node's output columns, computed from its inputs and config in graph order."""

from __future__ import annotations

import networkx as nx

from lakestream.graph import PipelineGraph
from lakestream.nodes.base import Inputs, Schema
from lakestream.pipeline import Pipeline


def node_inputs(graph: PipelineGraph, node_id: str, schemas: dict[str, Schema | None]) -> Inputs | None:
    """The schemas arriving at a node per input port; None when an upstream schema is unknown."""
    by_port: dict[str, tuple[Schema, ...]] = {}
    for edge in graph.in_edges(node_id):
        schema = schemas.get(edge.source)
        if schema is None:
            return None
        by_port[edge.target_port] = by_port.get(edge.target_port, ()) + (schema,)
    return Inputs(by_port)


def _order(graph: PipelineGraph) -> list[str]:
    """Topological order of the nodes outside cycles (nodes on a cycle have no defined schema)."""
    if graph.find_cycle() is None:
        return graph.topological_order()
    condensed = nx.condensation(graph.nx)
    position = {n.id: i for i, n in enumerate(graph.pipeline.nodes)}
    order: list[str] = []
    for component in nx.lexicographical_topological_sort(
        condensed, key=lambda c: min(position[m] for m in condensed.nodes[c]["members"])
    ):
        members = condensed.nodes[component]["members"]
        if len(members) == 1:
            (member,) = members
            if not graph.nx.has_edge(member, member):
                order.append(member)
    return order


def propagate(pipeline: Pipeline, graph: PipelineGraph | None = None) -> dict[str, Schema | None]:
    """Return every node's output schema; None where it cannot be known (invalid config, cycle, unknown input)."""
    return propagate_with_inputs(pipeline, graph or PipelineGraph(pipeline))[0]


def propagate_with_inputs(
    pipeline: Pipeline, graph: PipelineGraph
) -> tuple[dict[str, Schema | None], dict[str, Inputs | None]]:
    """Every node's output schema, and the inputs of each node outside a cycle (final: parents come first)."""
    schemas: dict[str, Schema | None] = {n.id: None for n in pipeline.nodes}
    inputs_by_node: dict[str, Inputs | None] = {}
    nodes = pipeline.node_by_id
    for node_id in _order(graph):
        node = nodes[node_id]
        config = node.parsed_or_none()
        inputs = inputs_by_node[node_id] = node_inputs(graph, node_id, schemas)
        if config is None or inputs is None:
            continue
        try:
            schemas[node_id] = node.spec.output_schema(config, inputs)
        except (KeyError, ValueError, IndexError):
            schemas[node_id] = None  # a schema rule that cannot apply to these inputs: unknown, not a crash
    return schemas, inputs_by_node
