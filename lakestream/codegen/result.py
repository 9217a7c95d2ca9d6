"""What generation returns: files with their node line ranges, the target used and why, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Span:
    """Lines `start`..`end` (1-based, inclusive) of a file are the code of node `node_id`."""

    start: int
    end: int
    node_id: str


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    text: str
    language: str  # python | sql | yaml
    spans: tuple[Span, ...] = ()

    def node_at(self, line: int) -> str | None:
        """The node whose code holds this 1-based line (None for shared code)."""
        return next((s.node_id for s in self.spans if s.start <= line <= s.end), None)


@dataclass(frozen=True)
class Reason:
    """Why the router picked a target; `node_id` None for a whole-pipeline reason."""

    message: str
    node_id: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Warning:
    """An option the chosen target or profile cannot express, reported instead of silently dropped."""

    message: str
    node_id: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class GeneratedCode:
    target: str
    profile: str
    files: dict[str, GeneratedFile]
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[Warning, ...] = ()
    boundary_tables: tuple[str, ...] = field(default=())  # hybrid: tables the SSS job reads from SDP

    @property
    def texts(self) -> dict[str, str]:
        return {path: f.text for path, f in self.files.items()}

    def explanation(self) -> str:
        """One readable paragraph: the target and why (shown by the CLI and the UI)."""
        return f"{self.target}: " + "; ".join(r.message for r in self.reasons)

    def write(self, folder: str | Path) -> list[Path]:
        """Write every file under `folder` (creating sub-folders); return the paths written."""
        written = []
        for rel, generated in self.files.items():
            path = Path(folder) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generated.text, encoding="utf-8")
            written.append(path)
        return written
