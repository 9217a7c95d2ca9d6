"""Paste a MATCH_RECOGNIZE query onto a canvas: a source placeholder and a filled match_recognize node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lakestream import editing
from lakestream.rowpattern.query import PastedQuery, QueryError, parse_match_recognize
from lakestream.pipeline import Pipeline
from lakestream.validate import ERROR, validate

MATCH_RECOGNIZE = re.compile(r"(?i)\bMATCH_RECOGNIZE\s*\(")


@dataclass(frozen=True)
class PasteResult:
    """The document with the two new nodes (None when the text is not a MATCH_RECOGNIZE query), their ids,
    and what the user still has to do or what could not be mapped, as sentences."""

    document: Pipeline | None
    node_ids: tuple[str, ...] = ()
    messages: tuple[str, ...] = field(default=())
    error: str | None = None
    query: PastedQuery | None = None


def looks_like_match_recognize(text: str) -> bool:
    return bool(text) and bool(MATCH_RECOGNIZE.search(text))


def paste_match_recognize(document: Pipeline, text: str) -> PasteResult:
    """Add a Delta table source placeholder (the query's table, with the columns it references) and a
    match_recognize node with every clause of the query, connected, right of the existing nodes."""
    try:
        query = parse_match_recognize(text)
    except QueryError as error:
        return PasteResult(None, error=str(error))
    # a new row under the existing nodes, from the left edge of the graph
    x = min((n.position.x for n in document.nodes), default=0.0)
    y = max((n.position.y for n in document.nodes), default=-editing.ROW_GAP_Y) + editing.ROW_GAP_Y
    doc, source_id = editing.add_node(document, "delta_table_source", x, y, label=_label(query.source))
    table = query.source if re.fullmatch(r"[\w]+(\.[\w]+){0,2}", query.source or "") else "main.default.events"
    doc = editing.set_config(doc, source_id, {
        "table": table, "schema": [{"name": n, "type": t} for n, t in query.columns.items()]})
    doc, pattern_id = editing.add_node(doc, "match_recognize", x + editing.LAYER_GAP_X, y,
                                       label="Row pattern (pasted)")
    doc = editing.set_config(doc, pattern_id, query.config)
    doc, _ = editing.connect(doc, source_id, "out", pattern_id, "in")
    messages = list(query.unmapped)
    if table != query.source:
        messages.append(f"The query reads {query.source or 'a subquery'!r}: the source placeholder reads the table "
                        f"{table}; set the table (or replace the source) in its form")
    else:
        messages.append(f"The source is a placeholder for {table}: check its columns and types, or replace it by "
                        "your real source")
    for issue in validate(doc):
        if issue.severity == ERROR and issue.node_id in (source_id, pattern_id):
            title = doc.node_by_id[issue.node_id].title
            messages.append(f"{title}: {issue.message}")
    return PasteResult(doc, (source_id, pattern_id), tuple(messages), query=query)


def _label(source: str) -> str:
    name = source.rsplit(".", 1)[-1] if source else "events"
    return f"{name} (placeholder)"
