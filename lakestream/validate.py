"""Pipeline validation: every problem at once, each tied to a node and field, with what to do instead."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from lakestream.sparksql.evaluator import check_expression
from lakestream.change_feeds import change_plan
from lakestream.gc_pause import gc_paused
from lakestream.graph import PipelineGraph
from lakestream.labels import field_info, item_label, location
from lakestream.nodes.base import Category, Finding, Inputs, NodeType, Port, Schema, Target
from lakestream.pipeline import Node, Pipeline
from lakestream.references import column_references, expressions
from lakestream.schemas import node_inputs, propagate_with_inputs

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Issue:
    """One validation finding. `field` is a dotted config path ("steps[1].condition")."""

    severity: str
    code: str
    message: str
    node_id: str | None = None
    field: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _config_issues(node: Node) -> list[Issue]:
    """Config errors named as the form shows the field ("Step 1: Name is required"); `field` keeps the path."""
    issues = []
    for error in node.config_errors:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
        field = _loc(loc) or None
        where = location(node.spec.config, loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing" and loc:
            info = field_info(node.spec.config, loc)
            described = info is not None and info.description and len(loc) == 1  # nested: the item says enough
            message = f"{where} is required" + (f": {info.description}" if described else "")
        elif error["type"] in ("too_short", "too_long"):
            message = f"{where}: {_length_message(error, loc)}"
        elif error["type"] == "extra_forbidden":
            message = f"{field} is not a setting of {node.spec.name}"
        elif field:
            message = f"{where}: {message}"
        issues.append(Issue(ERROR, "config.invalid", message, node.id, field))
    return issues


def _length_message(error: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """'give at least 2 steps (1 now)' instead of pydantic's 'Tuple should have at least 2 items after validation'."""
    ctx = error.get("ctx") or {}
    noun = item_label(str(loc[-1])) if loc and isinstance(loc[-1], str) else "item"
    noun = noun if noun[:2].isupper() else noun[0].lower() + noun[1:]
    actual = ctx.get("actual_length")
    now = f" ({actual} now)" if actual is not None else ""
    bound, limit = ("at least", ctx.get("min_length")) if error["type"] == "too_short" else \
        ("at most", ctx.get("max_length"))
    return f"give {bound} {limit} {noun}{'' if limit == 1 else 's'}{now}"


def _arity_message(spec: NodeType, port: Port, count: int, port_count: int) -> tuple[str, str]:
    where = f" on port {port.title!r}" if port_count > 1 else ""
    if count < port.min_edges:
        need = "an input" if port.min_edges == 1 else f"at least {port.min_edges} inputs"
        return f"{spec.name} needs {need}{where}", "Connect an upstream node to it"
    takes = "one input" if port.max_edges == 1 else f"at most {port.max_edges} inputs"
    hint = "Put a Union before it" if port.max_edges == 1 else "Merge some inputs with a Union first"
    return f"{spec.name} takes {takes}{where}: {count} are connected", hint


def _edge_issues(pipeline: Pipeline, graph: PipelineGraph) -> list[Issue]:
    issues = []
    nodes = pipeline.node_by_id
    seen: dict[tuple[str, str, str, str], int] = {}
    fitting: set[tuple[str, str, str, str]] = set()  # (source type, port, target type, port) known to fit
    for edge in pipeline.edges:
        source, target = nodes.get(edge.source), nodes.get(edge.target)
        if source is None or target is None:
            missing = edge.source if source is None else edge.target
            issues.append(Issue(ERROR, "edge.dangling", f"Edge {edge.id} refers to a missing node {missing!r}"))
            continue
        key = (edge.source, edge.source_port, edge.target, edge.target_port)
        seen[key] = seen.get(key, 0) + 1
        kinds = (source.type, edge.source_port, target.type, edge.target_port)
        if kinds not in fitting:
            ok, reason, blamed = _port_reason(source, edge.source_port, target, edge.target_port)
            if not ok:
                issues.append(Issue(ERROR, "edge.port", reason, blamed))
            elif source.spec.dynamic_outputs is None:  # static ports: the answer holds for every such edge
                fitting.add(kinds)
        if edge.source == edge.target:
            issues.append(Issue(ERROR, "edge.self", f"{source.title} is connected to itself", edge.source))
    for (src, _, _, _), count in seen.items():
        if count > 1:
            issues.append(Issue(WARNING, "edge.duplicate", f"{graph.labels[src]} is connected twice to the same port", src))
    for node in pipeline.nodes:
        ports = node.spec.inputs
        counts: dict[str, int] = {}
        for edge in graph.in_edges(node.id):
            counts[edge.target_port] = counts.get(edge.target_port, 0) + 1
        for port in ports:
            count = counts.get(port.name, 0)
            if not port.min_edges <= count <= port.max_edges:
                message, hint = _arity_message(node.spec, port, count, len(ports))
                code = "port.unconnected" if count < port.min_edges else "port.arity"
                issues.append(Issue(ERROR, code, message, node.id, hint=hint))
    return issues


def _named(node: Node) -> str:
    """'Payments (Kafka topic)', or just the type's name when the node has no label of its own."""
    return f"{node.title} ({node.spec.name})" if node.label and node.label != node.spec.name else node.title


