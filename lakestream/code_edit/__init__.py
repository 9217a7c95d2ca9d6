"""Edits of generated code mapped back onto the document: plan (preview what changes), then apply.

`plan_code_edit(document, target, path, text)` compares `text` with the file LakeStream generates at
`path` for `target` and returns a `CodeEdit`: the document after the edit and its difference from the
current one (what the preview lists), or an error with the line it is at. The UI's code dock, the CLI
(`lakestream edit-code`) and the tests call it; nothing here knows the UI.
"""

from __future__ import annotations

from lakestream.code_edit.convert import to_sql_transform
from lakestream.code_edit.result import CodeEdit
from lakestream.errors import UserError
from lakestream.codegen import CodegenError, generate
from lakestream.pipeline import Pipeline

__all__ = ["CodeEdit", "generated_file", "plan_code_edit", "to_sql_transform"]


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
        try:  # the offer stands only when the node has an SQL form to start from
            to_sql_transform(document, node_id)
        except UserError as refusal:
            return CodeEdit(document, error=f"{error} in {title!r}: only the text of an expression string maps back "
                            f"onto the node's fields, and {refusal}", line=error.line)
        return CodeEdit(document, error=f"{error} in {title!r}: only the text of an expression string maps back "
                        "onto the node's fields; to write this node's code yourself, turn it into a SQL transform "
                        "node", line=error.line, node_id=node_id)
    return CodeEdit(document, after, notes=tuple(f"{e.node_id}: {'.'.join(map(str, e.path))}" for e in edits))
