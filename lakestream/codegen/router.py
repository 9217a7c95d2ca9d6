"""The target router: picks sdp-sql, sdp-python, sss or hybrid from what each node type declares, and says why."""

from __future__ import annotations

from dataclasses import dataclass

from lakestream.codegen.result import Reason
from lakestream.nodes.base import Target

TARGETS = ("auto", "sdp-sql", "sdp-python", "sss", "hybrid")
SDP = (Target.SDP_SQL, Target.SDP_PYTHON)
TARGET_NAMES = {
    "sdp-sql": "SDP SQL",
    "sdp-python": "SDP Python",
    "sss": "SSS",
    "hybrid": "hybrid (SDP + SSS)",
}


class TargetError(ValueError):
    """The requested target cannot express some nodes; `reasons` names each one."""

    def __init__(self, message: str, reasons: list[Reason]):
        self.reasons = reasons
        super().__init__(message)


@dataclass(frozen=True)
class Plan:
    """The chosen target; for hybrid, which nodes go to the SDP part (the rest run in the SSS job)."""

    target: str
    reasons: tuple[Reason, ...]
    sdp_target: str | None = None  # sdp-sql or sdp-python, for the SDP part of a hybrid
    sdp_nodes: frozenset[str] = frozenset()


def _why(node, missing: Target) -> str:
    spec = node.spec
    if spec.stateful_reason and Target.SSS in spec.targets_for(node.parsed):
        return f"'{node.title}' {spec.stateful_reason}"
    return f"'{node.title}' ({spec.name}) cannot be expressed in {TARGET_NAMES[missing.value]}"


def _caps(pipeline) -> dict[str, frozenset[Target]]:
    return {n.id: n.spec.targets_for(n.parsed) for n in pipeline.nodes}


def _blocking(pipeline, caps, target: Target) -> list[Reason]:
    return [Reason(_why(n, target), n.id, n.title) for n in pipeline.nodes if target not in caps[n.id]]


def _split(pipeline, order: list[str], caps) -> tuple[frozenset[str], str | None]:
    """Nodes that can run in SDP because they and all their upstreams can; the SDP flavour they fit."""
    upstream: dict[str, list[str]] = {n: [] for n in order}
    for edge in pipeline.edges:
        upstream[edge.target].append(edge.source)
    sdp: set[str] = set()
    for node_id in order:
        if caps[node_id] & set(SDP) and all(u in sdp for u in upstream[node_id]):
            sdp.add(node_id)
    if not sdp:
        return frozenset(), None
    flavour = "sdp-sql" if all(Target.SDP_SQL in caps[n] for n in sdp) else "sdp-python"
    if flavour == "sdp-python" and not all(Target.SDP_PYTHON in caps[n] for n in sdp):
        sdp = {n for n in sdp if Target.SDP_PYTHON in caps[n]}
    return frozenset(sdp), flavour


def route(pipeline, requested: str, order: list[str], allow_hybrid: bool = False) -> Plan:
    """Choose the target; raise TargetError naming the nodes a requested target cannot express."""
    if requested not in TARGETS:
        raise TargetError(f"Unknown target {requested!r}: choose one of {', '.join(TARGETS)}", [])
    caps = _caps(pipeline)
    if requested in ("sdp-sql", "sdp-python", "sss"):
        blocking = _blocking(pipeline, caps, Target(requested))
        if blocking:
            names = "; ".join(r.message for r in blocking)
            raise TargetError(f"{TARGET_NAMES[requested]} cannot express this pipeline: {names}", blocking)
        return Plan(requested, (Reason(f"{TARGET_NAMES[requested]} as requested"),))
    if requested == "auto":
        for target in (Target.SDP_SQL, Target.SDP_PYTHON):
            if all(target in c for c in caps.values()):
                why = _blocking(pipeline, caps, Target.SDP_SQL) if target is Target.SDP_PYTHON else []
                head = Reason(f"{TARGET_NAMES[target.value]}: every node is declarative")
                return Plan(target.value, (head, *why))
        stateful = _blocking(pipeline, caps, Target.SDP_PYTHON)
        if all(Target.SSS in c for c in caps.values()) and not allow_hybrid:
            return Plan("sss", tuple(stateful))
    sdp, flavour = _split(pipeline, order, caps)
    rest = [n for n in order if n not in sdp]
    blocking = [r for r in _blocking(pipeline, caps, Target.SSS) if r.node_id in rest]
    if blocking or not sdp or not rest:
        if requested == "auto":
            raise TargetError(
                "No target fits: " + "; ".join(r.message for r in blocking or stateful), blocking or stateful
            )
        why = "every node fits one part" if not (sdp and rest) else "; ".join(r.message for r in blocking)
        raise TargetError(f"A hybrid split is not possible: {why}", blocking)
    reasons = [Reason(f"SDP ({TARGET_NAMES[flavour]}) runs the declarative part, an SSS job the rest")]
    reasons += [r for r in _blocking(pipeline, caps, Target.SDP_PYTHON) if r.node_id in rest]
    return Plan("hybrid", tuple(reasons), flavour, sdp)