def _port_reason(source: Node, source_port: str, target: Node, target_port: str) -> tuple[bool, str, str]:
    """(ok, reason, id of the node at fault) for an edge between two existing nodes."""
    source_spec, target_spec = source.spec, target.spec
    if source_spec.category is Category.SINK:
        return False, f"A sink has no output: {_named(source)} ends the pipeline", source.id
    if target_spec.category is Category.SOURCE:
        return False, f"A source takes no input: {_named(target)} starts the pipeline", target.id
    config = source.parsed_or_none()
    if source_spec.dynamic_outputs is None or config is not None:
        outputs = source_spec.output_ports(config)
        if all(p.name != source_port for p in outputs):
            valid = ", ".join(p.name for p in outputs) or "none"
            return False, f"{source.title} has no output port {source_port!r} (ports: {valid})", source.id
    if target_spec.input_port(target_port) is None:
        valid = ", ".join(p.name for p in target_spec.inputs)
        return False, f"{target.title} has no input port {target_port!r} (ports: {valid})", target.id
    return True, "", ""


def can_connect(
    pipeline: Pipeline, source: str, source_port: str, target: str, target_port: str
) -> tuple[bool, str]:
    """Whether an edge may be added; when not, a reason that says why and what would fit."""
    nodes = pipeline.node_by_id
    if source not in nodes or target not in nodes:
        return False, "Both ends of a connection must be nodes of this pipeline"
    if source == target:
        return False, "A node cannot be connected to itself"
    src, dst = nodes[source], nodes[target]
    ok, reason, _ = _port_reason(src, source_port, dst, target_port)
    if not ok:
        return ok, reason
    graph = PipelineGraph(pipeline)
    existing = graph.in_edges(target)
    if any(e.source == source and e.source_port == source_port and e.target_port == target_port for e in existing):
        return False, f"{src.title} is already connected to {dst.title}"
    port = dst.spec.input_port(target_port)
    assert port is not None
    taken = sum(1 for e in existing if e.target_port == target_port)
    if taken >= port.max_edges:
        message, hint = _arity_message(dst.spec, port, taken + 1, len(dst.spec.inputs))
        return False, f"{message.split(':')[0]}: {hint[0].lower()}{hint[1:]}"
    if source in graph.downstream(target):
        return False, f"Connecting {src.title} to {dst.title} would make a cycle"
    return True, ""


def _graph_issues(pipeline: Pipeline, graph: PipelineGraph) -> list[Issue]:
    issues = []
    cycle = graph.cycle_error()
    if cycle is not None:
        issues.append(Issue(ERROR, "graph.cycle", str(cycle), cycle.path[0], hint="Remove one edge of the cycle"))
    sources, sinks = graph.of_category(Category.SOURCE), graph.of_category(Category.SINK)
    if not sources:
        issues.append(Issue(ERROR, "graph.no_source", "The pipeline has no source", hint="Drag a source onto the canvas"))
    if not sinks:
        issues.append(Issue(ERROR, "graph.no_sink", "The pipeline has no sink", hint="Add a sink to write the results"))
    reaches_sink = graph.reaching(sinks)
    for node, (_, category) in zip(pipeline.nodes, graph.categories):
        if graph.degree(node.id) == 0 and len(pipeline.nodes) > 1:
            issues.append(Issue(WARNING, "node.orphan", f"{node.title} is not connected to anything", node.id,
                                hint="Connect it or delete it"))
        elif category is not Category.SINK and node.id not in reaches_sink and sinks:
            issues.append(Issue(WARNING, "node.dead_end", f"The output of {node.title} reaches no sink", node.id,
                                hint="Connect it to a sink, or its results are computed and thrown away"))
    return issues


# Nodes whose generated code declares an event-time watermark on their input.
_WATERMARKING = ("window_aggregate", "watermark", "stream_stream_join")


def _keeps_watermark(node: Node) -> str | None:
    """The Spark operator of a node whose output keeps its event-time watermark (Spark then refuses another
    downstream: "Redefining watermark is disallowed"), or None."""
    facets = node.spec.pattern
    config = node.parsed_or_none() if facets is not None else None
    return facets.keeps_watermark(config) if config is not None else None


def replay_findings(spec: NodeType, config) -> Iterator[Finding]:
    """Warn about conditions of a replayed pattern the local engine cannot evaluate (Spark still can: only
    replay and the timeline are affected)."""
    if spec.pattern is None or spec.pattern.bind is None:
        return
    for where, text in expressions(config):
        problem = check_expression(text)
        if problem and "not a valid Spark SQL" not in problem:
            yield Finding(
                "warning",
                "pattern.replay_expression",
                f"Replay and the timeline cannot evaluate this condition: {problem}",
                field=where,
                hint="The generated Spark code still runs it; rewrite it with built-in functions to test it locally",
            )


