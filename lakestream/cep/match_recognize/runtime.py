"""Helpers the compiled DEFINE/MEASURES code calls: SQL NULL logic, navigation, aggregates. Standard library only.

Compiled functions see R (partition rows, tuples), L (label ids of the match rows so far), s (index of the
match's first row), c (the current row; running semantics) and e (the match's last row; final semantics).
"""

from __future__ import annotations


class NeedMore(Exception):
    """Raised while streaming when the answer depends on a row that has not arrived (order not final yet)."""


class EvalError(Exception):
    """A DEFINE or MEASURES expression that failed on a row (e.g. size() of a number); names the field."""

    def __init__(self, field, what, text, error):
        self.field = field
        why = ("a number is out of range or divided by zero" if isinstance(error, ArithmeticError) else
               "a value cannot be converted" if isinstance(error, ValueError) else
               "a value is of the wrong type for its function or operator (e.g. text where a number is needed)")
        super().__init__(f"{what}: {text} cannot be evaluated on these rows: {why}")


# what a compiled expression raises on values of the wrong kind (Spark would refuse them when analysing)
EVAL_ERRORS = (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError)


class OpenRows(list):
    """The rows of a partition whose end is not known yet (streaming): reading past them raises NeedMore."""


def at(R, r, i):
    """Column i of row r, or NULL when there is no such row."""
    return None if r is None else R[r][i]


def shift(R, r, n):
    """The row n rows after r (n < 0: before), inside the partition; NULL outside it."""
    if r is None:
        return None
    t = r + n
    if t < 0:
        return None
    if t >= len(R):
        if type(R) is OpenRows:
            raise NeedMore
        return None
    return t


def last(L, s, end, vars_, n=0):
    """The row n-th from the last among match rows s..end labelled with one of vars_ (None: any)."""
    for r in range(end, s - 1, -1):
        if vars_ is None or L[r - s] in vars_:
            if n == 0:
                return r
            n -= 1
    return None


def first(L, s, end, vars_, n=0):
    """The row n-th from the first among match rows s..end labelled with one of vars_ (None: any)."""
    for r in range(s, end + 1):
        if vars_ is None or L[r - s] in vars_:
            if n == 0:
                return r
            n -= 1
    return None


def rows(L, s, end, vars_):
    """Every match row s..end labelled with one of vars_ (None: all of them)."""
    if vars_ is None:
        return range(s, end + 1)
    return [r for r in range(s, end + 1) if L[r - s] in vars_]


def label(L, s, r, names):
    """CLASSIFIER() at row r: its variable's name, NULL outside the match."""
    if r is None or r < s or r - s >= len(L):
        return None
    return names[L[r - s]]


# --- scalar SQL semantics: NULL in, NULL out ---

def add(a, b):
    return None if a is None or b is None else a + b


def sub(a, b):
    return None if a is None or b is None else a - b


def mul(a, b):
    return None if a is None or b is None else a * b


def div(a, b):
    # Spark's / always yields a double; division by zero gives NULL (as try_divide) instead of failing a stream
    return None if a is None or b is None or b == 0 else a / b


def intdiv(a, b):
    if a is None or b is None or b == 0:
        return None
    q = abs(a) // abs(b)
    return int(q if (a >= 0) == (b >= 0) else -q)


def mod(a, b):
    if a is None or b is None or b == 0:
        return None
    r = abs(a) % abs(b)
    return r if a >= 0 else -r  # the sign follows the dividend, as in Spark and Java


def neg(a):
    return None if a is None else -a


def eq(a, b):
    return None if a is None or b is None else a == b


def ne(a, b):
    return None if a is None or b is None else a != b


def lt(a, b):
    return None if a is None or b is None else a < b


def le(a, b):
    return None if a is None or b is None else a <= b


def gt(a, b):
    return None if a is None or b is None else a > b


def ge(a, b):
    return None if a is None or b is None else a >= b


def and3(a, b):
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def or3(a, b):
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def not3(a):
    return None if a is None else not a


def coalesce(*values):
    return next((v for v in values if v is not None), None)


def in3(a, values):
    if a is None:
        return None
    if a in [v for v in values if v is not None]:
        return True
    return None if any(v is None for v in values) else False


def between(a, low, high):
    return and3(ge(a, low), le(a, high))


def concat(*values):
    if any(v is None for v in values):
        return None
    return "".join(_text(v) for v in values)


def _text(v):
    if v is True or v is False:
        return "true" if v else "false"
    return str(v)


def call(fn, *args):
    """A scalar function that is NULL when any argument is."""
    return None if any(a is None for a in args) else fn(*args)


def greatest(*values):
    kept = [v for v in values if v is not None]
    return max(kept) if kept else None


def least(*values):
    kept = [v for v in values if v is not None]
    return min(kept) if kept else None


# --- aggregates over the rows of a variable / subset (NULLs ignored, as in SQL) ---

def distinct(values):
    """The values without repeats, first occurrence kept (DISTINCT in an aggregate); NULLs stay for a_* to drop."""
    seen, out = [], []
    for v in values:
        if v not in seen:  # a list scan, not a set: values may be unhashable (arrays) and matches are short
            seen.append(v)
            out.append(v)
    return out


def a_count(values):
    return sum(1 for v in values if v is not None)


def a_sum(values):
    kept = [v for v in values if v is not None]
    return sum(kept) if kept else None


def a_avg(values):
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _spark_order(value):
    return (value != value, value)  # NaN, the one value unequal to itself, sorts above every number (Spark)


def a_min(values):
    kept = [v for v in values if v is not None]
    return min(kept, key=_spark_order) if kept else None


def a_max(values):
    kept = [v for v in values if v is not None]
    return max(kept, key=_spark_order) if kept else None


def a_array(values):
    return [v for v in values if v is not None]


def a_max_by(pairs):
    best = None
    for value, key in pairs:
        if key is not None and (best is None or key > best[1]):
            best = (value, key)
    return None if best is None else best[0]


def a_min_by(pairs):
    best = None
    for value, key in pairs:
        if key is not None and (best is None or key < best[1]):
            best = (value, key)
    return None if best is None else best[0]


def a_bool_and(values):
    kept = [v for v in values if v is not None]
    return all(kept) if kept else None


def a_bool_or(values):
    kept = [v for v in values if v is not None]
    return any(kept) if kept else None
