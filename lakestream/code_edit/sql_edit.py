"""Map an edit of generated SDP SQL back onto the document through the SQL importer (lakestream.importing)."""

from __future__ import annotations

from lakestream.code_edit.result import CodeEdit
from lakestream.pipeline import Pipeline


def plan_sql_edit(document: Pipeline, target: str, path: str, original, text: str, profile: str) -> CodeEdit:
    """Import the edited SQL over `document` (ids, positions and labels of the nodes that remain are kept)."""
    from lakestream.importing import import_sdp_sql

    result = import_sdp_sql(text, base=document, name=document.name)
    if result.errors:
        first = min(result.errors, key=lambda e: (e.line, e.column))
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        return CodeEdit(document, error=f"Line {first.line}: {first.message}{more}", line=first.line)
    if result.document is None:
        return CodeEdit(document, error="The edited SQL defines no pipeline")
    notes = tuple(f"line {s.line}: {s.name or 'statement'} became a SQL transform node ({s.reason})"
                  for s in result.sql_transforms) + tuple(result.warnings)
    return CodeEdit(document, result.document, notes=notes)
