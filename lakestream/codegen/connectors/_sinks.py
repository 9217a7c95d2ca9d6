"""What the sink contexts share: a runtime writer object handed to foreachBatch."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.sparksql.escape import Code
from lakestream.codegen.nodes._common import checkpoint


def sink_context(view, module: str, class_name: str, arguments: list[tuple[str, object]]) -> dict:
    """Context of the shared sink template: `<name>_writer = Class(**arguments)` then a foreachBatch query."""
    _runtime.runtime_import(view, module, class_name)
    return {
        "writer": Code(f"{view.name}_writer"),
        "writer_class": Code(class_name),
        "arguments": _runtime.arguments(*arguments),
        "checkpoint": checkpoint(view),
    }
