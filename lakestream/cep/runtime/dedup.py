"""Deduplication's rule, as Spark's dropDuplicatesWithinWatermark: the first event of an identity to arrive wins.

State per key: identity values (the `columns`; the key is the grouping) -> expiresAt = ts + within.
Rows are handled in arrival order and emitted at once; the identities whose expiresAt the watermark
has reached are forgotten at the end of the micro-batch. The local engine (lakestream/cep/dedup.py)
and the generated transformWithState processor (spark_processor.DedupProcessor) both run this code.
"""

from __future__ import annotations

import math

from .params import DeduplicationParams

_NAN = ("NaN",)  # NaN equals NaN in an identity, as in Spark's grouping and dropDuplicates


_SPECIAL = (float, list, tuple, dict)


def comparable(values) -> tuple:
    """Values as one hashable tuple that compares as Spark compares them: NULL = NULL, NaN = NaN,
    -0.0 = 0.0 (Python's own rule), arrays and structs element by element."""
    values = tuple(values)
    for value in values:
        if isinstance(value, _SPECIAL):  # rare: plain values (strings, numbers, times) go as they are
            return tuple(map(_comparable, values))
    return values


def _comparable(value):
    if isinstance(value, float):
        return _NAN if math.isnan(value) else value
    if isinstance(value, (list, tuple)):  # an array, or a struct (a Row is a tuple)
        return comparable(value)
    if isinstance(value, dict):  # a map: Spark refuses it in an identity; compare it by its entries anyway
        return tuple(sorted((repr(k), _comparable(v)) for k, v in value.items()))
    return value


class Dedup:
    """Keeps the first row of each identity until the watermark reaches its expiresAt."""

    Params = DeduplicationParams

    def __init__(self, params):
        self.within = params.within

    def keep(self, expires: dict, ts: int, values) -> bool:
        """Whether the row (event time `ts` µs, identity `values`) is the first of its identity; remember it if so."""
        identity = comparable(values)
        if identity in expires:
            return False
        expires[identity] = ts + self.within
        return True

    @staticmethod
    def evict(expires: dict, watermark: int):
        """Forget the identities whose expiresAt <= watermark; return the earliest expiresAt left, or None."""
        gone = [identity for identity, at in expires.items() if at <= watermark]
        for identity in gone:
            del expires[identity]
        return min(expires.values()) if expires else None
