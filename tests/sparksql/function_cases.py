"""Generated inputs and the calls of every function the engine evaluates, for the differential test against Spark.

One table of typed columns holds the inputs (NULLs, integer extremes, NaN, infinities, -0.0, half-way values,
empty and blank strings, non-ASCII text, timestamps around epoch and a DST change, a leap day, empty arrays and
arrays holding NULL). Each function's calls are generated from its signature over those columns, so every
function meets every kind of input its argument types allow.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from lakestream.sparksql.functions import OPERATORS

SCHEMA = ("i int, j int, l bigint, d double, e double, s string, t string, p string, b boolean, ts timestamp, "
          "dt date, arr array<int>, sa array<string>")
# columns by argument type: a signature letter stands for each of these columns in turn
COLUMNS = {
    "n": ("i", "l", "d"),  # numbers
    "m": ("j", "e"),  # a second number
    "k": ("j",),  # a small integer (positions, lengths, scales)
    "s": ("s",),  # text
    "u": ("t",),  # a second text
    "r": ("p",),  # a regular expression / LIKE pattern (valid ones)
    "b": ("b",),
    "t": ("ts", "dt", "s"),  # something with a time
    "a": ("arr", "sa"),  # arrays
    "x": ("i", "d", "s", "b", "ts"),  # anything comparable
}

_I32 = 2**31 - 1
_I64 = 2**63 - 1
ROWS = [
    dict(i=None, j=None, l=None, d=None, e=None, s=None, t=None, p=None, b=None, ts=None, dt=None, arr=None, sa=None),
    dict(i=0, j=0, l=0, d=0.0, e=-0.0, s="", t="", p="", b=False, ts=datetime(1970, 1, 1), dt=date(1970, 1, 1),
         arr=[], sa=[]),
    dict(i=1, j=2, l=1, d=1.5, e=2.5, s="abc", t="b", p="b", b=True, ts=datetime(2024, 2, 29, 23, 59, 59, 999999),
         dt=date(2024, 2, 29), arr=[1, 2, 3], sa=["a", "b"]),
    dict(i=-7, j=3, l=-7, d=-2.5, e=0.5, s="  Hello World  ", t="o", p="o.", b=True, ts=datetime(2024, 3, 10, 2, 30),
         dt=date(2000, 1, 1), arr=[3, None, 1], sa=["x", None]),
    dict(i=_I32, j=1, l=_I64, d=math.nan, e=math.nan, s="1.5", t="1", p="^[0-9]+", b=False,
         ts=datetime(1969, 12, 31, 23, 59, 59), dt=date(1969, 12, 31), arr=[None], sa=[""]),
    dict(i=-_I32 - 1, j=10, l=-_I64 - 1, d=math.inf, e=-math.inf, s="ÄÖü straße", t="ß", p="(a|ü)", b=None,
         ts=datetime(9999, 12, 31, 23, 59, 59), dt=date(1900, 1, 1), arr=[-2147483648, 2147483647], sa=["é"]),
    dict(i=42, j=1, l=10**12, d=1e300, e=1e-300, s="2024-03-10 02:30:00", t=":", p="%b_", b=True,
         ts=datetime(2021, 12, 31, 12, 0), dt=date(2024, 12, 31), arr=[5, 5], sa=["b", "a", "b"]),
    dict(i=5, j=-3, l=-1, d=0.1, e=0.2, s="true", t="TRUE", p="\\d", b=False, ts=datetime(2000, 1, 1),
         dt=date(2023, 1, 1), arr=[0], sa=["a"]),
    dict(i=7, j=2, l=3, d=-0.0, e=3.0, s="-12", t="a,b", p="[a-c]+", b=True, ts=datetime(2024, 6, 15, 8, 5, 3, 120000),
         dt=date(2024, 6, 15), arr=[1, 2], sa=["a,b"]),
]

# The functions the engine evaluates, by signature (one letter per argument, see COLUMNS; a number is a
# literal written as is). Several signatures per function try its optional arguments.
SIGNATURES: dict[str, tuple[str, ...]] = {
    # operators
    "!": ("! b",), "not": ("NOT b",), "and": ("b AND b2",), "or": ("b OR b2",),
    "=": ("x = x2",), "==": ("x == x2",), "!=": ("x != x2",), "<>": ("x <> x2",), "<": ("x < x2",),
    "<=": ("x <= x2",), ">": ("x > x2",), ">=": ("x >= x2",), "<=>": ("x <=> x2",),
    "+": ("n + m",), "-": ("n - m",), "*": ("n * m",), "/": ("n / m",), "%": ("n % m",), "div": ("n div k",),
    "||": ("s || u",), "between": ("n BETWEEN m AND 5",), "in": ("x IN (x2, 1)",),
    "case": ("CASE WHEN b THEN s ELSE u END",), "when": ("CASE WHEN b THEN n END",),
    "cast": ("CAST(x AS INT)", "CAST(x AS STRING)", "CAST(x AS DOUBLE)", "CAST(n AS BIGINT)", "CAST(n AS SMALLINT)",
             "CAST(n AS TINYINT)", "CAST(s AS BOOLEAN)", "CAST(n AS DECIMAL(10, 2))"), "like": ("s LIKE r",), "ilike": ("s ILIKE r",),
    "regexp_extract": ("s, r", "s, r, 0"), "regexp_replace": ("s, r, u", "s, r, u, k"), "split": ("s, r", "s, r, k"),
    "rlike": ("s RLIKE r",), "regexp": ("s REGEXP r",), "regexp_like": ("s, r",),
    # math
    "abs": ("n",), "ceil": ("n",), "ceiling": ("n",), "floor": ("n",), "round": ("n", "n, k"), "bround": ("n", "n, k"),
    "sqrt": ("n",), "exp": ("n",), "ln": ("n",), "log": ("n, m",), "log10": ("n",), "log2": ("n",),
    "pow": ("n, m",), "power": ("n, m",), "sign": ("n",), "signum": ("n",), "mod": ("n, m",), "pmod": ("n, m",),
    "greatest": ("n, m",), "least": ("n, m",),
    # conditionals and NULL
    "coalesce": ("n, m",), "ifnull": ("n, m",), "nvl": ("n, m",), "nvl2": ("n, m, 1",), "nullif": ("n, m",),
    "if": ("b, n, m",), "isnull": ("x",), "isnotnull": ("x",),
    # casts by name
    "boolean": ("x",), "double": ("x",), "float": ("n",), "int": ("x",), "string": ("x",), "date": ("t",),
    "timestamp": ("t",), "to_date": ("t",), "to_timestamp": ("t",),
    # strings
    "concat": ("s, u",), "concat_ws": ("u, s, s",), "contains": ("s, u",), "startswith": ("s, u",),
    "endswith": ("s, u",), "upper": ("s",), "ucase": ("s",), "lower": ("s",), "lcase": ("s",), "length": ("s",),
    "len": ("s",), "char_length": ("s",), "character_length": ("s",), "reverse": ("s",), "initcap": ("s",),
    "trim": ("s",), "ltrim": ("s",), "rtrim": ("s",), "left": ("s, k",), "right": ("s, k",),
    "substr": ("s, k", "s, k, k"), "substring": ("s, k", "s, k, k"), "instr": ("s, u",), "locate": ("u, s", "u, s, k"),
    "position": ("u, s",), "replace": ("s, u", "s, u, s"), "lpad": ("s, k", "s, k, u"), "rpad": ("s, k", "s, k, u"),
    # date and time
    "year": ("t",), "month": ("t",), "day": ("t",), "dayofmonth": ("t",), "dayofweek": ("t",), "hour": ("t",),
    "minute": ("t",), "second": ("t",), "unix_seconds": ("ts",),
    # arrays
    "array": ("n, m",), "array_contains": ("arr, i",), "array_size": ("a",), "size": ("a",),
    "element_at": ("arr, k",), "try_element_at": ("arr, k",),
}
_PAIRS = {"x2": {"i": "j", "d": "e", "s": "t", "b": "b", "ts": "dt"}, "b2": {"b": "b"}}


def calls(name: str) -> list[str]:
    """Every call of `name` over the input columns (one per combination of its arguments' columns)."""
    out = []
    for signature in SIGNATURES[name]:
        if name in OPERATORS or name == "div":
            out.extend(_operator_calls(signature))
            continue
        out.extend(f"{name}({args})" for args in _expand(signature.split(", ")))
    return out


def _expand(letters: list[str]) -> list[str]:
    combos = [""]
    for letter in letters:
        choices = COLUMNS.get(letter, (letter,))  # a letter, else a literal or a column named as is
        combos = [f"{c}, {col}" if c else col for c in combos for col in choices]
    return combos


def _operator_calls(template: str) -> list[str]:
    words = template.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split()
    letters = [w for w in words if w in COLUMNS]
    out = []
    for combo in _expand(letters):
        columns = iter(combo.split(", "))
        chosen, text = {}, []
        for w in words:
            if w in COLUMNS:
                chosen[w] = next(columns)
                text.append(chosen[w])
            elif w in _PAIRS:
                base = chosen.get(w[0], next(iter(_PAIRS[w])))
                text.append(_PAIRS[w].get(base, base))
            else:
                text.append(w)
        out.append(" ".join(text).replace("( ", "(").replace(" )", ")").replace(" ,", ","))
    return out
