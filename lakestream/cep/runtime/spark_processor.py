"""The Spark side of the pattern runtime: the row-based transformWithState processors.

PatternProcessor drives every per-key algorithm; DedupProcessor applies deduplication's own rule.

This is the only runtime module that imports pyspark; the per-key algorithms it drives are the
standard-library modules beside it, the same code the local engine runs. Conditions arrive already
evaluated by Spark as the columns _ls_f0, _ls_f1, ...; the event time as epoch microseconds in _ls_ts.
Events tied in event time within one micro-batch keep the order Spark delivers them in (Spark has no
arrival number for streaming rows).

Late rows (event time at or before the watermark of the previous micro-batch) never get here: Spark's
transformWithState drops them, the rule the engine follows. Rows below the current watermark that are
not late are processed in the same micro-batch.

Speed: rows stay Python tuples (no pandas), the key's state is one pickled value read and written
once per call, and a key that is due in the batch where it also has input does its timer's work at
once and deletes that timer, so it costs one call instead of two.
"""

from __future__ import annotations

import pickle
import sys

from pyspark.sql.streaming.stateful_processor import StatefulProcessor
from pyspark.sql.types import BinaryType, Row, StructField, StructType

from .dedup import Dedup
from .driver import KeyState, advance, forgettable, label, wake_time
from .params import typed
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
    """Buffers each key's events (Spark drops the late ones), runs the pattern when the watermark reaches them.

    `columns`: the output columns (key columns, match_id, pattern fields); `timestamps`: the output
    columns holding epoch microseconds (Spark turns them into timestamps); `fields`: how many _ls_f
    columns the events carry; `keys`: how many grouping columns are real key columns (0: one global
    key).
    """

    def __init__(self, type_id, params, columns, timestamps=(), fields=0, keys=0):
        self.type_id = type_id
        self.params = params
        self.columns = list(columns)
        self.timestamps = list(timestamps)  # kept for the signature: micros go out as they are
        self.fields = fields
        self.keys = keys

    def init(self, handle):
        self.handle = handle
        self.pattern = make_pattern(self.type_id, self.params)
        self.store = handle.getValueState("key_state", _STATE)
        self.out = Row(*self.columns)

    def _load(self):
        """The key's state, the timer last registered (ms) and the key's arrival counter."""
        value = self.store.get()
        if value is not None:
            data = pickle.loads(value[0])
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
                if timer is not None:
                    self.handle.deleteTimer(timer)  # an earlier event moved the wake-up forward
            timer = wanted
        data = ks.to_json()
        data["timer"], data["seq"] = timer, seq
        self.store.update((pickle.dumps(data, protocol=4),))

    def _advance(self, key, ks, watermark):
        """Run the key up to the watermark; its output as Rows."""
        rows = advance(self.pattern, ks, watermark)
        if not rows:
            return []
        out = self.out
        head = tuple(key)[: self.keys]
        return [out(*head, *r) for r in label(self.pattern, ks, head, rows)]

    def handleInputRows(self, key, rows, timerValues):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        ks, timer, seq = self._load()
        buffer = ks.buffer
        first = -self.fields  # each row ends with _ls_ts, then the fields (read by position:
        at = first - 1        # Spark may prepend the grouping columns or rename columns)
        fields = slice(first, None if first else 0)
        get = tuple.__getitem__  # Row's own __getitem__ also looks up names: slower
        for row in rows:  # delivery order stands for arrival order (Spark keeps no arrival number)
            ts = get(row, at)
            if ts is None:
                continue  # no event time (Spark itself dropped the late rows: ts <= the previous watermark)
            seq += 1
            buffer.append([ts, seq, *get(row, fields)])
        out = []
        wake = wake_time(self.pattern, ks)
        if wake is not None and wake <= watermark:
            # the key is due in this batch (its timer, or an event below this batch's watermark): run it now
            out = self._advance(key, ks, watermark)
            if timer is not None and timer * 1000 <= watermark:
                self.handle.deleteTimer(timer)  # its work is done: it need not fire
                timer = None
        self._save(ks, timer, seq)
        return iter(out)

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        ks, _, seq = self._load()
        out = self._advance(key, ks, watermark)
        self._save(ks, None, seq)
        return iter(out)

    def close(self):
        pass


class DedupProcessor(StatefulProcessor):
    """Deduplication when `within` differs from the watermark delay (otherwise the job uses Spark's own
    dropDuplicatesWithinWatermark, whose rule runtime/dedup.py repeats for any bound).

    Grouped by the key columns; each row starts with its payload (every input column, or one packed
    JSON string: `columns` names them) and ends with _ls_ts and the identity columns as _ls_f0, _ls_f1...
    Rows of an identity not remembered are emitted at once, in delivery order; the key's identities
    are forgotten when the watermark reaches their expiresAt, at the end of that micro-batch (the
    key's timer, or at once when the key has input in that batch, since all its rows came).

    This relies on Spark 4.3 firing an event-time timer once the watermark *equals* it (earlier 4.0
    code waited for the watermark to pass it); tests/cep/scenarios/deduplication/timer_boundary.json
    pins it on Spark.
    """

    def __init__(self, params, columns, fields):
        self.params = params
        self.columns = list(columns)
        self.fields = fields

    def init(self, handle):
        self.handle = handle
        self.rule = Dedup(typed(Dedup.Params, self.params))
        self.store = handle.getValueState("key_state", _STATE)
        self.out = Row(*self.columns)

    def _load(self):
        value = self.store.get()
        if value is None:
            return {}, None
        return pickle.loads(value[0])

    def _save(self, expires, timer, watermark, changed=True):
        """Forget what the watermark reached, then keep one timer at the earliest expiresAt left;
        write the state only when it changed (each state call is a round trip to the JVM)."""
        if timer is not None and timer * 1000 <= watermark:
            self.handle.deleteTimer(timer)  # due in this batch: its work is done here, it need not fire
            timer = None
        size = len(expires)
        wake = self.rule.evict(expires, watermark)
        changed = changed or len(expires) != size
        wanted = None if wake is None else -(-wake // 1000)  # timers are in ms: the first ms at or after it
        if timer is not None and timer != wanted:
            self.handle.deleteTimer(timer)
        if wanted is None:
            self.store.clear()
            return
        if wanted != timer:
            self.handle.registerTimer(wanted)
            changed = True
        if changed:
            self.store.update((pickle.dumps((expires, wanted), protocol=4),))

    def handleInputRows(self, key, rows, timerValues):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        expires, timer = self._load()
        keep, out = self.rule.keep, []
        at = -self.fields - 1  # _ls_ts, then the identity fields, end each row (read by position)
        get = tuple.__getitem__
        payload, identity = slice(0, len(self.columns)), slice(at + 1, None)
        for row in rows:
            ts = get(row, at)
            if ts is not None and keep(expires, ts, get(row, identity)):  # no event time: ignored
                out.append(self.out(*get(row, payload)))
        self._save(expires, timer, watermark, changed=bool(out))
        return iter(out)

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        watermark = timerValues.getCurrentWatermarkInMs() * 1000
        expires, _ = self._load()
        self._save(expires, None, watermark)
        return iter(())

    def close(self):
        pass
