"""Renders one node into a code fragment: builds its NodeView, calls its context function, fills its template."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args

from pydantic import BaseModel

from lakestream.sparksql.escape import Code, ident, py
from lakestream.codegen.registry import context_function
from lakestream.codegen.result import Warning
from lakestream.codegen.templates import has_template, render, template_path
from lakestream.codegen.view import NodeView, Paths, Upstream
from lakestream.nodes.fields import FieldKind, Kind


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


@lru_cache(maxsize=None)
def _duration_fields(model: type[BaseModel]) -> tuple[tuple[str, str, type[BaseModel] | None], ...]:
    """(config key, field name, nested model) of each duration field of `model` and of each nested model
    that may hold one; the nested model is None for a duration field itself."""
    fields = []
    for name, info in model.model_fields.items():
        inner = get_args(info.annotation)  # Duration | None, or a nested model | None
        metadata = [*info.metadata, *(m for arg in inner for m in getattr(arg, "__metadata__", ()))]
        nested = next((t for t in (info.annotation, *inner) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if any(isinstance(m, FieldKind) and m.kind is Kind.DURATION for m in metadata):
            fields.append((info.alias or name, name, None))
        elif nested is not None and _duration_fields(nested):
            fields.append((info.alias or name, name, nested))
    return tuple(fields)


def durations_as_written(model: type[BaseModel], config: Any) -> list[str]:
    """"within 10 minutes", "watermark delay 2 minutes": each duration of a config as the user typed it
    (the code holds it in microseconds or Spark's own spelling; the node's heading comment shows it)."""
    out = []
    for key, name, nested in _duration_fields(model):
        value = config.get(key) if isinstance(config, dict) else None
        if nested is not None:
            out += durations_as_written(nested, value)
        elif isinstance(value, str) and value.strip():
            out.append(f"{name.replace('_', ' ')} {value.strip()}")
    return out


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
    if durations := durations_as_written(node.spec.config, node.config):
        heading += f": {', '.join(durations)}"  # assemble prints headings through escape.comment
    return Fragment(
        node_id=node.id,
        heading=heading,
        body=blocks.get("body", ""),
        defs=blocks.get("defs", ""),
        imports=frozenset(view.imports),
        warnings=tuple(view.warnings),
        files=tuple(sorted(view.files.items())),
    )
