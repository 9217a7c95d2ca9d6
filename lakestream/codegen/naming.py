"""Deterministic code names for nodes: from labels, made unique with node ids, never clashing with generated names."""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Iterable, Iterator

from lakestream.sparksql.escape import Code

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


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Comments and string literals match whole (and are skipped), so only the code's own words are looked at.
_CODE_WORD = re.compile(r"#[^\n]*|'{3}.*?'{3}|\"{3}.*?\"{3}|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|"
                        r"[A-Za-z_][A-Za-z0-9_]*", re.DOTALL)
_PARAMS = re.compile(r"(?:\bdef\s+\w+\s*\(|\blambda\b)([^:\n]*)")
_IMPORT = re.compile(r"^[ \t]*(?:from|import)\b.*$", re.MULTILINE)


def _suspects(generated, owners: dict[str, str], consumers: dict[str, set[str]]) -> bool:
    """Whether any node name could clash: a word test over the code outside strings and comments (it errs
    on the side of suspecting), which spares parsing a module where no name appears out of place."""
    text = generated.text
    lines = text.split("\n")
    offsets = [0]  # offsets[i]: where line i + 1 starts
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    chunks: list[tuple[str | None, str]] = []
    position = 1
    for span in sorted(generated.spans, key=lambda s: s.start):
        chunks.append((None, text[offsets[position - 1]:offsets[span.start - 1]]))
        chunks.append((span.node_id, text[offsets[span.start - 1]:offsets[span.end]]))
        position = span.end + 1
    chunks.append((None, text[offsets[position - 1]:]))
    # imports and parameters (one-line signatures: the templates write them so) are suspects wherever they are
    few = "\n".join(line for line in lines if "import" in line or "def " in line or "lambda" in line)
    special = set(_WORD.findall(" ".join(_PARAMS.findall(few)))) | set(_WORD.findall("\n".join(_IMPORT.findall(few))))
    if any(name in _BUILTINS or name in special for name in owners):
        return True
    for where, chunk in chunks:
        for word in set(_CODE_WORD.findall(chunk)):
            owner = owners.get(word)
            if owner is not None and where != owner and where not in consumers.get(owner, ()):
                return True
    return False


def clashes(files, owners: dict[str, str], consumers: dict[str, set[str]]) -> set[str]:
    """Node names that collide with a name the generated modules use themselves.

    `owners` maps each node-owned name (dataset, variable, function) to its node id; `consumers` maps a
    node id to the ids of the nodes that read it. A node's name may be bound in its own code and read
    by its consumers; any other use (an import such as `pd`, the module's own `start` or `spark`, a
    helper or parameter of another node, a builtin that code calls) means the name is taken."""
    found: set[str] = set()
    for generated in files:
        if generated.language != "python" or not generated.spans or not _suspects(generated, owners, consumers):
            continue
        line_owner: list[str | None] = [None] * (generated.text.count("\n") + 2)  # 1-based line -> node id
        for span in generated.spans:
            line_owner[span.start:span.end + 1] = [span.node_id] * (span.end + 1 - span.start)
        for name, how, line in _occurrences(ast.parse(generated.text)):
            owner = owners.get(name)
            if owner is None or name in found:
                continue
            where = line_owner[line]
            if how == "import" or where is None or how == "param":
                found.add(name)
            elif how == "bind" and where != owner:
                found.add(name)
            elif how == "load" and (name in _BUILTINS or where != owner and where not in consumers.get(owner, ())):
                found.add(name)
    return found
