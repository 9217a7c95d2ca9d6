"""Turn a node into a SQL transform node holding its own SDP SQL query: code the user then edits freely."""

from __future__ import annotations

from lakestream import editing
from lakestream.codegen import CodegenError, generate
from lakestream.errors import UserError
from lakestream.graph import PipelineGraph
from lakestream.nodes import get_node_type
from lakestream.nodes.base import Category
from lakestream.pipeline import Edge, Node, Pipeline


def to_sql_transform(document: Pipeline, node_id: str) -> Pipeline:
    """The document with `node_id` replaced (same id, label, place and edges) by a sql_transform node whose query is
    the node's SDP SQL, reading its inputs by their dataset names; UserError when the node has no SQL form."""
    from lakestream.importing.statements import split

    node = document.node_by_id.get(node_id)
    if node is None:
        raise UserError(f"There is no node {node_id!r} in this pipeline")
    if get_node_type(node.type).category in (Category.SOURCE, Category.SINK):
        raise UserError(f"{node.title!r} is a {get_node_type(node.type).category.value}: only a transform or a "
                        "pattern can become a SQL transform node")
    graph = PipelineGraph(document)
    keep = graph.reaching([node_id])  # the node and everything it reads from: their SQL names the inputs
    sub = editing.delete(document, [n.id for n in document.nodes if n.id not in keep], [])
    try:
        code = generate(sub, "sdp-sql", check=False)
    except (CodegenError, Exception) as error:  # noqa: BLE001 — an unfinished document has no SQL either
        reason = str(error).split(": ", 1)[-1] if isinstance(error, CodegenError) else "its SQL cannot be generated"
        raise UserError(f"{node.title!r} has no SDP SQL form ({reason}): it cannot become a SQL transform node")
    names: dict[str, str] = {}
    query = None
    for text in code.texts.values():
        for statement in split(text):
            header = statement.header
            if header is None or statement.kind != "dataset":
                continue
            names.setdefault(header.group("id"), statement.name)
            if header.group("id") == node_id and statement.query:
                query = statement.query.strip()
    if query is None:
        raise UserError(f"{node.title!r} is not one SQL query in SDP SQL: it cannot become a SQL transform node")
    incoming = graph.in_edges(node_id)
    inputs = [names.get(e.source, e.source) for e in incoming]
    replaced = Node(id=node.id, type="sql_transform", label=node.label, position=node.position,
                    config={"query": query, "inputs": inputs})
    nodes = tuple(replaced if n.id == node_id else n for n in document.nodes)
    edges = tuple(Edge(id=e.id, source=e.source, target=e.target, source_port=e.source_port, target_port="in")
                  if e.target == node_id else e for e in document.edges)
    return document.model_copy(update={"nodes": nodes, "edges": edges})
