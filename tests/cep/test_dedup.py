"""Deduplication's two generated forms and its rule, without Spark: which form a config generates, the
identity's equality, and the transformWithState processor's state and timer bookkeeping (driven by a
fake handle; tests/cep/test_spark_scenarios.py runs both forms on Spark)."""

from __future__ import annotations

import pytest

from lakestream.cep.runtime.dedup import Dedup
from lakestream.cep.runtime.spark_processor import DedupProcessor
from lakestream.cep.runtime.params import DeduplicationParams
from lakestream.codegen import generate
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from lakestream.nodes.patterns.deduplication import native

NODE = REGISTRY["deduplication"]
BASE = dict(NODE.example)  # watermark_delay 10 minutes, no `within`


@pytest.mark.parametrize(("within", "expected"), [(None, True), ("600 seconds", True), ("10 minutes", True),
                                                  ("11 minutes", False), ("1 second", False)])
def test_native_exactly_when_the_bound_is_the_watermark_delay(within, expected):
    config = NODE.config.model_validate({**BASE, "within": within})
    assert native(config) is expected


@pytest.mark.parametrize("within", [None, "1 hour"])
def test_the_generated_job_uses_the_form_its_bound_allows(within):
    code = generate(sample_pipeline("deduplication", {**BASE, "within": within}), "sss", "local")
    job = code.files["stream_job.py"].text
    if within is None:
        assert ".dropDuplicatesWithinWatermark(['card_id', 'merchant'])" in job
        assert "DedupProcessor" not in job and "lakestream_cep/dedup.py" not in code.files
    else:
        assert "DedupProcessor({'within': 3600000000}, ['_ls_row'], fields=1)" in job
        assert "dropDuplicates" not in job and "lakestream_cep/dedup.py" in code.files


def test_identity_values_compare_as_spark_compares_them():
    rule, expires = Dedup(DeduplicationParams(within=10)), {}
    assert rule.keep(expires, 100, (None, float("nan"), 0.0))
    assert not rule.keep(expires, 50, (None, float("nan"), -0.0))  # NULL = NULL, NaN = NaN, -0.0 = 0.0
    assert rule.keep(expires, 50, ("", float("nan"), 0.0))
    assert expires == {(None, ("NaN",), 0.0): 110, ("", ("NaN",), 0.0): 60}
    assert rule.evict(expires, 60) == 110 and rule.evict(expires, 110) is None and expires == {}


class _State:
    def __init__(self):
        self.value = None
        self.updates = 0

    def get(self):
        return self.value

    def update(self, value):
        self.value = value
        self.updates += 1

    def clear(self):
        self.value = None


class _Handle:
    def __init__(self):
        self.state, self.timers, self.calls = _State(), set(), []

    def getValueState(self, name, schema):
        return self.state

    def registerTimer(self, ms):
        self.calls.append(("register", ms))
        self.timers.add(ms)

    def deleteTimer(self, ms):
        self.calls.append(("delete", ms))
        self.timers.remove(ms)


class _Watermark:
    def __init__(self, ms):
        self.ms = ms

    def getCurrentWatermarkInMs(self):
        return self.ms


def _row(payload, ts_us, identity):
    return (payload, ts_us, identity)  # payload, _ls_ts, _ls_f0: the processor reads by position


def test_processor_keeps_first_arrivals_and_one_timer_at_the_earliest_expiry():
    processor = DedupProcessor({"within": 5_000_500}, ["_ls_row"], fields=1)
    handle = _Handle()
    processor.init(handle)
    rows = [_row("a", 20_000_000, "x"), _row("b", 10_000_000, "x"), _row("c", 30_000_000, "y"), _row("d", None, "z")]
    out = list(processor.handleInputRows(("k",), iter(rows), _Watermark(0)))
    assert [r[0] for r in out] == ["a", "c"]  # arrival order wins; a row without time is ignored
    assert handle.timers == {25_001}  # ms at or after expiresAt 25,000,500 us
    # a later batch: "x" is still remembered, "z" is new and expires earlier than "x": the timer moves
    out = list(processor.handleInputRows(("k",), iter([_row("e", 1, "x"), _row("f", 2_000_000, "z")]), _Watermark(0)))
    assert [r[0] for r in out] == ["f"] and handle.timers == {7_001}
    # only repeats, nothing forgotten: nothing emitted, and the state is not written again
    updates = handle.state.updates
    assert list(processor.handleInputRows(("k",), iter([_row("e2", 3, "x")]), _Watermark(0))) == []
    assert handle.state.updates == updates and handle.timers == {7_001}
    # the watermark reaches "z" and "x" during a batch with input: forgotten after it, the due timer deleted
    out = list(processor.handleInputRows(("k",), iter([_row("g", 26_000_000, "x")]), _Watermark(25_001)))
    assert out == [] and handle.timers == {35_001}
    # the last identity's timer fires (Spark removes a fired timer): the key's state is cleared, no timer left
    handle.timers.remove(35_001)
    assert list(processor.handleExpiredTimer(("k",), _Watermark(35_001), None)) == []
    assert handle.state.value is None and handle.timers == set()
    assert list(processor.handleInputRows(("k",), iter([_row("h", 40_000_000, "y")]), _Watermark(35_001)))[0][0] == "h"


def test_the_engine_groups_nan_and_zero_keys_as_spark_does():
    """The rows of tests/cep/test_dedup_payload_spark.py's identity test: Spark keeps the first of each pair."""
    from datetime import datetime

    from lakestream.cep.engine import run_pattern

    nan = float("nan")
    pairs = [((nan, 1.0), (nan, 1.0)), ((0.0, -0.0), (-0.0, 0.0)), ((1.0, nan), (1.0, nan)),
             ((None, None), (None, None)), (([1, None], {"a": [2]}), ([1, None], {"a": [2]}))]
    rows = [("in", {"k": k, "v": v, "n": 2 * i + j, "ts": datetime(2024, 1, 1, 0, 0, 2 * i + j)})
            for i, pair in enumerate(pairs) for j, (k, v) in enumerate(pair)]
    config = NODE.config.model_validate({**BASE, "key_columns": ["k"], "columns": ["v"]})
    result = run_pattern("deduplication", config, [rows])
    assert [r["n"] for r in result.rows] == [0, 2, 4, 6, 8]  # arrays and maps compare by value too
