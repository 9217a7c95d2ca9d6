"""Deterministic code names for nodes: from labels, made unique with node ids, never clashing with generated names."""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Iterable, Iterator

from lakestream.codegen.escape import Code

_BUILTINS = frozenset(dir(builtins))


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII letters, digits and underscores; empty when nothing usable remains."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return out[:limit].rstrip("_")


def assign_names(nodes, reserved: Iterable[str] = ()) -> dict[str, Code]:
    """A unique Python/SQL-safe name per node id: the label's slug, else the type; ids break ties.

    `reserved`: names the generated modules use themselves (found by `clashes` on a first rendering)."""
    reserved = frozenset(reserved)
    wanted = {}
    for node in nodes:
        base = slug(node.label) or slug(node.type)
        if not base or base[0].isdigit():
            base = f"n_{base}" if base else "node"
        while keyword.iskeyword(base) or base in reserved:
            base = f"n_{base}"
        wanted[node.id] = base
    counts: dict[str, int] = {}
    for base in wanted.values():
        counts[base] = counts.get(base, 0) + 1
    names: dict[str, Code] = {}
    taken: set[str] = set(reserved)
    for node in sorted(nodes, key=lambda n: n.id):
        base = wanted[node.id]
        name = base if counts[base] == 1 else f"{base}_{slug(node.id) or 'x'}"
        while name in taken:
            name += "_"
        taken.add(name)
        names[node.id] = Code(name)
    return names


def _occurrences(tree: ast.AST) -> Iterator[tuple[str, str, int]]:
    """(name, how, line) of every name a module binds or reads: how is import, bind, param or load."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id, "load" if isinstance(node.ctx, ast.Load) else "bind", node.lineno
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, "bind", node.lineno
        elif isinstance(node, ast.arg):
            yield node.arg, "param", node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield (alias.asname or alias.name.split(".")[0]), "import", node.lineno
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name, "bind", node.lineno
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                yield name, "bind", node.lineno


def clashes(files, owners: dict[str, str], consumers: dict[str, set[str]]) -> set[str]:
    """Node names that collide with a name the generated modules use themselves.

    `owners` maps each node-owned name (dataset, variable, function) to its node id; `consumers` maps a
    node id to the ids of the nodes that read it. A node's name may be bound in its own code and read
    by its consumers; any other use (an import such as `pd`, the module's own `start` or `spark`, a
    helper or parameter of another node, a builtin that code calls) means the name is taken."""
    found: set[str] = set()
    for generated in files:
        if generated.language != "python" or not generated.spans:
            continue
        for name, how, line in _occurrences(ast.parse(generated.text)):
            owner = owners.get(name)
            if owner is None or name in found:
                continue
            where = generated.node_at(line)
            if how == "import" or where is None or how == "param":
                found.add(name)
            elif how == "bind" and where != owner:
                found.add(name)
            elif how == "load" and (name in _BUILTINS or where != owner and where not in consumers.get(owner, ())):
                found.add(name)
    return found
