"""Deterministic code names for nodes: from labels, made unique with node ids, never clashing with generated names."""

from __future__ import annotations

import keyword
import re

from lakestream.codegen.escape import Code

# Names the generated modules define or import themselves.
RESERVED = frozenset(
    {"spark", "F", "T", "dp", "os", "sys", "json", "time", "main", "start", "queries", "trigger", "SparkSession",
     "DataFrame", "input_root", "output_root", "checkpoint_root", "INPUT_ROOT", "OUTPUT_ROOT", "CHECKPOINT_ROOT",
     "TRIGGER", "Window", "batch", "batch_id", "query"}
)


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII letters, digits and underscores; empty when nothing usable remains."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return out[:limit].rstrip("_")


def assign_names(nodes) -> dict[str, Code]:
    """A unique Python/SQL-safe name per node id: the label's slug, else the type; ids break ties."""
    wanted = {}
    for node in nodes:
        base = slug(node.label) or slug(node.type)
        if not base or base[0].isdigit() or keyword.iskeyword(base) or base in RESERVED:
            base = f"n_{base}" if base else "node"
        wanted[node.id] = base
    counts: dict[str, int] = {}
    for base in wanted.values():
        counts[base] = counts.get(base, 0) + 1
    names: dict[str, Code] = {}
    taken: set[str] = set()
    for node in sorted(nodes, key=lambda n: n.id):
        base = wanted[node.id]
        name = base if counts[base] == 1 else f"{base}_{slug(node.id) or 'x'}"
        while name in taken:
            name += "_"
        taken.add(name)
        names[node.id] = Code(name)
    return names
