"""The code dock's data: generated files per target tab, or the reason there are none (no nicegui)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lakestream.pipeline import Pipeline

# Tabs of the dock: (target id, title). "auto" shows what the router picks, and why.
TABS = (("auto", "Auto"), ("sdp-sql", "SDP SQL"), ("sdp-python", "SDP Python"), ("sss", "SSS"), ("hybrid", "Hybrid"))


@dataclass(frozen=True)
class CodeFile:
    path: str
    language: str
    text: str
    spans: tuple[tuple[int, int, str], ...] = ()  # (first line, last line, node id)

    def node_at(self, line: int) -> str | None:
        return next((node for start, end, node in self.spans if start <= line <= end), None)

    def lines_of(self, node_id: str) -> list[int]:
        return [line for start, end, node in self.spans if node == node_id for line in range(start, end + 1)]


@dataclass(frozen=True)
class CodeView:
    """What one tab shows: files, the target used and why, or `error` (a message for the user)."""

    requested: str
    target: str = ""
    reason: str = ""
    files: tuple[CodeFile, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    problems: tuple[str, ...] = field(default=())


def build(pipeline: Pipeline, target: str) -> CodeView:
    """Generate `pipeline` for one tab. Never raises: any failure becomes `error` with the reason."""
    try:
        from lakestream.codegen import CodegenError, generate
    except Exception as error:  # the generator is a separate area and may be mid-change
        return CodeView(target, error=f"code generation unavailable: {error}")
    if not pipeline.nodes:
        return CodeView(target, error="Add nodes to see their code.")
    try:
        # auto picks hybrid only when the pipeline's own target allows it (DESIGN: "the user allows it")
        code = generate(pipeline, target, allow_hybrid=target == "hybrid" or pipeline.code_target == "hybrid")
    except CodegenError as error:
        return CodeView(target, error=str(error))
    except Exception as error:  # an unexpected generator failure must not take the page down
        return CodeView(target, error=f"code generation unavailable: {type(error).__name__}: {error}")
    files = tuple(
        CodeFile(f.path, f.language, f.text, tuple((s.start, s.end, s.node_id) for s in f.spans))
        for f in code.files.values()
    )
    return CodeView(target, code.target, code.explanation(), files, tuple(w.message for w in code.warnings))


def zip_bytes(view: CodeView) -> bytes:
    """The tab's files as a zip (deterministic: fixed timestamps, sorted paths)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in sorted(view.files, key=lambda f: f.path):
            info = zipfile.ZipInfo(f.path, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, f.text)
    return buffer.getvalue()
