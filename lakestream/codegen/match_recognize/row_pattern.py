"""Context of match_recognize: the compiled spec (DEFINE/MEASURES already Python), shipped with its runtime.

The generated code watermarks the input on the event-time column, groups by PARTITION BY and runs
MatchRecognizeProcessor from the package lakestream_match_recognize written beside it (standard library
plus pyspark/pandas: no sqlglot or pydantic on the cluster).
"""

from __future__ import annotations

from pathlib import Path

import lakestream.cep.match_recognize as package
import lakestream.rowpattern
import lakestream.sparksql.runtime
from lakestream.rowpattern.program import compile_spec
from lakestream.sparksql.escape import Code, ident, py

PACKAGE = "lakestream_match_recognize"
RUNTIME = ("__init__", "pattern", "runtime", "matcher", "engine", "processor")
SHARED = ("sqlfuncs", "sqltext", "javaregex", "typenames")  # the scalar SQL helpers (lakestream.sparksql.runtime), shipped into the package
CONSTANT_KEY = "_ls_key"  # one global partition still needs a grouping key


def ship(view) -> None:
    """Write the runtime modules (relative imports only) beside the generated code."""
    # the runtime's own folder first, then the PATTERN parser's (lakestream.rowpattern) and the SQL helpers'
    folders = [Path(m.__file__).parent for m in (package, lakestream.rowpattern, lakestream.sparksql.runtime)]
    for name in RUNTIME + SHARED:
        path = next(f / f"{name}.py" for f in folders if (f / f"{name}.py").is_file())
        view.add_file(f"{PACKAGE}/{name}.py", path.read_text(encoding="utf-8"))


def context(view) -> dict:
    config = view.config
    schema = view.input.schema
    spec = compile_spec(config, [c.name for c in schema], {c.name: c.type for c in schema})
    ship(view)
    view.need(f"import {PACKAGE}", f"from {PACKAGE}.processor import MatchRecognizeProcessor",
              "from pyspark import cloudpickle", "from pyspark.sql import functions as F")
    keys = list(config.partition_by)
    return {
        "package": Code(PACKAGE),
        "columns": [py(str(ident(c.name))) for c in schema],
        "time_column": py(config.order_by[0].column),
        "delay": py(config.watermark_delay),
        "constant_key": py(CONSTANT_KEY) if not keys else None,
        "group_by": [py(k) for k in keys] or [py(CONSTANT_KEY)],
        "spec": py(spec),
        "output_types": py([c.type for c in view.schema_out]),
        "output_ddl": py(view.schema_ddl(view.schema_out)),
    }


CONTEXTS = {"match_recognize": context}
