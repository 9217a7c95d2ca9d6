"""The node reference pages, rendered from the registry (regenerated with the goldens; a test fails on drift)."""

from __future__ import annotations

import json
from datetime import datetime
import re
import types
from pathlib import Path
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from lakestream.nodes import node_types
from lakestream.nodes.base import Category, NodeType, Target
from lakestream.nodes.fields import ColumnSpec, SecretRef

DOCS = Path(__file__).resolve().parents[1] / "docs"
BEGIN = "<!-- generated from the node registry by `python -m lakestream.codegen.golden`: do not edit -->"
END = "<!-- end of generated reference -->"
TARGET_NAMES = {Target.SDP_SQL: "SDP SQL", Target.SDP_PYTHON: "SDP Python", Target.SSS: "SSS"}
SECTIONS = {Category.SOURCE: "Sources", Category.TRANSFORM: "Transforms", Category.SINK: "Sinks"}
REPLAY_NAMES = {
    "driver": "the pattern engine's per-key runtime (the same algorithm the generated transformWithState runs)",
    "join": "the engine's simulation of Spark's stream-stream interval join",
    "dedup": "the engine's simulation of the deduplication operator",
    "row_pattern": "the MATCH_RECOGNIZE engine",
    "spark": "nothing: it runs only on Spark",
}


def _optional(annotation):
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007 - rebuilt from parts
    return annotation


def _model_shape(model: type[BaseModel]) -> str:
    return "{" + ", ".join(info.alias or name for name, info in model.model_fields.items()) + "}"


def type_name(annotation) -> str:
    """A config field's type as the reference writes it (`string`, `list of {expr, alias}`, `a / b`)."""
    annotation = _optional(annotation)
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_name(get_args(annotation)[0])
    if annotation is SecretRef:
        return "secret {scope, key}"
    if origin is Literal:
        return " / ".join(str(v) for v in get_args(annotation))
    if origin in (tuple, list):
        item = get_args(annotation)[0]
        if item is ColumnSpec:
            return "columns [{name, type}]"
        return "list of " + type_name(item)
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_shape(annotation)
    names = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", datetime: "timestamp"}
    return names.get(annotation, "object")


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if value is None or value is PydanticUndefined:
        return "—"
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, tuple):
        value = list(value)
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _nested(annotation) -> list[type[BaseModel]]:
    """The models inside a field's type (list items, unions, optional), whose fields get rows of their own."""
    found, stack = [], [annotation]
    while stack:
        item = stack.pop(0)
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item not in (SecretRef, ColumnSpec):
                found.append(item)
            continue
        stack.extend(a for a in get_args(item) if not isinstance(a, (str, int, float, bool)) or isinstance(a, type))
    return found


def _rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        description = " ".join((info.description or "").split()).replace("|", "\\|")
        rows.append(f"| `{key}` | {type_name(info.annotation)} | {_default(info)} | {description} |")
        annotation = _optional(info.annotation)
        is_list = get_origin(get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation) in (
            tuple, list)
        for nested in _nested(annotation):
            rows += _rows(nested, f"{key}[]." if is_list else f"{key}.")
    return rows


def _ports(ports) -> str:
    named = [f"`{p.name}`" + (f" ({p.min_edges}–{p.max_edges} edges)" if p.max_edges > 1 else "") for p in ports]
    return ", ".join(named) or "none"


def _targets(node: NodeType) -> str:
    names = ", ".join(TARGET_NAMES[t] for t in Target if t in node.targets)
    return names + (" (narrowed by config)" if node.supports is not None else "")


def node_section(node: NodeType) -> str:
    """One node type's reference: description, ports, targets, every config field, semantics, example."""
    outputs = "per config" if node.dynamic_outputs is not None else _ports(node.outputs)
    lines = [f"### {node.name} — `{node.type}`", "", node.description, "",
             f"Inputs: {_ports(node.inputs)}. Outputs: {outputs}. Targets: {_targets(node)}.", "",
             "| key | type | default | description |", "|---|---|---|---|", *_rows(node.config), ""]
    if node.docs.strip():
        lines += [node.docs.strip(), ""]
    if node.stateful_reason:
        lines += [f"Needs Structured Streaming when it {_lower(node.stateful_reason)}.", ""]
    if node.pattern is not None:
        lines += [f"Watermark: {node.pattern.watermark}", "",
                  f"Replayed locally by {REPLAY_NAMES[node.pattern.replay]}.", ""]
    example = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in node.example.items())
    lines += ["Example:", "", "```json", "{", example, "}", "```", ""]
    return "\n".join(lines)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def nodes_reference() -> str:
    """docs/nodes.md's generated part: the sources, transforms and sinks."""
    parts = [BEGIN, ""]
    for category, title in SECTIONS.items():
        parts += [f"## {title}", ""]
        parts += [node_section(node) for node in node_types(category)]
    return "\n".join(parts).rstrip("\n") + "\n\n" + END


def patterns_reference() -> str:
    """docs/patterns.md's generated part: every pattern node."""
    parts = [BEGIN, ""] + [node_section(node) for node in node_types(Category.PATTERN)]
    return "\n".join(parts).rstrip("\n") + "\n\n" + END


PAGES = {"nodes.md": nodes_reference, "patterns.md": patterns_reference}
_REGION = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)


def rendered(page: str, text: str) -> str:
    """`text` (a docs page) with its generated region replaced by the registry's current reference."""
    if not _REGION.search(text):
        raise ValueError(f"docs/{page} has no generated region ({BEGIN})")
    return _REGION.sub(lambda _: PAGES[page](), text, count=1)


def regenerate(root: Path = DOCS) -> list[str]:
    """Rewrite the generated regions of the docs pages; return the pages that changed."""
    changed = []
    for page in PAGES:
        path = root / page
        text = path.read_text(encoding="utf-8")
        new = rendered(page, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def drift(root: Path = DOCS) -> list[str]:
    """The pages whose generated region differs from the registry (empty: in step)."""
    return [page for page in PAGES if rendered(page, (root / page).read_text(encoding="utf-8"))
            != (root / page).read_text(encoding="utf-8")]
