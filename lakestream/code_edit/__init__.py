"""Edits of generated code mapped back onto the document: plan (preview what changes), then apply.

`plan_code_edit(document, target, path, text)` compares `text` with the file LakeStream generates at
`path` for `target` and returns a `CodeEdit`: the document after the edit and its difference from the
current one (what the preview lists), or an error with the line it is at. The UI's code dock, the CLI
(`lakestream edit-code`) and the tests call it; nothing here knows the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lakestream.codegen import CodegenError, generate
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


def generated_file(document: Pipeline, target: str, path: str, profile: str = "databricks"):
    """The generated file at `path` for `target` (CodegenError when the document cannot be generated)."""
    code = generate(document, target, profile, allow_hybrid=target == "hybrid" or document.code_target == "hybrid")
    if path not in code.files:
        raise CodegenError(f"{target} code has no file {path!r}; its files: {', '.join(code.files)}")
    return code.files[path]


def plan_code_edit(document: Pipeline, target: str, path: str, text: str, profile: str = "databricks") -> CodeEdit:
    """What editing the generated file `path` of `target` into `text` does to the document. Never raises
    for a bad edit: the reason is in `error`."""
    try:
        original = generated_file(document, target, path, profile)
    except CodegenError as error:
        return CodeEdit(document, error=f"No code to edit: {error}")
    if text == original.text:
        return CodeEdit(document, document)
    if path.endswith(".py"):
        return _plan_python(document, target, path, original, text, profile)
    if path.endswith(".sql"):
        from lakestream.code_edit.sql_edit import plan_sql_edit

        return plan_sql_edit(document, target, path, original, text, profile)
    return CodeEdit(document, error=f"{path}: only SQL and Python files map back onto the canvas")


def _plan_python(document: Pipeline, target: str, path: str, original, text: str, profile: str) -> CodeEdit:
    from lakestream.code_edit.python_edit import PythonEditError, map_edit

    spans = [(s.start, s.end, s.node_id) for s in original.spans]

    def owner(line: int) -> str | None:
        return next((node for start, end, node in spans if start <= line <= end), None)

    try:
        after, edits = map_edit(document, original.text, text, owner,
                                lambda doc: generated_file(doc, target, path, profile).text)
    except PythonEditError as error:
        node_id = error.node_id or (owner(error.line) if error.structural and error.line else None)
        if not error.structural or node_id not in document.node_by_id:
            return CodeEdit(document, error=str(error), line=error.line)
        title = document.node_by_id[node_id].title
        return CodeEdit(document, error=f"{error} in {title!r}: only the text of an expression string maps back "
                        "onto the node's fields; to write this node's code yourself, turn it into a SQL transform "
                        "node", line=error.line, node_id=node_id)
    return CodeEdit(document, after, notes=tuple(f"{e.node_id}: {'.'.join(map(str, e.path))}" for e in edits))
