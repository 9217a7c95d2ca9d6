"""Renders one node into a code fragment: builds its NodeView, calls its context function, fills its template."""

from __future__ import annotations

from dataclasses import dataclass

from lakestream.codegen.escape import Code, ident, py
from lakestream.codegen.registry import context_function
from lakestream.codegen.result import Warning
from lakestream.codegen.templates import has_template, render, template_path
from lakestream.codegen.view import NodeView, Paths, Upstream


class MissingGenerator(LookupError):
    """A node type claims a target but has no context function or template for it (a LakeStream bug)."""


@dataclass(frozen=True)
class Fragment:
    node_id: str
    heading: str  # the comment naming the node
    body: str
    defs: str  # module-level definitions (Python targets), may be empty
    imports: frozenset[str]
    warnings: tuple[Warning, ...]
    files: tuple[tuple[str, str], ...]


def reference(target: str, name: str) -> Code:
    """How code of `target` reads another dataset of the same program as a stream."""
    if target == "sss":
        return Code(name)
    if target == "sdp-python":
        return Code(f"spark.readStream.table({py(name)})")
    return Code(f"STREAM({ident(name)})")


def render_node(node, target: str, profile: str, upstreams: dict[str, tuple[Upstream, ...]], name: Code,
                schema_out, settings, paths: Paths, changes=None) -> Fragment:
    """The fragment of one node in one target; raise MissingGenerator when the type cannot generate it."""
    function = context_function(node.type)
    if function is None or not has_template(target, node.type):
        raise MissingGenerator(f"node type {node.type!r} has no {target} generator")
    view = NodeView(
        id=node.id, type=node.type, label=node.title, config=node.parsed, name=name, target=target,
        profile=profile, inputs=upstreams, schema_out=schema_out or (), settings=settings, paths=paths,
        changes=changes,
    )
    context = {"node": view, "name": name, "local": view.local, "profile": profile}
    if "in" in upstreams and upstreams["in"]:
        context["input"] = upstreams["in"][0]
    context.update(function(view))
    blocks = render(template_path(target, node.type), context)
    heading = f"{node.title} ({node.spec.name}, node {node.id})"
    return Fragment(
        node_id=node.id,
        heading=heading,
        body=blocks.get("body", ""),
        defs=blocks.get("defs", ""),
        imports=frozenset(view.imports),
        warnings=tuple(view.warnings),
        files=tuple(sorted(view.files.items())),
    )