def _after_pattern_issues(pipeline: Pipeline, graph: PipelineGraph) -> list[Issue]:
    """Watermark-driven nodes fed by a pattern's rows: after a transformWithState Spark emits nothing there;
    after the correlation's stream-stream join or dropDuplicatesWithinWatermark it refuses a second
    watermark and the query fails."""
    if graph.cycle_error() is not None:
        return []
    issues = []
    after: dict[str, str] = {}  # node id -> the first pattern node upstream of it
    after_kept: dict[str, tuple[str, str]] = {}  # node id -> (node, operator) upstream that keeps its watermark
    for nid in graph.topological_order():
        parents = [e.source for e in graph.in_edges(nid)]
        patterns = [after.get(p) or p for p in parents
                    if p in after or pipeline.node(p).spec.category is Category.PATTERN]
        kept = []  # (node, operator) upstream whose output keeps its watermark
        for p in parents:
            if p in after_kept:
                kept.append(after_kept[p])
            elif operator := _keeps_watermark(pipeline.node(p)):
                kept.append((p, operator))
        if not patterns:
            continue
        after[nid] = patterns[0]
        if kept:
            after_kept[nid] = kept[0]
        node = pipeline.node(nid)
        if not (node.spec.category is Category.PATTERN or node.type in _WATERMARKING):
            continue
        if kept:
            source, operator = kept[0]
            code = "graph.after_join" if operator == "stream-stream join" else "graph.after_dedup"
            issues.append(Issue(
                ERROR, code,
                f"{node.title} is fed by the {operator} of {_named(pipeline.node(source))}: Spark refuses a "
                "second event-time watermark after it (\"Redefining watermark is disallowed\"): the generated "
                "job would fail", nid,
                hint="Feed it from the events before that node, or write its rows to a table and read them in "
                     "another pipeline"))
        elif node.spec.category is Category.PATTERN or node.type == "window_aggregate":
            issues.append(Issue(
                WARNING, "graph.after_pattern",
                f"{node.title} follows the pattern node {pipeline.node(patterns[0]).title}: in the generated Spark "
                "job the event-time watermark stops advancing after a pattern, so it emits no rows (replay does)",
                nid, hint="Feed it from the events before the pattern, or write the pattern's rows to a table "
                          "and read them in another pipeline"))
    return issues


def _available(schema: Schema) -> str:
    names = [c.name for c in schema]
    return ", ".join(names[:12]) + (", …" if len(names) > 12 else "")


def _column_issues(node: Node, config: Any, inputs: Inputs) -> list[Issue]:
    issues = []
    names: dict[str | None, set[str]] = {}  # per port (None: every input), computed once per node
    for path, port, name in column_references(config):
        if port not in names:
            schemas = [s for p in ([port] if port else list(inputs)) for s in inputs[p]]
            names[port] = {c.name for s in schemas for c in s} if schemas else set()
        columns = names[port]
        if not columns or name in columns:
            continue
        close = difflib.get_close_matches(name, sorted(columns), n=1)
        first = next(s for p in ([port] if port else list(inputs)) for s in inputs[p])
        hint = f"Did you mean {close[0]!r}?" if close else f"Available columns: {_available(first)}"
        where = f" (input {port!r})" if port else ""
        issues.append(Issue(ERROR, "column.unknown", f"Column {name!r} does not exist in the input{where}",
                            node.id, path, hint))
    return issues


def _target_issues(pipeline: Pipeline) -> list[Issue]:
    if pipeline.code_target in ("auto", "hybrid"):
        return []
    target = Target(pipeline.code_target)
    issues = []
    for node in pipeline.nodes:
        if target not in node.spec.targets_for(node.parsed_or_none()):
            supported = ", ".join(sorted(t.value for t in node.spec.targets_for(node.parsed_or_none())))
            issues.append(Issue(ERROR, "target.unsupported",
                                f"{_named(node)} cannot be generated as {target.value}",
                                node.id, hint=f"Choose the auto target, or one of: {supported}"))
    return issues


@gc_paused()
def validate(pipeline: Pipeline) -> list[Issue]:
    """Return every issue of the pipeline: config, ports and arity, cycles, reachability, columns, risks."""
    graph = PipelineGraph(pipeline)
    issues: list[Issue] = []
    for node in pipeline.nodes:
        issues.extend(_config_issues(node))
    issues.extend(_edge_issues(pipeline, graph))
    issues.extend(_graph_issues(pipeline, graph))
    issues.extend(_after_pattern_issues(pipeline, graph))
    issues.extend(_target_issues(pipeline))
    schemas, known_inputs = propagate_with_inputs(pipeline, graph)
    for node in pipeline.nodes:
        config = node.parsed_or_none()
        if config is None:
            continue
        inputs = known_inputs[node.id] if node.id in known_inputs else node_inputs(graph, node.id, schemas)
        if inputs is not None:
            issues.extend(_column_issues(node, config, inputs))
        findings = list(node.spec.checks(config, inputs or Inputs({}))) if node.spec.checks is not None else []
        for finding in findings + list(replay_findings(node.spec, config)):
            issues.append(Issue(finding.severity, finding.code, finding.message, node.id, finding.field, finding.hint))
    for note in change_plan(graph, schemas).notes:
        issues.append(Issue(note.severity, note.code, note.message, note.node_id, note.field, note.hint))
    return issues
