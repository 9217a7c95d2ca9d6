"""Map an edit of generated SDP SQL back onto the document through the SQL importer (lakestream.importing).

The importer reads only what the SQL says; a field the SQL does not show (a Kafka source's event time, a
sink's default mode) would come back unset. So for each node that is still there, a field the import left
unset keeps its value when keeping it leaves the generated SQL exactly as the import's document generates it:
the edit changes what the user changed in the text, and nothing the text cannot say.
"""

from __future__ import annotations

from lakestream import editing
from lakestream.code_edit.result import CodeEdit
from lakestream.codegen import CodegenError, generate
from lakestream.pipeline import Pipeline


def plan_sql_edit(document: Pipeline, target: str, path: str, original, text: str, profile: str) -> CodeEdit:
    """Import the edited SQL over `document` (ids, positions and labels of the nodes that remain are kept)."""
    from lakestream.importing import import_sdp_sql

    if target != "sdp-sql":
        return CodeEdit(document, error=f"Only the SDP SQL tab's code maps back onto the canvas ({target} writes "
                        "part of the pipeline in another language): edit it in the SDP SQL tab")
    result = import_sdp_sql(text, base=document, name=document.name)
    if result.errors:
        first = min(result.errors, key=lambda e: (e.line, e.column))
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        message = f"the statement {first.message}" if first.message.startswith("is ") else first.message
        return CodeEdit(document, error=f"Line {first.line}: {message}{more}", line=first.line)
    if result.document is None or not result.document.nodes:
        return CodeEdit(document, error="The edited SQL defines no dataset: nothing would be left on the canvas")
    after = keep_unshown_fields(document, result.document, target, profile)
    notes = tuple(f"Line {s.line}: {s.name or 'a statement'} becomes a SQL transform node ({s.reason})"
                  for s in result.sql_transforms) + tuple(result.warnings)
    return CodeEdit(document, after, notes=notes)


def _code(document: Pipeline, target: str, profile: str) -> dict[str, str] | None:
    try:
        return generate(document, target, profile, check=False).texts
    except (CodegenError, Exception):  # an unfinished document generates nothing: compare as "no code"
        return None


def keep_unshown_fields(before: Pipeline, imported: Pipeline, target: str, profile: str) -> Pipeline:
    """`imported` with each node's fields that the import left unset restored from `before`, one field at a time,
    where restoring it does not change the generated code."""
    reference = _code(imported, target, profile)
    current = imported
    old_nodes = {n.id: n for n in before.nodes}
    for node in imported.nodes:
        old = old_nodes.get(node.id)
        if old is None or old.type != node.type:
            continue
        for key, value in old.config.items():
            if key in current.node_by_id[node.id].config:
                continue
            config = {**current.node_by_id[node.id].config, key: value}
            trial = editing.set_config(current, node.id, config)
            if _code(trial, target, profile) == reference:
                current = trial
    return current
