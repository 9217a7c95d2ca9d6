"""The Spark side of the pattern runtime: one transformWithStateInPandas processor for every pattern.

This is the only runtime module that imports pyspark and pandas (Databricks has both); the per-key
algorithms it drives are the standard-library modules beside it, the same code the local engine
runs. Conditions arrive already evaluated by Spark as the columns _ls_f0, _ls_f1, ...; the event
time as epoch microseconds in _ls_ts. Events tied in event time within one micro-batch keep the order
Spark delivers them in (Spark has no arrival number for streaming rows).
"""

from __future__ import annotations

import pickle
import sys

import pandas as pd
from pyspark.sql.streaming.stateful_processor import StatefulProcessor
from pyspark.sql.types import BinaryType, StructField, StructType

from .driver import KeyState, advance, forgettable, label, wake_time
from .registry import make_pattern

_STATE = StructType([StructField("blob", BinaryType())])


def ensure_runtime(spark, *classes) -> None:
    """Let the Python workers run code that is not installed on them: pickle it by value.

    Beside generated code this package is the top-level `lakestream_cep`, which Spark's workers
    cannot import; registering it with cloudpickle ships its code with the processor. `classes` are
    other processors written beside the job (a user's custom processor): their modules go by value
    too. Inside LakeStream the runtime is an installed package and needs nothing.
    """
    from pyspark import cloudpickle

    package = __name__.rpartition(".")[0]
    modules = [] if "." in package else [package]
    modules += [c.__module__ for c in classes]
    for name in modules:
        cloudpickle.register_pickle_by_value(sys.modules[name])


class PatternProcessor(StatefulProcessor):
    """Buffers each key's events, drops late ones, and runs the pattern when the watermark reaches them.

    `columns`: the output columns (key columns, match_id, pattern fields); `timestamps`: the output
    columns holding epoch microseconds, turned into timestamps; `fields`: how many _ls_f columns the
    events carry; `keys`: how many grouping columns are real key columns (0: one global key);
    `passthrough`: deduplication, whose output rows are its input rows (columns = input columns).
    """

    def __init__(self, type_id, params, columns, timestamps=(), fields=0, keys=0, passthrough=False):
        self.type_id = type_id
        self.params = params
        self.columns = list(columns)
        self.timestamps = list(timestamps)
        self.fields = [f"_ls_f{i}" for i in range(fields)]
        self.keys = keys
        self.passthrough = passthrough

    def init(self, handle):
        self.handle = handle
        self.pattern = make_pattern(self.type_id, self.params)
        self.store = handle.getValueState("key_state", _STATE)

    def _load(self):
        """The key's state, the timer last registered (ms) and the key's arrival counter."""
        if self.store.exists():
            data = pickle.loads(self.store.get()[0])
            return KeyState.from_json(data), data["timer"], data["seq"]
        return KeyState(self.pattern.new_state()), None, 0

    def _save(self, ks, timer, seq):
        wake = wake_time(self.pattern, ks)
        if wake is None and forgettable(self.pattern, ks):
            self.store.clear()
            return
        if wake is not None:
            wanted = -(-wake // 1000)  # timers are in ms: the first ms at or after the wake time
            if wanted != timer:
                self.handle.registerTimer(wanted)
            timer = wanted
        data = ks.to_json()
        data["timer"], data["seq"] = timer, seq
        self.store.update((pickle.dumps(data, protocol=4),))

    @staticmethod
    def _values(frame, position):
        # by position: Spark may rename the columns of the frames it hands over (_1, _2, ...)
        column = frame.iloc[:, position]
        return column.astype(object).where(column.notna(), None).tolist()

    def handleInputRows(self, key, rows, timerValues):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        ks, timer, seq = self._load()
        for frame in rows:  # delivery order stands for arrival order (Spark keeps no arrival number)
            width = len(self.fields)
            times = self._values(frame, -width - 1)  # columns end with _ls_ts, then the fields
            fields = list(zip(*(self._values(frame, -width + i) for i in range(width)))) or [()] * len(times)
            if self.passthrough:  # the input columns come first: each event carries its row
                rows_in = zip(*(self._values(frame, i) for i in range(len(self.columns))))
                fields = [(row, *values) for row, values in zip(rows_in, fields)]
            for ts, values in zip(times, fields):
                if ts is None or ts <= watermark:
                    continue  # no event time, or late: at or before the watermark
                seq += 1
                ks.buffer.append([int(ts), seq, *values])
        self._save(ks, timer, seq)
        return iter(())

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        ks, _, seq = self._load()
        rows = advance(self.pattern, ks, watermark)
        if self.passthrough:
            out = [r[0] for r in rows]
        else:
            head = tuple(key)[: self.keys]
            out = [head + r for r in label(self.pattern, ks, head, rows)]
        self._save(ks, None, seq)
        if out:
            frame = pd.DataFrame(out, columns=self.columns)
            for column in self.timestamps:
                frame[column] = pd.to_datetime(frame[column], unit="us", utc=True)
            yield frame

    def close(self):
        pass
