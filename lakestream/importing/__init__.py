"""SDP SQL -> pipeline document: import hand-written or LakeStream-generated Lakeflow SQL onto a canvas.

The public API (the code dock's edit mode and `lakestream import-code` both call it):

- `import_sdp_sql(text, *, base=None, name=None) -> ImportResult` parses every statement with sqlglot
  (Spark dialect) and maps it onto catalogue nodes; what maps to none becomes a `sql_transform` node.
  With `base` (the document the text was generated from) node ids, positions, labels and settings of
  the nodes that still exist are kept, so `diff_documents(base, result.document)` is the canvas change.
- `diff_documents(old, new) -> PipelineDiff` (lakestream.store.diff): what an import would change.
- `ImportResult.ok` is False when `errors` is not empty; then `document` is `base` (or None): nothing
  changes on a syntax error.
"""

from __future__ import annotations

from lakestream.importing.result import ImportError_, ImportResult, StatementMapping, diff_documents
from lakestream.importing.sdp_sql import import_sdp_sql, import_sdp_sql_files

__all__ = ["ImportError_", "ImportResult", "StatementMapping", "diff_documents", "import_sdp_sql",
           "import_sdp_sql_files"]
