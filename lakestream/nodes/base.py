"""The node type contract: what every node module declares (config, ports, targets, schema rule)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from lakestream.nodes.columns import Column
from lakestream.nodes.fields import Model


class Category(str, Enum):
    SOURCE = "source"
    PATTERN = "pattern"
    TRANSFORM = "transform"
    SINK = "sink"


class Target(str, Enum):
    """A code target a node can be generated into."""

    SDP_SQL = "sdp-sql"
    SDP_PYTHON = "sdp-python"
    SSS = "sss"


ALL_TARGETS = frozenset(Target)
PYTHON_TARGETS = frozenset({Target.SDP_PYTHON, Target.SSS})
SSS_ONLY = frozenset({Target.SSS})

CATEGORY_COLOURS = {
    Category.SOURCE: "#2563eb",
    Category.PATTERN: "#9333ea",
    Category.TRANSFORM: "#0d9488",
    Category.SINK: "#ea580c",
}


Schema = tuple[Column, ...]


def schema_of(*pairs: tuple[str, str]) -> Schema:
    """Build a schema from (name, type) pairs."""
    return tuple(Column(name, type_) for name, type_ in pairs)


def merge_schema(base: Schema, extra: Iterable[Column]) -> Schema:
    """Return `base` with `extra` columns appended (a column of the same name is replaced in place)."""
    extra = tuple(extra)
    replaced = {c.name: c for c in extra}
    kept = tuple(replaced.pop(c.name, c) for c in base)
    return kept + tuple(c for c in extra if c.name in replaced)


@dataclass(frozen=True)
class Port:
    """An input or output port. Inputs take between `min_edges` and `max_edges` edges."""

    name: str
    label: str = ""
    min_edges: int = 1
    max_edges: int = 1

    @property
    def title(self) -> str:
        return self.label or self.name


IN = Port("in", "Input")
OUT = Port("out", "Output")


class Inputs(Mapping[str, tuple[Schema, ...]]):
    """The schemas arriving at a node, per input port (several for a multi-edge port)."""

    def __init__(self, by_port: Mapping[str, tuple[Schema, ...]]):
        self._by_port = dict(by_port)

    def __getitem__(self, port: str) -> tuple[Schema, ...]:
        return self._by_port.get(port, ())

    def __iter__(self):
        return iter(self._by_port)

    def __len__(self) -> int:
        return len(self._by_port)

    def one(self, port: str = "in") -> Schema:
        """The schema on a single-edge port (empty when nothing is connected)."""
        schemas = self[port]
        return schemas[0] if schemas else ()


@dataclass(frozen=True)
class Finding:
    """A node-specific check result (a validation issue without the node id, which the validator adds)."""

    severity: str  # error | warning | info
    code: str
    message: str
    field: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Bound:
    """A pattern config as its runtime algorithm reads it (the catalogue's names, values in microseconds).

    `fields`: per input port, the Spark SQL texts of the event fields; the generated Spark code computes
    them with `F.expr` before the groupBy, the local engine evaluates the very same texts.
    `passthrough`: the outputs are the input rows themselves (row-wise, as deduplication)."""

    params: Any  # a frozen dataclass of lakestream/cep/runtime/params.py
    key_columns: tuple[str, ...]
    fields: Mapping[str, tuple[str, ...]]
    passthrough: bool = False


@dataclass(frozen=True)
class NativeForm:
    """A pattern config that Spark's own window operator expresses (a grouped count, declarative: SDP too).

    `window`: Spark's `window` or `session_window` of `length_us`; `count_matching`: count the events whose
    first field is true (else every event); `threshold`: keep windows counting at least this many;
    `ends`: (Spark SQL over the aggregation, output column) after the key columns and match_id;
    `replay`: the runtime class the engine simulates the operator with (None: the node's own algorithm)."""

    window: str
    length_us: int
    count_matching: bool
    threshold: int | None
    ends: tuple[tuple[str, str], ...]
    replay: str | None = None

    def __post_init__(self) -> None:
        if self.window not in ("window", "session_window"):
            raise TypeError(f"a native form groups by window or session_window, not {self.window!r}")


def no_native(config: Any) -> NativeForm | None:
    return None


def keeps_no_watermark(config: Any) -> str | None:
    return None


REPLAYS = ("driver", "join", "dedup", "row_pattern", "spark")
CODEGENS = ("runtime", "own")


@dataclass(frozen=True)
class PatternFacets:
    """What a pattern node type owns beyond its config: how it runs, replays, is generated and documented.

    `bind`: config -> Bound (None when the engine does not run the node through the per-key runtime);
    `replay`: who replays it locally (driver: the per-key runtime algorithm whose TYPE is the node's type;
    join / dedup: the simulation of that Spark operator; row_pattern: the MATCH_RECOGNIZE engine; spark:
    nothing, it runs only on Spark); `codegen`: runtime (the shared transformWithState form) or own (a
    module of lakestream/codegen/patterns); `native`: the config's Spark-operator form or None;
    `watermark`: how the watermark acts on it (reference docs); `keeps_watermark`: the Spark operator whose
    output keeps the input's watermark, or None; `example_rows`: (port, "name:type ...", rows) of the help
    example; `state_probes`: configs (beside key, time and a 10-second watermark) whose state per key stays
    at most the given number of items while one event a second arrives."""

    bind: Callable[[Any], Bound] | None
    replay: str
    codegen: str
    watermark: str
    example_rows: tuple[tuple[str, str, tuple[tuple, ...]], ...]
    state_probes: tuple[tuple[Mapping[str, Any], int], ...] | None
    native: Callable[[Any], NativeForm | None] = no_native
    keeps_watermark: Callable[[Any], str | None] = keeps_no_watermark


class IncompleteNode(TypeError):
    """A node type lacks a facet its category needs."""


def check_pattern_facets(node: NodeType) -> None:
    """Refuse a pattern node that lacks a facet (raised at import by the registry, naming what is missing)."""
    facets = node.pattern
    missing = []
    if not isinstance(facets, PatternFacets):
        missing.append("pattern (PatternFacets)")
    else:
        if facets.replay not in REPLAYS:
            missing.append(f"replay (one of {', '.join(REPLAYS)})")
        if facets.codegen not in CODEGENS:
            missing.append(f"codegen (one of {', '.join(CODEGENS)})")
        if facets.replay in ("driver", "join", "dedup") and facets.bind is None:
            missing.append("bind")
        if facets.bind is not None and not facets.state_probes:
            missing.append("state_probes")
        if facets.replay != "spark" and not facets.example_rows:
            missing.append("example_rows")
        if not facets.watermark.strip():
            missing.append("watermark")
    if not node.docs.strip():
        missing.append("docs")
    if not node.example:
        missing.append("example")
    if (node.targets != ALL_TARGETS or node.supports is not None) and not node.stateful_reason:
        missing.append("stateful_reason (the router's reason when it needs SSS)")
    if missing:
        raise IncompleteNode(f"pattern node {node.type!r} lacks: {', '.join(dict.fromkeys(missing))}")


def _static_ports(ports: tuple[Port, ...]) -> Callable[[Any], tuple[Port, ...]]:
    return lambda config: ports


@dataclass(frozen=True)
class NodeType:
    """Everything LakeStream knows about one node type; declared once in the node's module.

    `output_schema(config, inputs)` returns the node's output columns; `checks(config, inputs)` yields
    node-specific findings (risks, type mismatches); `supports(config)` narrows `targets` when a
    config option cannot be expressed in some target.
    """

    type: str
    name: str
    category: Category
    description: str
    icon: str
    config: type[Model]
    output_schema: Callable[[Any, Inputs], Schema]
    targets: frozenset[Target] = ALL_TARGETS
    inputs: tuple[Port, ...] = (IN,)
    outputs: tuple[Port, ...] = (OUT,)
    dynamic_outputs: Callable[[Any], tuple[Port, ...]] | None = None
    stateful_reason: str | None = None  # why the router needs SSS, shown to users
    checks: Callable[[Any, Inputs], Iterable[Finding]] | None = None
    supports: Callable[[Any], frozenset[Target]] | None = None
    docs: str = ""
    example: Mapping[str, Any] = field(default_factory=dict)
    pattern: PatternFacets | None = None  # pattern nodes only: see check_pattern_facets

    def __post_init__(self) -> None:
        if not self.type or not self.type.islower():
            raise TypeError(f"node type id {self.type!r} must be snake_case")
        if not issubclass(self.config, Model):
            raise TypeError(f"{self.type}: config must be a lakestream Model subclass")
        for name, info in self.config.model_fields.items():
            if not info.description:
                raise TypeError(f"{self.type}: config field {name!r} has no description")
        if self.category is Category.SOURCE and self.inputs:
            raise TypeError(f"{self.type}: a source has no inputs")
        if self.category is Category.SINK and (self.outputs or self.dynamic_outputs):
            raise TypeError(f"{self.type}: a sink has no outputs")
        if not self.targets:
            raise TypeError(f"{self.type}: declares no targets")

    @property
    def colour(self) -> str:
        return CATEGORY_COLOURS[self.category]

    def output_ports(self, config: Any | None = None) -> tuple[Port, ...]:
        """Output ports; for split-like nodes they follow the config (None: the static ones)."""
        if self.dynamic_outputs is not None and config is not None:
            return self.dynamic_outputs(config)
        return self.outputs

    def targets_for(self, config: Any | None) -> frozenset[Target]:
        """The targets this node can be generated into with this config."""
        if self.supports is not None and config is not None:
            return self.targets & self.supports(config)
        return self.targets

    def input_port(self, name: str) -> Port | None:
        return next((p for p in self.inputs if p.name == name), None)
