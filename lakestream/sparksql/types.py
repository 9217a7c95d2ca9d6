"""Spark SQL data types: one strict grammar, a parse tree, and the renderings every other module imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lakestream.sparksql.runtime.typenames import (  # noqa: F401 - re-exported: the families' one home
    ALIASES, FRACTIONAL, INTEGRAL, INTEGRAL_BY_WIDTH, INTEGRAL_DIGITS, NUMERIC, PRIMITIVES, TIMESTAMPS, WIDENING, canonical_name,
    integral_width, is_numeric, is_timestamp, wider_integral)

# A small grammar of its own rather than sqlglot's DataType.build: that one silently drops what follows a
# type (`int garbage`, `array<int` and `int; drop …` all come back as a type), which validation must refuse.

# The names and families (PRIMITIVES, ALIASES, INTEGRAL, FRACTIONAL, NUMERIC, TIMESTAMPS…) live in the runtime
# module the shipped pattern runtimes carry too; this module adds the grammar over them.
DECIMAL_NAMES = ("decimal", "dec", "numeric")
# No char(n)/varchar(n): Spark refuses them outside table schemas (from_json, a source's schema), and
# casts to them are casts to string.
# The types the builder's type chooser lists; a valid complex type typed by hand (map<string,array<int>>) is
# accepted too.
CHOOSER = ("string", "int", "bigint", "double", "float", "boolean", "timestamp", "date", "decimal(10,2)", "binary",
           "array<string>", "map<string,string>")
MAX_PRECISION = 38
MAX_DEPTH = 32  # nested array/map/struct levels; deeper is refused, not a RecursionError

HELP = ("use string, int, bigint, double, boolean, timestamp, date, decimal(p,s), array<type>, map<type,type> "
        "or struct<name:type,…>")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(r"\s*(?:(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<quoted>`(?:[^`]|``)*`)|(?P<number>\d+)|"
                    r"(?P<punct>[<>(),:.]))")


class SparkTypeError(ValueError):
    """Text that is not a Spark type (or column list) LakeStream can write into code."""


@dataclass(frozen=True)
class DataType:
    """A parsed Spark type: `name` is canonical; `params` (decimal precision, scale), `items` (element, key/value
    types) and `fields` ((name, type) of a struct) hold its parts."""

    name: str
    params: tuple[int, ...] = ()
    items: tuple[DataType, ...] = ()
    fields: tuple[tuple[str, DataType], ...] = ()

    def simple(self) -> str:
        """Spark's catalogString form (`decimal(12,2)`, `array<struct<a:int>>`): field names quoted only when needed."""
        return self._render(False)

    def ddl(self) -> str:
        """The form written into generated code: every struct field name backticked."""
        return self._render(True)

    def _render(self, quote_all: bool) -> str:
        if self.name == "decimal":
            return f"decimal({self.params[0]},{self.params[1]})"
        if self.name in ("array", "map"):
            return f"{self.name}<{','.join(t._render(quote_all) for t in self.items)}>"
        if self.name == "struct":
            return "struct<" + ",".join(f"{quote_name(n, quote_all)}:{t._render(quote_all)}"
                                        for n, t in self.fields) + ">"
        return self.name


def name_problem(name: str) -> str | None:
    """Why a name cannot be written into code in backticks (control characters, `${`), else None."""
    if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in name):
        return "contains control characters or line breaks"
    if "${" in name:
        return "contains '${': Spark would substitute a variable there (backticks cannot escape it)"
    return None


def check_name(name: str, what: str = "name") -> str:
    """A name written into code in backticks: SparkTypeError when empty or when `name_problem` finds one."""
    if not name:
        raise SparkTypeError(f"a {what} is empty")
    problem = name_problem(name)
    if problem:
        raise SparkTypeError(f"the {what} {name!r} {problem}")
    return name


