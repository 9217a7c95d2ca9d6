"""The generated code of each node type's example pipeline, for its help (no nicegui)."""

from __future__ import annotations

from functools import lru_cache

from lakestream.node_examples import node_example
from lakestream.node_examples.pipeline import NODE_ID
from lakestream.nodes import get_node_type
from lakestream.ui import code_model
from lakestream.ui.code_model import CodeView


@lru_cache(maxsize=64)
def sample(type_id: str) -> tuple[str, CodeView] | None:
    """(node id in the sample, generated code) for the node's example, or None when the node has no
    example or its sample does not generate (the help then shows the example config only)."""
    example = node_example(type_id) if get_node_type(type_id).example else None
    if example is None:
        return None
    view = code_model.build(example.pipeline, "auto")
    return (NODE_ID, view) if view.error is None and view.files else None


def node_lines(node_id: str, view: CodeView) -> tuple[str, str, str] | None:
    """(file path, language, the node's own lines) from a sample's generated code."""
    for f in view.files:
        lines = f.lines_of(node_id)
        if lines:
            text = f.text.splitlines()
            return f.path, f.language, "\n".join(text[n - 1] for n in lines if n <= len(text))
    return None
