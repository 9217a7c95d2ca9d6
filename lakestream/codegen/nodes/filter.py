"""Filter context: the condition, re-rendered from its parse tree."""

from __future__ import annotations


def context(view) -> dict:
    return {"condition": view.expr(view.config.condition)}


CONTEXTS = {"filter": context}