def quote_name(name: str, always: bool = True) -> str:
    """A field or column name in backticks (backticks doubled); bare when plain and `always` is false."""
    check_name(name)
    if not always and _PLAIN_NAME.match(name):
        return name
    return "`" + name.replace("`", "``") + "`"


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                rest = text[position:].lstrip()
                if rest:  # parsing stops here with "unexpected …" (after any earlier, clearer error)
                    self.tokens.append(("bad", rest[0], len(text) - len(rest)))
                break
            kind = match.lastgroup
            self.tokens.append((kind, match.group(kind), match.start(kind)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise SparkTypeError("it ends too early")
        if token[0] == "bad":
            raise SparkTypeError(f"unexpected {token[1]!r} at position {token[2] + 1}")
        self.index += 1
        return token

    def expect(self, punct: str) -> None:
        kind, value, at = self.take()
        if kind != "punct" or value != punct:
            raise SparkTypeError(f"expected {punct!r} at position {at + 1}, found {value!r}")

    def accept(self, punct: str) -> bool:
        token = self.peek()
        if token and token[0] == "punct" and token[1] == punct:
            self.index += 1
            return True
        return False

    def end(self) -> None:
        token = self.peek()
        if token is not None:
            raise SparkTypeError(f"unexpected {token[1]!r} at position {token[2] + 1}")

    def name(self) -> str:
        kind, value, at = self.take()
        if kind == "word":
            return value
        if kind == "quoted":
            return value[1:-1].replace("``", "`")
        raise SparkTypeError(f"expected a name at position {at + 1}, found {value!r}")

    def number(self) -> int:
        kind, value, at = self.take()
        if kind != "number":
            raise SparkTypeError(f"expected a number at position {at + 1}, found {value!r}")
        return int(value)

    def data_type(self, depth: int = 0) -> DataType:
        if depth > MAX_DEPTH:
            raise SparkTypeError(f"it nests more than {MAX_DEPTH} levels")
        kind, value, at = self.take()
        word = value.lower()
        if kind != "word":
            raise SparkTypeError(f"expected a type name at position {at + 1}, found {value!r}")
        if word in PRIMITIVES or word in ALIASES:
            return DataType(ALIASES.get(word, word))
        if word in DECIMAL_NAMES:
            precision, scale = 10, 0
            if self.accept("("):
                precision = self.number()
                scale = self.number() if self.accept(",") else 0
                self.expect(")")
            if not 1 <= precision <= MAX_PRECISION or scale > precision:
                raise SparkTypeError(f"decimal({precision},{scale}) needs 1 ≤ precision ≤ {MAX_PRECISION} "
                                     "and scale ≤ precision")
            return DataType("decimal", (precision, scale))
        if word == "array":
            self.expect("<")
            element = self.data_type(depth + 1)
            self.expect(">")
            return DataType("array", items=(element,))
        if word == "map":
            self.expect("<")
            key = self.data_type(depth + 1)
            self.expect(",")
            value_type = self.data_type(depth + 1)
            self.expect(">")
            return DataType("map", items=(key, value_type))
        if word == "struct":
            self.expect("<")
            fields: list[tuple[str, DataType]] = []
            if not self.accept(">"):
                while True:
                    name = check_name(self.name(), "struct field name")
                    if any(name == n for n, _ in fields):
                        raise SparkTypeError(f"the struct field {name!r} appears twice")
                    self.accept(":")
                    fields.append((name, self.data_type(depth + 1)))
                    if self.accept(">"):
                        break
                    self.expect(",")
            return DataType("struct", fields=tuple(fields))
        raise SparkTypeError(f"{value!r} is not a type name")


@lru_cache(maxsize=4096)
def parse_type(text: str) -> DataType:
    """The parse tree of one Spark type; SparkTypeError saying where it goes wrong."""
    if not isinstance(text, str) or not text.strip():
        raise SparkTypeError(f"the type is empty: {HELP}")
    try:
        reader = _Reader(text)
        tree = reader.data_type()
        reader.end()
    except SparkTypeError as error:
        raise SparkTypeError(f"{_short(text)} is not a Spark type ({error}): {HELP}") from None
    return tree


def canonical(text: str) -> str:
    """The canonical (catalogString) form of a type: what validation keeps and schemas carry."""
    return parse_type(text).simple()


def ddl(text: str) -> str:
    """A type as generated code writes it, re-rendered from its parse tree (never the text as typed)."""
    return parse_type(text).ddl()


@lru_cache(maxsize=1024)
def parse_columns(text: str) -> tuple[tuple[tuple[str, ...], DataType], ...]:
    """A DDL column list (`amount double, address.city string`): (name path, type) pairs, dotted paths allowed."""
    if not isinstance(text, str) or not text.strip():
        raise SparkTypeError("the column list is empty: write name type, name type (amount double, ts timestamp)")
    try:
        reader = _Reader(text)
        columns = []
        while True:
            path = [check_name(reader.name(), "column name")]
            while reader.accept("."):
                path.append(check_name(reader.name(), "column name"))
            columns.append((tuple(path), reader.data_type()))
            if reader.peek() is None:
                break
            reader.expect(",")
    except SparkTypeError as error:
        raise SparkTypeError(f"{_short(text)} is not a list of columns and Spark types ({error}): write name type, "
                             f"name type (amount double, ts timestamp); types: {HELP}") from None
    return tuple(columns)


def columns_text(text: str, quote_all: bool = False) -> str:
    """A column list re-rendered from its parse tree (`amount double, `a b`.c int`)."""
    return ", ".join(".".join(quote_name(p, quote_all) for p in path) + " " + (t.ddl() if quote_all else t.simple())
                     for path, t in parse_columns(text))


def _short(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "…")


def _tree_or_none(text: str) -> DataType | None:
    try:
        return parse_type(text)
    except SparkTypeError:
        return None


def array_element(text: str) -> str | None:
    """The element type of array<T>, else None."""
    tree = _tree_or_none(text)
    return tree.items[0].simple() if tree is not None and tree.name == "array" else None


def map_types(text: str) -> tuple[str, str] | None:
    """(key, value) types of map<K,V>, else None."""
    tree = _tree_or_none(text)
    return (tree.items[0].simple(), tree.items[1].simple()) if tree is not None and tree.name == "map" else None


def struct_fields(text: str) -> tuple[tuple[str, str], ...] | None:
    """(name, type) of each field of struct<…>, else None."""
    tree = _tree_or_none(text)
    return tuple((n, t.simple()) for n, t in tree.fields) if tree is not None and tree.name == "struct" else None
