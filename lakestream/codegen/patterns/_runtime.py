"""Ships the pattern runtime (lakestream/cep/runtime) beside generated code as the package lakestream_cep."""

from __future__ import annotations

import ast
from pathlib import Path

import lakestream.cep.runtime

PACKAGE = "lakestream_cep"
_SOURCE = Path(lakestream.cep.runtime.__file__).parent


def _closure(module: str) -> set[str]:
    """`module` and every runtime module it imports (relative imports), directly or not."""
    found: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        tree = ast.parse((_SOURCE / f"{name}.py").read_text(encoding="utf-8"))
        pending += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module]
    return found


def ship(view, module: str = "spark_processor") -> None:
    """Write `module` and what it imports beside the generated code, as lakestream_cep/<module>.py."""
    for name in sorted(_closure(module) | {"__init__"}):
        view.add_file(f"{PACKAGE}/{name}.py", (_SOURCE / f"{name}.py").read_text(encoding="utf-8"))
