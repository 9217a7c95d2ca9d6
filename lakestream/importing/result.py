"""What an import returns: the document, how each statement mapped, and errors with line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from lakestream.pipeline import Pipeline
from lakestream.store.diff import PipelineDiff, diff


@dataclass(frozen=True)
class ImportError_:
    """A statement that cannot be imported; `line` and `column` are 1-based positions in the imported text."""

    message: str
    line: int
    column: int = 1
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:" if self.file else "line "
        return f"{where}{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class StatementMapping:
    """One statement of the text and what it became.

    `kind`: "node" (a catalogue node: `node_type` is not sql_transform), "sql_transform" (kept as a query),
    "merged" (folded into another statement's node, e.g. an AUTO CDC flow into its table's sink),
    "ignored" (nothing to place on a canvas, e.g. SET). `reason` says why, in a sentence.
    """

    line: int  # 1-based first line of the statement
    end_line: int
    name: str  # the dataset the statement defines ('' for none)
    kind: str
    node_id: str | None
    node_type: str | None
    reason: str
    exact: bool = False  # a LakeStream-generated statement mapped back field for field (its SQL regenerates the same)


@dataclass(frozen=True)
class ImportResult:
    document: Pipeline | None
    statements: tuple[StatementMapping, ...] = ()
    errors: tuple[ImportError_, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def sql_transforms(self) -> tuple[StatementMapping, ...]:
        return tuple(s for s in self.statements if s.kind == "sql_transform")

    def report(self) -> str:
        """A plain-text report: one line per statement, then warnings and errors."""
        lines = []
        for s in self.statements:
            where = f"line {s.line}" if s.line == s.end_line else f"lines {s.line}-{s.end_line}"
            what = {"node": f"{s.node_type} node {s.node_id}", "sql_transform": f"SQL transform node {s.node_id}",
                    "merged": f"no node of its own (its output is node {s.node_id})" if s.node_id
                    else "no node of its own",
                    "ignored": "ignored"}[s.kind]
            exact = " (exact)" if s.exact else ""
            lines.append(f"{where}: {s.name or '(no dataset)'} -> {what}{exact}: {s.reason}")
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"error: {e}" for e in self.errors]
        n = len(self.sql_transforms)
        count = len(self.statements)
        lines.append(f"{count} statement{'s' if count != 1 else ''}, "
                     f"{n} became SQL transform node{'s' if n != 1 else ''}"
                     + (f", {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}" if self.errors else ""))
        return "\n".join(lines)


def diff_documents(old: Pipeline, new: Pipeline) -> PipelineDiff:
    """The canvas changes from `old` to `new` (nodes matched by id): lakestream.store.diff.diff."""
    return diff(old, new)
