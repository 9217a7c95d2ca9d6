"""Spark's type names and type families: the one list every module (and the shipped runtimes) reads."""

from __future__ import annotations

# Canonical names (Spark's own catalogString) and the aliases Spark also accepts.
PRIMITIVES = ("string", "boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "date", "timestamp",
              "timestamp_ntz", "binary")
ALIASES = {"byte": "tinyint", "short": "smallint", "integer": "int", "long": "bigint", "real": "float",
           "timestamp_ltz": "timestamp"}
INTEGRAL_BY_WIDTH = ("tinyint", "smallint", "int", "bigint")  # narrowest first: Spark widens to the wider operand
INTEGRAL_DIGITS = {"tinyint": 3, "smallint": 5, "int": 10, "bigint": 20}  # decimal precision Spark gives them
# Families, aliases included: type strings that come from elsewhere (a catalog, an older document) may use them.
INTEGRAL = INTEGRAL_BY_WIDTH + tuple(a for a, c in ALIASES.items() if c in INTEGRAL_BY_WIDTH)
FRACTIONAL = ("float", "double") + tuple(a for a, c in ALIASES.items() if c in ("float", "double"))
NUMERIC = INTEGRAL + FRACTIONAL  # decimal(p,s) aside: see is_numeric
WIDENING = INTEGRAL_BY_WIDTH + ("float", "double")  # numeric widening order (unions, CASE, COALESCE)
TIMESTAMPS = ("timestamp", "timestamp_ntz") + tuple(a for a, c in ALIASES.items() if c == "timestamp")


def canonical_name(name: str) -> str:
    """A primitive's canonical name (`long` -> `bigint`); any other text as given."""
    return ALIASES.get(name, name)


def integral_width(name: str | None) -> int | None:
    """1 (tinyint) … 4 (bigint) for an integral type under any spelling, else None."""
    canonical = ALIASES.get(name, name)
    return INTEGRAL_BY_WIDTH.index(canonical) + 1 if canonical in INTEGRAL_BY_WIDTH else None


def wider_integral(a: str, b: str) -> str | None:
    """The wider of two integral types (byte + int is int), canonical; None when either is not integral."""
    wa, wb = integral_width(a), integral_width(b)
    return None if wa is None or wb is None else INTEGRAL_BY_WIDTH[max(wa, wb) - 1]


def is_numeric(name: str | None) -> bool:
    return name is not None and (name in NUMERIC or name.startswith("decimal"))


def is_timestamp(name: str | None) -> bool:
    return name in TIMESTAMPS
