"""Map an edit of generated Python (SDP Python, SSS) back onto node fields through the Python AST.

The edited module is compared with the generated one node by node (`ast`): when only string literals
changed, each changed literal is traced to the config field of the node whose code it is (the field's
text inside the literal: `F.expr("<condition>")`, `'<expr> AS `<alias>`'`), the field is set, the document
regenerated, and the edit accepted only if the regenerated module equals the edited one. Anything else
(a call, a name, a statement, a number) is refused, naming what changed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlglot

from lakestream import editing
from lakestream.codegen import CodegenError
from lakestream.pipeline import Pipeline

_IGNORED = {"ctx", "type_comment", "kind"}  # fields that carry no meaning for the comparison
_SHOWN = 120


class PythonEditError(ValueError):
    """An edit that cannot map back; `line` is in the edited text, `node_id` the node the line belongs to."""

    def __init__(self, message: str, line: int | None = None, node_id: str | None = None, *,
                 structural: bool = True):
        super().__init__(message)
        # structural: the code itself changed (not a field's value): the node may become a SQL transform node
        self.line, self.node_id, self.structural = line, node_id, structural


@dataclass(frozen=True)
class LiteralChange:
    ordinal: int  # the literal's index among the module's string literals (stable while the structure is)
    old_line: int
    new_line: int
    old: str
    new: str


@dataclass(frozen=True)
class FieldEdit:
    node_id: str
    path: tuple[Any, ...]  # config keys and list indexes
    old: str
    new: str


def parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise PythonEditError(f"Line {error.lineno}: Python syntax error: {error.msg}", error.lineno,
                              structural=False) from None


def _fields(node: ast.AST) -> Iterator[tuple[str, Any]]:
    return ((k, v) for k, v in ast.iter_fields(node) if k not in _IGNORED)


def _snippet(text: str, node: ast.AST | None) -> str:
    segment = ast.get_source_segment(text, node) if node is not None and hasattr(node, "lineno") else None
    segment = " ".join((segment or "").split())
    return segment if len(segment) <= _SHOWN else segment[:_SHOWN - 1] + "…"


def _line(node: Any, fallback: int) -> int:
    return getattr(node, "lineno", None) or fallback


def _describe(old_text: str, new_text: str, a: Any, b: Any, parent: tuple[ast.AST, ast.AST]) -> PythonEditError:
    """The first structural difference as a sentence naming the edited line and what it became."""
    if isinstance(a, list) and isinstance(b, list):  # statements, arguments, elements added or removed
        extra = b[len(a):] if len(b) > len(a) else a[len(b):]
        first = next((x for x, y in zip(a, b) if ast.dump(x) != ast.dump(y)), None) if extra else None
        where = parent[1]
        if len(b) > len(a):
            added = b[a.index(first)] if first is not None and first in a else extra[0]
            line = _line(added, _line(where, 1))
            return PythonEditError(f"Line {line}: added `{_snippet(new_text, added)}`", line)
        removed = a[b.index(first)] if first is not None and first in b else extra[0]
        line = _line(where, 1)
        return PythonEditError(f"Line {line}: removed `{_snippet(old_text, removed)}`", line)
    node_a = a if isinstance(a, ast.AST) else parent[0]
    node_b = b if isinstance(b, ast.AST) else parent[1]
    if isinstance(node_a, ast.expr_context) or not hasattr(node_b, "lineno"):
        node_a, node_b = parent
    line = _line(node_b, 1)
    return PythonEditError(
        f"Line {line}: `{_snippet(old_text, node_a)}` became `{_snippet(new_text, node_b)}`", line)


def literal_changes(old_text: str, new_text: str) -> list[LiteralChange]:
    """The string literals that differ between two modules of the same structure; PythonEditError (naming
    the first other difference and its line) when anything but a string literal's text changed."""
    old_tree, new_tree = parse(old_text), parse(new_text)
    changes: list[LiteralChange] = []
    counter = [0]

    def walk(a: Any, b: Any, parent: tuple[ast.AST, ast.AST]) -> None:
        if isinstance(a, list) or isinstance(b, list):
            if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
                raise _describe(old_text, new_text, a, b, parent)
            for x, y in zip(a, b):
                walk(x, y, parent)
            return
        if isinstance(a, ast.AST) or isinstance(b, ast.AST):
            if type(a) is not type(b):
                raise _describe(old_text, new_text, a, b, parent)
            if isinstance(a, ast.Constant) and isinstance(a.value, str) and isinstance(b.value, str):
                if a.value != b.value:
                    changes.append(LiteralChange(counter[0], a.lineno, b.lineno, a.value, b.value))
                counter[0] += 1
                return
            for (name, x), (_, y) in zip(_fields(a), _fields(b)):
                walk(x, y, (a, b))
            return
        if a != b or type(a) is not type(b):
            raise _describe(old_text, new_text, parent[0], parent[1], parent)

    walk(old_tree, new_tree, (old_tree, new_tree))
    return changes


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))


