"""Spark SQL string, pattern, date-time and collection functions in plain Python (NULL = None)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from . import javaregex
from .sqlfuncs import eq, to_date, to_str, to_timestamp


def _s(value):
    return to_str(value)


def concat(*values):
    texts = [_s(v) for v in values]
    return None if any(t is None for t in texts) else "".join(texts)


def concat_ws(separator, *values):
    if separator is None:
        return None
    parts = []
    for v in values:
        if isinstance(v, (list, tuple)):
            parts.extend(_s(x) for x in v if x is not None)
        elif v is not None:
            parts.append(_s(v))
    return _s(separator).join(parts)


def upper(s):
    s = _s(s)
    return None if s is None else s.upper()


def lower(s):
    s = _s(s)
    return None if s is None else s.lower()


def length(s):
    s = _s(s)
    return None if s is None else len(s)


def trim(s, chars=" ", where="both"):
    s, chars = _s(s), _s(chars)
    if s is None or chars is None:
        return None
    if where == "leading":
        return s.lstrip(chars)
    if where == "trailing":
        return s.rstrip(chars)
    return s.strip(chars)


def substring(s, pos, length=None):
    """SUBSTRING with 1-based positions; 0 acts as 1 and negative positions count from the end."""
    s = _s(s)
    if s is None or pos is None or (length is None and False):
        return None
    pos = int(pos)
    start = pos - 1 if pos > 0 else (len(s) + pos if pos < 0 else 0)
    if length is None:
        return s[max(start, 0):]
    length = int(length)
    end = start + length
    if end <= 0 or length <= 0:
        return ""
    return s[max(start, 0):end]


def left(s, n):
    s = _s(s)
    if s is None or n is None:
        return None
    return "" if n <= 0 else s[: int(n)]


def right(s, n):
    s = _s(s)
    if s is None or n is None:
        return None
    return "" if n <= 0 else s[-int(n):]


def instr(s, sub, start=1):
    s, sub = _s(s), _s(sub)
    if s is None or sub is None or start is None:
        return None
    if start < 1:
        return 0
    return s.find(sub, int(start) - 1) + 1


def startswith(s, prefix):
    s, prefix = _s(s), _s(prefix)
    return None if s is None or prefix is None else s.startswith(prefix)


def endswith(s, suffix):
    s, suffix = _s(s), _s(suffix)
    return None if s is None or suffix is None else s.endswith(suffix)


def contains(s, part):
    s, part = _s(s), _s(part)
    return None if s is None or part is None else part in s


def replace(s, search, replacement=""):
    s, search, replacement = _s(s), _s(search), _s(replacement)
    if s is None or search is None or replacement is None:
        return None
    return s if search == "" else s.replace(search, replacement)


def pad(s, n, fill=" ", left_side=True):
    s, fill = _s(s), _s(fill)
    if s is None or n is None or fill is None:
        return None
    n = int(n)
    if n <= len(s) or not fill:
        return s[: max(n, 0)]
    padding = (fill * (n - len(s)))[: n - len(s)]
    return padding + s if left_side else s + padding


def reverse(s):
    s = _s(s)
    return None if s is None else s[::-1]


def initcap(s):
    s = _s(s)
    return None if s is None else " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" "))


_ANY, _ONE = object(), object()  # % and _ in a parsed LIKE pattern


@lru_cache(maxsize=1024)
def _like_tokens(pattern: str, escape: str) -> tuple:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == escape:
            following = pattern[i + 1:i + 2]
            if following not in ("%", "_", escape):  # Spark refuses the pattern (INVALID_FORMAT.ESC_…)
                raise ValueError(f"the LIKE pattern {pattern!r} is invalid: the escape character {escape!r} may "
                                 "only precede %, _ or itself")
            out.append(following)
            i += 2
            continue
        out.append(_ANY if c == "%" else _ONE if c == "_" else c)
        i += 1
    return tuple(out)


def _like_match(s: str, tokens: tuple) -> bool:
    """Wildcard matching without a regex: back up only to the last %, so time is at most len(s) x len(pattern)."""
    i = j = 0
    star, mark = -1, 0
    while i < len(s):
        if j < len(tokens) and (tokens[j] is _ONE or tokens[j] == s[i]):
            i, j = i + 1, j + 1
        elif j < len(tokens) and tokens[j] is _ANY:
            star, mark, j = j, i, j + 1
        elif star >= 0:
            mark += 1
            i, j = mark, star + 1
        else:
            return False
    while j < len(tokens) and tokens[j] is _ANY:
        j += 1
    return j == len(tokens)


def like(s, pattern, escape="\\"):
    s, pattern = _s(s), _s(pattern)
    if s is None or pattern is None:
        return None
    return _like_match(s, _like_tokens(pattern, escape))


def ilike(s, pattern, escape="\\"):
    """Spark's ILIKE: LIKE over both sides in lower case."""
    s, pattern = _s(s), _s(pattern)
    if s is None or pattern is None:
        return None
    return _like_match(s.lower(), _like_tokens(pattern.lower(), escape))


