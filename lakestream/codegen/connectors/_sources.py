"""What the MQTT and REST source contexts share: the data source class, its options, its import."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.sparksql.escape import Code
from lakestream.codegen.nodes._common import local_source


def source_context(view, module: str, class_name: str, format_name: str,
                   options: list[tuple[str, str]], secrets: list[tuple[str, Code]]) -> dict:
    """Context of the shared source templates; in SSS and Databricks SDP the class is imported at the
    top, in local SDP after the runtime folder is put on sys.path (spark-pipelines does not).

    Locally the code reads sample events (JSON lines) from the node's input folder when it exists,
    as every local source does, so `lakestream run` and the gallery's samples work without the
    service; without that folder it talks to the real service.
    """
    late = _runtime.late_imports(view)
    imports = [(Code(f"{_runtime.PACKAGE}.{module}"), Code(class_name))]
    if late:
        _runtime.ship(view, module)
        if secrets:
            imports.append((Code(f"{_runtime.PACKAGE}.secrets"), Code("local_secret")))
        imports += _runtime.tolerate_metrics(view)
    else:
        _runtime.runtime_import(view, module, class_name)
    samples = {}
    if view.local:
        view.need("import os")
        samples = local_source(view)
    return {
        **samples,
        "format_name": format_name,
        "options": options,
        "secrets": secrets,
        "source_class": Code(class_name),
        "late_imports": imports if late else [],
    }
