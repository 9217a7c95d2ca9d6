"""The generated code a deploy uploads: which files are declarative (SDP), which file starts the SSS job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakestream.codegen import generate
from lakestream.errors import UserError

SDP_FOLDER = "transformations/"
# Files the generator writes only for local runs (`spark-pipelines run`); a workspace does not use them.
LOCAL_ONLY = ("spark-pipeline.yml",)


@dataclass(frozen=True)
class DeployCode:
    target: str
    reasons: str
    files: dict[str, str]  # relative path -> text
    entry: str | None  # the SSS job's Python file (None when the target has no SSS part)
    notes: tuple[str, ...] = ()

    @property
    def has_sdp(self) -> bool:
        return any(p.startswith(SDP_FOLDER) for p in self.files)


def _texts(code: Any) -> dict[str, str]:
    files = getattr(code, "files", None)
    if not isinstance(files, dict):
        raise UserError("The code generator returned no files")
    return {path: (f if isinstance(f, str) else f.text) for path, f in files.items()}


def _entry(files: dict[str, str]) -> str | None:
    """The Python module a job runs: a top-level (non-SDP) file with a `__main__` guard."""
    candidates = sorted(
        p for p, text in files.items()
        if p.endswith(".py") and not p.startswith(SDP_FOLDER) and 'if __name__ == "__main__":' in text
    )
    return candidates[0] if candidates else None


def _generate(pipeline: Any, target: str) -> Any:
    try:
        return generate(pipeline, target, profile="databricks")
    except UserError:
        raise
    except ValueError as error:  # the generator refuses invalid pipelines with the issues in the message
        raise UserError(f"Cannot generate code for '{pipeline.name}': {error}") from None


def code_for(pipeline: Any, target: str, code: Any = None) -> DeployCode:
    """What to deploy for `pipeline` with `target`; `code` is an already generated GeneratedCode, if any."""
    code = code if code is not None else _generate(pipeline, target)
    files = {p: t for p, t in _texts(code).items() if p not in LOCAL_ONLY}
    chosen = str(getattr(code, "target", target))
    explanation = code.explanation() if hasattr(code, "explanation") else chosen
    entry = _entry(files)
    has_sss = chosen in ("sss", "hybrid")
    if has_sss and entry is None:
        raise UserError(f"The generated {chosen} code has no job entry point (a Python file with a __main__ guard)")
    notes = tuple(getattr(w, "message", str(w)) for w in getattr(code, "warnings", ()))
    return DeployCode(chosen, explanation, files, entry if has_sss else None, notes)