def rlike(s, pattern):
    """RLIKE / regexp_like: true when the Java regex matches anywhere in the string (bounded in time)."""
    s, pattern = _s(s), _s(pattern)
    if s is None or pattern is None:
        return None
    return javaregex.search(pattern, s)


def regexp_extract(s, pattern, group=1):
    s, pattern = _s(s), _s(pattern)
    if s is None or pattern is None or group is None:
        return None
    return javaregex.extract(pattern, s, int(group))


def regexp_replace(s, pattern, replacement, position=1):
    s, pattern, replacement = _s(s), _s(pattern), _s(replacement)
    if s is None or pattern is None or replacement is None or position is None:
        return None
    return javaregex.replace(pattern, s, replacement, int(position))


def split(s, pattern, limit=-1):
    s, pattern = _s(s), _s(pattern)
    if s is None or pattern is None or limit is None:
        return None
    return javaregex.split(pattern, s, int(limit))


# --- date and time -----------------------------------------------------------------------------

def _part(value, attribute):
    ts = to_timestamp(value)
    return None if ts is None else getattr(ts, attribute)


def year(v):
    return _part(v, "year")


def month(v):
    return _part(v, "month")


def day(v):
    return _part(v, "day")


def hour(v):
    return _part(v, "hour")


def minute(v):
    return _part(v, "minute")


def second(v):
    return _part(v, "second")


def dayofweek(v):
    """1 = Sunday ... 7 = Saturday, as Spark."""
    ts = to_timestamp(v)
    return None if ts is None else (ts.weekday() + 1) % 7 + 1


def date_(v):
    return to_date(v)


def unix_seconds(v):
    ts = to_timestamp(v)
    return None if ts is None else int((ts - _EPOCH).total_seconds() // 1)


_EPOCH = to_timestamp("1970-01-01")


def interval(seconds):
    return timedelta(seconds=seconds)


# --- collections -------------------------------------------------------------------------------

def size(value):
    return None if value is None else len(value)


def array_contains(values, item):
    if values is None or item is None:
        return None
    saw_null = False
    for v in values:
        if v is None:
            saw_null = True
        elif eq(v, item) is True:
            return True
    return None if saw_null else False


def element_at_1(values, index):
    """element_at(array, i): 1-based, negative from the end, out of range NULL; index 0 fails, as in Spark."""
    if values is None or index is None:
        return None
    if isinstance(values, dict):
        return values.get(index)
    if index == 0:
        raise ValueError("element_at: the index 0 is invalid (the first element has index 1)")
    position = index - 1 if index > 0 else len(values) + index
    return values[position] if 0 <= position < len(values) else None


def element_at(values, index):
    """Bracket access a[i]: 0-based for arrays, key lookup for maps; out of range is NULL."""
    if values is None or index is None:
        return None
    if isinstance(values, dict):
        return values.get(index)
    return values[index] if 0 <= index < len(values) else None
