"""SQL transform context: the query re-rendered from its parse tree, each input renamed to its upstream."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, _literal, table
from lakestream.sparksql.query import parse_query, render


def context(view) -> dict:
    upstreams = view.inputs.get("in", ())
    names = {name: str(up.name) for name, up in zip(view.config.inputs, upstreams, strict=False)}
    parsed = parse_query(view.config.query)
    sss = view.target == "sss"
    query = render(parsed, names, stream=False if sss else None, transform=_literal)
    mv = view.config.materialized_view
    return {
        "query": Code(query),
        "views": [(Code(str(up.name)), up.ref) for up in upstreams] if sss else [],
        "materialized": table(mv) if mv else None,
    }


CONTEXTS = {"sql_transform": context}
