"""PATTERN text -> a small tree (SQL:2016 row pattern syntax); errors name the column. Standard library only."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# Variables are SQL identifiers: case-insensitive, kept upper case (CLASSIFIER() returns them so); a
# delimited identifier ("x" or `x`) keeps its case exactly, so "A" is the variable A and "a" another one.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DELIMITED = re.compile(r'"([^"]*)"|`([^`]*)`')
_VARIABLE = re.compile(r'\s*(?:([A-Za-z_][A-Za-z0-9_]*)|"([^"]+)"|`([^`]+)`)\s*')
_QUANT = re.compile(r"\{\s*(\d*)\s*(,?)\s*(\d*)\s*\}")
MAX_NESTING = 100  # groups inside groups: the parser and matcher recurse per level
MAX_PERMUTE = 8  # PERMUTE of n items is the alternation of n! orders (8! = 40,320)


def variable_name(text: str) -> str | None:
    """The variable a name stands for: A, a -> 'A'; "a" or `a` -> 'a' (delimited); None if not a name."""
    match = _VARIABLE.fullmatch(text or "")
    if not match:
        return None
    plain, double, back = match.groups()
    return plain.upper() if plain else (double or back)


def written(name: str) -> str:
    """A variable as PATTERN text writes it: plain when that reads back the same, else delimited."""
    return name if _IDENT.fullmatch(name) and name == name.upper() else f'"{name}"'


class PatternError(ValueError):
    """A syntax error in a PATTERN; `column` is 1-based."""

    def __init__(self, message: str, column: int):
        self.column = column
        super().__init__(f"column {column}: {message}")


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class Anchor:
    kind: str  # '^' or '$'


@dataclass(frozen=True)
class Seq:
    items: tuple


@dataclass(frozen=True)
class Alt:
    options: tuple


@dataclass(frozen=True)
class Quant:
    body: object
    min: int
    max: int | None  # None: unbounded
    greedy: bool = True


@dataclass(frozen=True)
class Exclude:
    body: object


@dataclass(frozen=True)
class Permute:
    items: tuple

    def expand(self) -> Alt:
        """PERMUTE is shorthand for the alternation of every order, lexicographic by position."""
        return Alt(tuple(Seq(p) for p in itertools.permutations(self.items)))


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def error(self, message: str, at: int | None = None):
        raise PatternError(message, (self.i if at is None else at) + 1)

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.i)

    def take(self, token: str) -> bool:
        if self.peek(token):
            self.i += len(token)
            return True
        return False

    def parse(self):
        self.skip()
        if self.i == len(self.text):
            self.error("the pattern is empty: write variables such as A B+ C, or () for an empty match")
        tree = self.alternation()
        self.skip()
        if self.i < len(self.text):
            self.error(f"unexpected {self.text[self.i]!r}")
        return tree

    def alternation(self):
        options = [self.sequence()]
        while self.take("|"):
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self):
        items = []
        while True:
            self.skip()
            if self.i == len(self.text) or self.text[self.i] in "|)," or self.text.startswith("-}", self.i):
                break
            items.append(self.term())
        if not items:
            found = repr(self.text[self.i]) if self.i < len(self.text) else "the end"
            self.error(f"expected a variable, '(' or PERMUTE before {found}; write () for an empty match")
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def term(self):
        # an anchor may be quantified as any primary (SQL:2016): its iterations are empty, so ^* matches
        # empty and ^+ is ^ (an empty iteration past the minimum ends the loop)
        return self.quantifier(self.primary())

    def primary(self):
        self.skip()
        start = self.i
        if self.take("{-"):
            body = self.alternation()
            if not self.take("-}"):
                self.error("expected '-}' to close the exclusion opened at column %d" % (start + 1))
            return Exclude(body)
        if self.take("("):
            if self.take(")"):
                return Empty()
            body = self.alternation()
            if not self.take(")"):
                self.error("expected ')' to close the group opened at column %d" % (start + 1))
            return body
        if self.take("^"):
            return Anchor("^")
        if self.take("$"):
            return Anchor("$")
        quoted = _DELIMITED.match(self.text, self.i)
        if quoted:
            name = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
            if not name:
                self.error("a delimited variable name cannot be empty")
            if self.text.startswith(self.text[self.i], quoted.end()):  # the standard's "a""b" escape
                self.error("a delimited variable name cannot contain its own quote character", quoted.end() - 1)
            self.i = quoted.end()
            return Var(name)
        if self.text[self.i] in "\"`":
            self.error(f"the delimited variable name opened at column {self.i + 1} is not closed")
        match = _IDENT.match(self.text, self.i)
        if not match:
            self.error(f"unexpected {self.text[self.i]!r}: expected a variable, '(', '{{-', '^' or '$'")
        self.i = match.end()
        if match.group().upper() == "PERMUTE" and self.peek("("):
            return self.permute()
        return Var(match.group().upper())

    def permute(self):
        start = self.i
        self.take("(")
        items = [self.alternation()]
        while self.take(","):
            items.append(self.alternation())
        if not self.take(")"):
            self.error("expected ')' or ',' in PERMUTE")
        if len(items) > MAX_PERMUTE:
            self.error(f"PERMUTE takes at most {MAX_PERMUTE} items (it stands for every order of them), "
                       f"not {len(items)}", start)
        return Permute(tuple(items))

    def quantifier(self, node):
        self.skip()
        start = self.i
        text = self.text
        if self.i < len(text) and text[self.i] in "*+?":
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[text[self.i]]
            self.i += 1
        elif text.startswith("{", self.i) and not text.startswith("{-", self.i):
            match = _QUANT.match(text, self.i)
            if not match or not (match.group(1) or match.group(2) or match.group(3)):
                self.error("a quantifier is {n}, {n,}, {,m}, {n,m} or {,} with whole numbers")
            low = int(match.group(1) or 0)
            high = None if (match.group(2) and not match.group(3)) else int(match.group(3) or match.group(1))
            if high is not None and high < low:
                self.error(f"the quantifier minimum {low} is larger than its maximum {high}", start)
            if high == 0:
                self.error("a quantifier maximum must be at least 1", start)
            self.i = match.end()
        else:
            return node
        greedy = not self.take_tight("?")
        result = Quant(node, low, high, greedy)
        self.skip()
        if self.i < len(text) and text[self.i] in "*+" or (text.startswith("{", self.i)
                                                          and not text.startswith("{-", self.i)):
            self.error("a quantifier cannot follow another quantifier: put the term in parentheses")
        return result

    def take_tight(self, char: str) -> bool:
        # a reluctance mark must follow its quantifier directly ("A*?"), not after a space
        if self.text.startswith(char, self.i):
            self.i += 1
            return True
        return False


def parse_pattern(text: str):
    """Return the tree of a PATTERN (without the outer parentheses); raise PatternError."""
    text = text or ""
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(" or text.startswith("{-", i)) - (char == ")" or text.startswith("-}", i))
        if depth > MAX_NESTING:
            raise PatternError(f"the pattern nests groups more than {MAX_NESTING} levels deep", i + 1)
    return _Parser(text).parse()


def variables(tree) -> list[str]:
    """The distinct variable names of a pattern, in order of first appearance."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, Var):
            if node.name not in found:
                found.append(node.name)
        elif isinstance(node, (Seq, Permute)):
            for item in node.items:
                walk(item)
        elif isinstance(node, Alt):
            for option in node.options:
                walk(option)
        elif isinstance(node, (Quant, Exclude)):
            walk(node.body)

    walk(tree)
    return found


def has_anchor(tree, kind: str) -> bool:
    """Whether the pattern uses the anchor `kind` ('^' or '$') anywhere."""
    if isinstance(tree, Anchor):
        return tree.kind == kind
    children = getattr(tree, "items", None) or getattr(tree, "options", None) or ()
    body = getattr(tree, "body", None)
    return any(has_anchor(c, kind) for c in (*children, *([body] if body is not None else [])))
