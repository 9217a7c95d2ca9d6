"""NodeView: everything a node's context function may read about its node, and how it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lakestream.sparksql.escape import Code, expr, ident, spark_type
from lakestream.codegen.result import Warning
from lakestream.nodes.base import Schema


@dataclass(frozen=True)
class Upstream:
    """One incoming edge: the upstream's code name, how this target refers to it, and its columns."""

    name: Code  # dataset / variable name of the upstream output
    ref: Code  # a DataFrame expression (Python targets) or a relation (SQL) reading it as a stream
    node_id: str
    schema: Schema


@dataclass(frozen=True)
class Paths:
    """Run-time roots written into generated code; local roots are overridable by `start()` arguments."""

    checkpoint_root: str
    input_root: str = "events"
    output_root: str = "output"
    storage_root: str = "file:///tmp/lakestream/storage"


@dataclass
class NodeView:
    """The node being generated, as its context function sees it (read-only apart from the report methods)."""

    id: str
    type: str
    label: str
    config: Any  # the node's parsed, frozen config model
    name: Code
    target: str  # sdp-sql | sdp-python | sss
    profile: str  # databricks | local
    inputs: dict[str, tuple[Upstream, ...]]
    schema_out: Schema
    settings: Any
    paths: Paths
    changes: Any = None  # change_feeds.Apply when a table sink applies changes (CDC or merge), else None
    warnings: list[Warning] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return self.profile == "local"

    @property
    def input(self) -> Upstream:
        """The single upstream of port "in"."""
        return self.inputs["in"][0]

    def output_name(self, port: str = "out") -> Code:
        """The dataset name of an output port: the node's name, suffixed for extra ports."""
        return self.name if port == "out" else Code(f"{self.name}_{port}")

    def warn(self, message: str, field: str | None = None) -> None:
        """Report an option this target or profile cannot express (shown to the user, never dropped silently)."""
        self.warnings.append(Warning(message, self.id, field))

    def need(self, *lines: str) -> None:
        """Python import lines the node's code needs (gathered, sorted, at the top of the file)."""
        self.imports.update(lines)

    def add_file(self, path: str, text: str) -> None:
        """A file written beside the generated code (a runtime module the node's code imports)."""
        self.files[path] = text

    @staticmethod
    def schema_ddl(schema: Schema) -> str:
        """A Spark DDL schema string of columns (names quoted, types re-rendered); templates escape it like any value."""
        return ", ".join(f"{ident(c.name)} {spark_type(c.type)}" for c in schema)

    @staticmethod
    def expr(text: str) -> Code:
        return expr(text)