def _set(value: Any, path: tuple[Any, ...], leaf: str) -> Any:
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _set(value.get(head), rest, leaf)}
    items = list(value)
    items[head] = _set(items[head], rest, leaf)
    return items


def candidates(config: dict[str, Any], old: str, new: str) -> list[tuple[tuple[Any, ...], str, str]]:
    """(path, old value, new value) for each config text that appears in `old` with `new` keeping its
    surroundings; exact matches first, then the longest texts (most specific)."""
    found = []
    for path, value in _leaves(config):
        if not value.strip():
            continue
        for written in dict.fromkeys((value, _as_written(value))):  # as typed, or as LakeStream writes it
            start = old.find(written) if written else -1
            while start >= 0:
                prefix, suffix = old[:start], old[start + len(written):]
                if new.startswith(prefix) and new.endswith(suffix) and len(new) >= len(prefix) + len(suffix):
                    replacement = new[len(prefix):len(new) - len(suffix)]
                    if replacement not in (value, written):
                        found.append((path, value, replacement))
                start = old.find(written, start + 1)
    found.sort(key=lambda c: (c[1] != old, -len(c[1])))
    return found


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """The module's string literals in the order `literal_changes` numbers them."""
    out: list[ast.Constant] = []

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node)
            return
        for _name, child in _fields(node):
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, ast.AST):
                    walk(item)

    walk(tree)
    return out


def map_edit(document: Pipeline, old_text: str, new_text: str, owner: Callable[[int], str | None],
             regenerate: Callable[[Pipeline], str]) -> tuple[Pipeline, list[FieldEdit]]:
    """The document with the edited literals set on their fields, and what was set.

    `owner(line)` names the node whose generated code holds a line of `old_text`; `regenerate(doc)` is
    the same file generated from `doc` (it raises CodegenError when the document does not validate)."""
    changes = literal_changes(old_text, new_text)
    if not changes:
        return document, []
    current, done = document, []
    for change in changes:
        node_id = owner(change.old_line)
        if node_id is None:
            raise PythonEditError(f"Line {change.new_line}: this string belongs to no node's code (the module's "
                                  "own code cannot be edited)", change.new_line)
        node = current.node_by_id[node_id]
        refused = None
        for path, old_value, new_value in candidates(dict(node.config), change.old, change.new):
            trial = editing.set_config(current, node_id, _set(dict(node.config), path, new_value))
            try:
                literals = [c.value for c in _literals(parse(regenerate(trial)))]
            except CodegenError as error:  # the field's own validation, as the form would show it
                refused = refused or "; ".join(i.message for i in getattr(error, "issues", ()) or ()
                                               if i.node_id == node_id) or str(error)
                continue
            if change.ordinal < len(literals) and same_sql(literals[change.ordinal], change.new):
                current = trial
                done.append(FieldEdit(node_id, path, old_value, new_value))
                break
        else:
            title = node.label or node_id
            if refused:
                raise PythonEditError(f"Line {change.new_line}: {refused}", change.new_line, node_id, structural=False)
            raise PythonEditError(
                f"Line {change.new_line}: {_quote(change.old)} → {_quote(change.new)} in {title!r} is not the text "
                "of one of its fields (only the text of an expression LakeStream wrote maps back)",
                change.new_line, node_id)
    try:
        stray = literal_changes(regenerate(current), new_text)
    except PythonEditError as error:  # the new value changes the code's shape (e.g. a clause appears)
        raise PythonEditError(f"Line {changes[0].new_line}: with this value LakeStream writes different code: "
                              f"{error}", changes[0].new_line, owner(changes[0].old_line)) from None
    edited = {c.ordinal for c in changes}
    stray = [c for c in stray if not (c.ordinal in edited and same_sql(c.old, c.new))]  # written in LakeStream's way
    if stray:  # a field written in several places, edited in only one of them
        where = ", ".join(str(c.new_line) for c in stray[:5])
        raise PythonEditError(f"Line {stray[0].new_line}: the edited field is written in several places; with the "
                              f"change LakeStream would also write line(s) {where} differently: edit them alike, "
                              "or edit the field in the node's form", stray[0].new_line, owner(stray[0].old_line))
    return current, done


def _as_written(text: str) -> str | None:
    """A Spark SQL expression as LakeStream's generator writes it (from its parse tree: CONCAT, spacing)."""
    try:
        return sqlglot.parse_one(text, read="spark").sql("spark")
    except (sqlglot.errors.SqlglotError, ValueError, RecursionError):
        return None


def same_sql(a: str, b: str) -> bool:
    """Equal texts, or the same Spark SQL written differently (spacing, keyword case): LakeStream writes an
    expression from its parse tree, so `x  IN ( 1 )` is written `x IN (1)`."""
    if a == b:
        return True
    try:
        return sqlglot.parse_one(a, read="spark").sql("spark") == sqlglot.parse_one(b, read="spark").sql("spark")
    except (sqlglot.errors.SqlglotError, ValueError, RecursionError):
        return "".join(a.split()) == "".join(b.split())


def _quote(text: str) -> str:
    text = text if len(text) <= 60 else text[:59] + "…"
    return repr(text)
