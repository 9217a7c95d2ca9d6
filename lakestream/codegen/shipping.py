"""Runtime packages written beside generated code: a module and every module it imports, copied verbatim."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=512)
def _relative_imports(path: Path, modified_ns: int) -> tuple[str, ...]:
    """The modules a runtime file imports relatively (cached: every generation of a pattern node ships them)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tuple(n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module)


@dataclass(frozen=True)
class RuntimePackage:
    """A folder of standard-library modules shipped beside generated code under the name `package` (with the
    modules of `shared`, another folder, that they import)."""

    package: str
    source: Path
    shared: Path | None = None

    def path(self, name: str) -> Path:
        """The file of module `name`: in `source`, else in `shared`."""
        own = self.source / f"{name}.py"
        return own if own.is_file() or self.shared is None else self.shared / f"{name}.py"

    def closure(self, module: str) -> set[str]:
        """`module` and every runtime module it imports (relative imports), directly or not."""
        found: set[str] = set()
        pending = [module]
        while pending:
            name = pending.pop()
            if name in found:
                continue
            found.add(name)
            path = self.path(name)
            pending += _relative_imports(path, path.stat().st_mtime_ns)
        return found

    def ship(self, view, module: str) -> None:
        """Write `module` and what it imports beside the generated code, as <package>/<module>.py."""
        for name in sorted(self.closure(module) | {"__init__"}):
            view.add_file(f"{self.package}/{name}.py", self.path(name).read_text(encoding="utf-8"))
