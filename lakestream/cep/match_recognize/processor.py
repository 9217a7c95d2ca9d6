"""The Spark side: a transformWithStateInPandas processor running the same engine per partition key.

Needs only pyspark and pandas next to the standard-library runtime (pattern, matcher, runtime, engine),
so it ships beside generated code. The key's state is one pickled blob (rows waiting for the watermark,
rows kept for PREV, the next start row, the match counter); an event-time timer wakes the key when the
watermark will release rows or end a partial match by WITHIN.
"""

from __future__ import annotations

import math
import pickle

import pandas as pd
from pyspark.sql.streaming.stateful_processor import StatefulProcessor, StatefulProcessorHandle
from pyspark.sql.types import BinaryType, StructField, StructType

from .engine import Engine

_STATE = StructType([StructField("blob", BinaryType(), True)])
_INTEGRAL = ("tinyint", "smallint", "int", "bigint", "integer", "long", "short", "byte")


def _coerce(value, spark_type: str):
    """A Python value in the shape Arrow expects for the output column's Spark type."""
    if value is None:
        return None
    if spark_type in _INTEGRAL:
        return int(value)
    if spark_type in ("double", "float"):
        return float(value)
    if spark_type == "string":
        return value if isinstance(value, str) else str(value)
    return value


def _python(value):
    # pandas hands NaN/NaT for SQL NULL, and Timestamps; the engine works on plain Python values
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


class MatchRecognizeProcessor(StatefulProcessor):
    """Runs one compiled MATCH_RECOGNIZE spec per grouping key; `output_types` are the Spark output types."""

    def __init__(self, spec: dict, output_types: list[str], time_zone: str = "UTC"):
        self.spec = {**spec, "time_zone": time_zone}  # pandas gets wall-clock times of the session zone
        self.output_types = output_types

    def init(self, handle: StatefulProcessorHandle) -> None:
        self.handle = handle
        self.engine = Engine(self.spec)
        self.state = handle.getValueState("match_recognize", _STATE)

    def handleInputRows(self, key, rows, timerValues):
        width = len(self.spec["columns"])
        new = []
        for frame in rows:
            # by position: the input is selected in spec order, and Arrow may rename columns such as _x
            for row in frame.iloc[:, :width].astype(object).itertuples(index=False, name=None):
                new.append(tuple(_python(v) for v in row))
        yield from self._step(new, timerValues)

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        yield from self._step([], timerValues)

    def _step(self, new_rows, timerValues):
        blob = self.state.get() if self.state.exists() else None
        state = pickle.loads(blob[0]) if blob else self.engine.new_state()
        watermark_ms = timerValues.getCurrentWatermarkInMs()
        out = self.engine.feed(state, new_rows, watermark_ms / 1000.0 if watermark_ms > 0 else None)
        if state["rows"] or state["pending"]:
            self.state.update((pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL),))
        else:
            self.state.clear()
        self._timer(self.engine.next_timer(state))
        if out:
            data = [[_coerce(v, t) for v, t in zip(row, self.output_types)] for row in out]
            yield pd.DataFrame(data, columns=self.engine.columns)

    def _timer(self, at_seconds):
        for old in self.handle.listTimers():
            self.handle.deleteTimer(old)
        if at_seconds is not None:
            # Spark fires a timer once the watermark reaches it; round up so the engine sees it passed
            self.handle.registerTimer(int(math.ceil(at_seconds * 1000)))

    def close(self) -> None:
        pass
