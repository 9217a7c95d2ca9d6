"""What the MQTT and REST source contexts share: the data source class, its options, its import."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.escape import Code


def source_context(view, module: str, class_name: str, format_name: str,
                   options: list[tuple[str, str]], secrets: list[tuple[str, Code]]) -> dict:
    """Context of the shared source templates; in SSS and Databricks SDP the class is imported at the
    top, in local SDP after the runtime folder is put on sys.path (spark-pipelines does not)."""
    late_import = view.local and view.target == "sdp-python"
    if late_import:
        _runtime.ship(view, module)
        view.need("import os", "import sys")
    else:
        _runtime.runtime_import(view, module, class_name)
    return {
        "format_name": format_name,
        "options": options,
        "secrets": secrets,
        "source_class": Code(class_name),
        "runtime_module": Code(f"{_runtime.PACKAGE}.{module}"),
        "late_import": late_import,
    }
