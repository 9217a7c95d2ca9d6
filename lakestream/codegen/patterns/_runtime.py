"""Ships the pattern runtime (lakestream/cep/runtime) beside generated code as the package lakestream_cep."""

from __future__ import annotations

from pathlib import Path

import lakestream.cep.runtime
import lakestream.sparksql.runtime
from lakestream.codegen.shipping import RuntimePackage

RUNTIME = RuntimePackage("lakestream_cep", Path(lakestream.cep.runtime.__file__).parent,
                         Path(lakestream.sparksql.runtime.__file__).parent)
PACKAGE = RUNTIME.package


def ship(view, module: str = "spark_processor") -> None:
    """Write `module` and what it imports beside the generated code, as lakestream_cep/<module>.py."""
    RUNTIME.ship(view, module)
