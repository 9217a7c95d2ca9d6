"""Spark SQL semantics in plain Python (NULL = None): the helpers compiled expressions call.

Non-ANSI Spark semantics, as sqlglot's spark dialect reads them: casts and division by zero give
NULL instead of failing. Integers are Python ints (no 32/64-bit overflow wrapping).
"""

from __future__ import annotations

import math
import re
import struct
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

NUMBER = (int, float, Decimal)


def truth(value) -> bool:
    """A condition holds only when it is TRUE (FALSE and NULL both fail, as in WHERE)."""
    return value is True


def not_(a):
    return None if a is None else not a


def and_(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or_(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def is_true(a):
    return a is True


def is_false(a):
    return a is False


# --- conversions -------------------------------------------------------------------------------

_TS_RE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?\s*(Z|UTC)?\s*$"
)


def to_timestamp(value):
    """Cast to a naive UTC datetime (NULL when the text is not a timestamp)."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        m = _TS_RE.match(value)
        if not m:
            return None
        y, mo, d, h, mi, s, frac, _ = m.groups()
        micro = int((frac or "0").ljust(6, "0"))
        try:
            return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
        except ValueError:
            return None
    if isinstance(value, NUMBER) and not isinstance(value, bool):
        try:
            return datetime(1970, 1, 1) + timedelta(seconds=float(value))
        except (OverflowError, ValueError):  # past year 9999, NaN, infinity: no timestamp Python can hold
            return None
    return None


def to_date(value):
    ts = to_timestamp(value)
    return None if ts is None else ts.date()


def to_str(value):
    """Cast to STRING the way Spark prints values."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        text = repr(value)
        if "e" in text:  # Java prints 1.0E20, Python 1e+20
            mantissa, exponent = text.split("e")
            mantissa = mantissa if "." in mantissa else mantissa + ".0"
            return f"{mantissa}E{int(exponent)}"
        return text
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        return text + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value):
    """A number from a number or numeric text (NULL otherwise); used where Spark casts implicitly."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, NUMBER):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return Decimal(text) if re.match(r"^[+-]?\d*\.\d+$|^[+-]?\d+\.\d*$", text) else float(text)
        except (ValueError, InvalidOperation):
            return None
    return None


def to_int(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = _number(value)
        if value is None:
            return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime):
        return int((value - datetime(1970, 1, 1)).total_seconds() // 1)
    return int(value) if isinstance(value, NUMBER) else None


def to_double(value):
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        special = {"nan": math.nan, "infinity": math.inf, "-infinity": -math.inf, "inf": math.inf, "-inf": -math.inf}
        if text.lower() in special:
            return special[text.lower()]
        value = _number(text)
    if isinstance(value, datetime):
        return (value - datetime(1970, 1, 1)).total_seconds()
    if not isinstance(value, NUMBER):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer past the largest double: Spark's cast gives Infinity
        return math.inf if value > 0 else -math.inf


def to_decimal(value, precision=10, scale=0):
    if value is None:
        return None
    number = _number(value) if isinstance(value, (str, bool)) else value
    if not isinstance(number, NUMBER) or (isinstance(number, float) and not math.isfinite(number)):
        return None
    try:
        result = Decimal(str(number)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any decimal(p,s) holds: NULL, as Spark's overflow without ANSI
        return None
    return None if len(result.as_tuple().digits) - max(0, -result.as_tuple().exponent) > precision - scale else result


_TRUE = {"t", "true", "y", "yes", "1"}
_FALSE = {"f", "false", "n", "no", "0"}


def to_bool(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None
    if isinstance(value, NUMBER):
        return value != 0
    if isinstance(value, datetime):  # Spark: microseconds since the epoch, non-zero
        return value != _EPOCH
    return None


_EPOCH = datetime(1970, 1, 1)


def to_float(value):
    """CAST AS FLOAT: the double rounded to 32 bits (past its range: infinity)."""
    x = to_double(value)
    if x is None or not math.isfinite(x):
        return x
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.inf if x > 0 else -math.inf


_BITS = {8: 2**7, 16: 2**15, 32: 2**31, 64: 2**63}


def _wrap(n: int, bits: int) -> int:
    half = _BITS[bits]
    return (n + half) % (2 * half) - half


def to_integral(value, bits=32):
    """CAST to tinyint/smallint/int/bigint as Spark without ANSI: a double saturates at int (or bigint) and NaN is
    0, then a narrower type keeps the low bits (Java's casts); text is read as a number first."""
    if isinstance(value, float) or isinstance(value, str):
        x = _number(value) if isinstance(value, str) else value
        if x is None:
            return None
        if isinstance(x, float):
            if math.isnan(x):
                return 0
            limit = _BITS[64 if bits == 64 else 32]
            x = -limit if x <= -limit else limit - 1 if x >= limit - 1 else int(x)
            return x if bits >= 32 else _wrap(x, bits)
        value = x
    result = to_int(value)
    if isinstance(value, datetime) and result is not None and not -_BITS[bits] <= result < _BITS[bits]:
        return None  # Spark: seconds that do not fit the type are NULL, not wrapped
    return None if result is None else _wrap(result, bits)


def to_int64(value):
    return to_integral(value, 64)


def to_int16(value):
    return to_integral(value, 16)


def to_int8(value):
    return to_integral(value, 8)


# --- comparison --------------------------------------------------------------------------------

def _pair(a, b):
    """Bring two non-NULL values to comparable types as Spark's implicit casts do (None: not comparable)."""
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return a, b
        return (to_bool(a), to_bool(b)) if isinstance(a, str) or isinstance(b, str) else (_number(a), _number(b))
    if isinstance(a, (datetime, date)) or isinstance(b, (datetime, date)):
        if type(a) is date and type(b) is date:
            return a, b
        return to_timestamp(a), to_timestamp(b)
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    if isinstance(a, str) or isinstance(b, str):
        a, b = _number(a), _number(b)
    if isinstance(a, float) or isinstance(b, float):  # Decimal vs float compares exactly in Python
        return a, b
    return a, b


def _ordered(a, b):
    if a is None or b is None:
        return None
    a, b = _pair(a, b)
    if a is None or b is None:
        return None
    # Spark orders NaN above every other number and NaN = NaN
    a_nan = isinstance(a, float) and math.isnan(a)
    b_nan = isinstance(b, float) and math.isnan(b)
    if a_nan or b_nan:
        return (1 if a_nan else 0) - (1 if b_nan else 0)
    return (a > b) - (a < b)


def eq(a, b):
    c = _ordered(a, b)
    return None if c is None else c == 0


def neq(a, b):
    c = _ordered(a, b)
    return None if c is None else c != 0


def lt(a, b):
    c = _ordered(a, b)
    return None if c is None else c < 0


def le(a, b):
    c = _ordered(a, b)
    return None if c is None else c <= 0


def gt(a, b):
    c = _ordered(a, b)
    return None if c is None else c > 0


def ge(a, b):
    c = _ordered(a, b)
    return None if c is None else c >= 0


def null_safe_eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    return eq(a, b) is True


def between(x, low, high):
    return and_(ge(x, low), le(x, high))


def in_(x, options):
    if x is None:
        return None
    saw_null = False
    for option in options:
        result = eq(x, option)
        if result is True:
            return True
        saw_null = saw_null or result is None
    return None if saw_null else False


def coalesce(*values):
    return next((v for v in values if v is not None), None)


def nullif(a, b):
    return None if eq(a, b) is True else a


def greatest(*values):
    present = [v for v in values if v is not None]
    if not present:
        return None
    best = present[0]
    for v in present[1:]:
        if gt(v, best):
            best = v
    return best


def least(*values):
    present = [v for v in values if v is not None]
    if not present:
        return None
    best = present[0]
    for v in present[1:]:
        if lt(v, best):
            best = v
    return best


# --- arithmetic --------------------------------------------------------------------------------

def _operands(a, b):
    """Numeric operands with Spark's widening: any double makes both doubles; NULL when not numeric."""
    if a is None or b is None:
        return None, None
    a = _number(a) if not isinstance(a, NUMBER) or isinstance(a, bool) else a
    b = _number(b) if not isinstance(b, NUMBER) or isinstance(b, bool) else b
    if a is None or b is None:
        return None, None
    if isinstance(a, float) or isinstance(b, float):
        return float(a), float(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(a), Decimal(b)
    return a, b


def add(a, b):
    if isinstance(a, (datetime, date)) and isinstance(b, timedelta):
        return a + b
    if isinstance(b, (datetime, date)) and isinstance(a, timedelta):
        return b + a
    x, y = _operands(a, b)
    return None if x is None else x + y


def sub(a, b):
    if isinstance(a, (datetime, date)) and isinstance(b, timedelta):
        return a - b
    x, y = _operands(a, b)
    return None if x is None else x - y


def mul(a, b):
    x, y = _operands(a, b)
    return None if x is None else x * y


def div(a, b):
    """`/`: always fractional (double, or decimal for decimals); division by zero is NULL."""
    x, y = _operands(a, b)
    if x is None or y == 0:
        return None
    if isinstance(x, Decimal):
        return x / y
    return float(x) / float(y)


def int_div(a, b):
    """`div`: integral quotient truncated toward zero; division by zero is NULL."""
    x, y = _operands(a, b)
    if x is None or y == 0:
        return None
    quotient = x / y if isinstance(x, (float, Decimal)) else Decimal(x) / Decimal(y)
    return int(quotient)


def mod(a, b):
    """`%`: the remainder takes the dividend's sign (Java); modulo zero is NULL."""
    x, y = _operands(a, b)
    if x is None or y == 0:
        return None
    if isinstance(x, float):
        return math.fmod(x, y) if math.isfinite(x) else math.nan  # Java: Infinity % y is NaN
    if isinstance(x, Decimal):
        return x % y  # Decimal's % already truncates like Java
    r = abs(x) % abs(y)
    return -r if x < 0 else r


def pmod(a, b):
    r = mod(a, b)
    if r is None:
        return None
    _, y = _operands(a, b)
    return mod(add(r, y), y) if r < 0 else r


def neg(a):
    a = _number(a) if isinstance(a, str) else a
    return None if a is None else -a


def abs_(a):
    a = _number(a) if isinstance(a, str) else a
    return None if a is None else abs(a)


def _rounded(a, scale, rounding):
    a = _number(a) if isinstance(a, str) else a
    if a is None or scale is None:
        return None
    if isinstance(a, float) and not math.isfinite(a):
        return a
    try:
        result = Decimal(str(a)).quantize(Decimal(1).scaleb(-int(scale)), rounding=rounding)
    except InvalidOperation:  # more digits than the context holds (1e300): already whole at that scale
        return a
    return float(result) if isinstance(a, float) else int(result) if isinstance(a, int) else result


def round_(a, scale=0):
    """ROUND: half away from zero (HALF_UP), on the decimal text of a double as Spark does."""
    return _rounded(a, scale, ROUND_HALF_UP)


def bround(a, scale=0):
    return _rounded(a, scale, ROUND_HALF_EVEN)


def _to_long(x):
    """A double as Spark's bigint result of FLOOR/CEIL: NaN is 0, beyond the range saturates."""
    if math.isnan(x):
        return 0
    return -_BITS[64] if x <= -_BITS[64] else _BITS[64] - 1 if x >= _BITS[64] - 1 else int(x)


def floor_(a):
    a = _number(a) if isinstance(a, str) else a
    if isinstance(a, float):
        return _to_long(math.floor(a) if math.isfinite(a) else a)
    return None if a is None else math.floor(a)


def ceil_(a):
    a = _number(a) if isinstance(a, str) else a
    if isinstance(a, float):
        return _to_long(math.ceil(a) if math.isfinite(a) else a)
    return None if a is None else math.ceil(a)


def _double_fn(fn, a, domain=lambda x: True):
    x = to_double(a)
    if x is None or not domain(x):
        return None
    try:
        return fn(x)
    except (ValueError, OverflowError):
        return math.nan


def sqrt(a):
    return _double_fn(lambda x: math.sqrt(x) if x >= 0 else math.nan, a)


def exp(a):
    return _double_fn(lambda x: math.exp(x) if x < 709.8 or math.isnan(x) else math.inf, a)


def ln(a):
    return _double_fn(math.log, a, lambda x: x > 0 or math.isnan(x))


def log(base, a):
    """log(base, x): NULL for a base or x at or below 0 (Spark's rule); base 1 divides by log 1 = 0."""
    b, x = to_double(base), to_double(a)
    if b is None or x is None or b <= 0 or x <= 0:
        return None
    numerator, denominator = math.log(x), math.log(b)
    if denominator == 0:
        return math.nan if numerator == 0 or math.isnan(numerator) else math.copysign(math.inf, numerator)
    return numerator / denominator


def power(a, b):
    x, y = to_double(a), to_double(b)
    if x is None or y is None:
        return None
    try:
        result = x ** y
    except (ZeroDivisionError, OverflowError):
        return math.inf
    return math.nan if isinstance(result, complex) else float(result)


def sign(a):
    x = to_double(a)
    return None if x is None else math.nan if math.isnan(x) else float((x > 0) - (x < 0))


def is_null(a):
    return a is None


def is_not_null(a):
    return a is not None
