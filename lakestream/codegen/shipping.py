"""Runtime packages written beside generated code: a module and every module it imports, copied verbatim."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RuntimePackage:
    """A folder of standard-library modules shipped beside generated code under the name `package`."""

    package: str
    source: Path

    def closure(self, module: str) -> set[str]:
        """`module` and every runtime module it imports (relative imports), directly or not."""
        found: set[str] = set()
        pending = [module]
        while pending:
            name = pending.pop()
            if name in found:
                continue
            found.add(name)
            tree = ast.parse((self.source / f"{name}.py").read_text(encoding="utf-8"))
            pending += [n.module for n in ast.walk(tree)
                        if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module]
        return found

    def ship(self, view, module: str) -> None:
        """Write `module` and what it imports beside the generated code, as <package>/<module>.py."""
        for name in sorted(self.closure(module) | {"__init__"}):
            view.add_file(f"{self.package}/{name}.py", (self.source / f"{name}.py").read_text(encoding="utf-8"))
