"""The incremental (streaming) engine, fed micro-batches and watermarks as Spark does, equals batch replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lakestream.cep.match_recognize.replay import compile_for, replay_match_recognize
from tests.match_recognize.cases import by_partition, load_cases, sentinel, streamable, timed

STREAMABLE = [c for c in load_cases() if streamable(c.values[0])]
DELAY = 10.0


def simulate(engine, rows: list[tuple], batch_size: int) -> list[tuple]:
    """Feed `rows` in arrival order, `batch_size` per micro-batch, with Spark's watermark rule: each batch
    sees max(event time of earlier batches) - delay; keys without data get a timer call; late rows drop."""
    states: dict = {}
    out: list[tuple] = []
    watermark, max_seen = None, None
    key_of = lambda row: tuple(row[i] for i in engine.partition)  # noqa: E731
    batches = [rows[i:i + batch_size] for i in range(0, len(rows), batch_size)] + [[]]
    for batch in batches:
        by_key: dict = {}
        for row in batch:
            if watermark is None or engine.seconds(row) > watermark:
                by_key.setdefault(key_of(row), []).append(row)
        for key in set(by_key) | set(states):
            state = states.setdefault(key, engine.new_state())
            out.extend(engine.feed(state, by_key.get(key, []), watermark))
        for row in batch:
            max_seen = max(max_seen or engine.seconds(row), engine.seconds(row))
        watermark = None if max_seen is None else max_seen - DELAY
    return out


def test_most_cases_are_streamable():
    assert len(STREAMABLE) >= 90


@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize("case", STREAMABLE)
def test_stream_equals_batch(case, batch_size):
    config, columns, rows = timed(case)
    out_columns, expected = replay_match_recognize(config, rows)
    engine = compile_for(config, columns)
    data = [tuple(r.get(c) for c in columns) for r in rows + [sentinel(columns)]]
    got = simulate(engine, data, batch_size)
    keys = config["partition_by"]
    assert by_partition(out_columns, got, keys) == by_partition(out_columns, expected, keys)


def test_state_is_trimmed_behind_the_next_start():
    config, columns, rows = timed({"title": "t", "pattern": "A B", "input": " ".join(["a b c"] * 50)})
    engine = compile_for(config, columns)
    data = [tuple(r.get(c) for c in columns) for r in rows]
    state = engine.new_state()
    for row in data:
        engine.feed(state, [row], engine.seconds(row) - DELAY)
    assert len(state["rows"]) + len(state["pending"]) <= 12  # the 10-second delay, not all 150 rows


def test_within_drops_a_partial_match_once_the_watermark_passes_it():
    config, columns, rows = timed({"title": "t", "pattern": "A B+ C", "input": "a b b b b b b b b c"})
    config["within"] = "5 seconds"
    engine = compile_for(config, columns)
    data = [tuple(r.get(c) for c in columns) for r in rows]
    state = engine.new_state()
    assert engine.feed(state, data, engine.seconds(data[-1]) + 1) == []
    assert state["pos"] == len(state["rows"])  # nothing pending: every start row was decided
    config["within"] = "1 minute"
    engine = compile_for(config, columns)
    state = engine.new_state()
    assert len(engine.feed(state, data, engine.seconds(data[-1]) + 1)) == 1


@pytest.mark.parametrize("batch_size", [1, 3])
def test_a_repeated_order_by_column_streams_as_in_batch(batch_size):
    """ORDER BY ts, v DESC, ts: ties in event time are ordered by v, the repeated ts orders nothing more."""
    config, columns, rows = timed({"title": "t", "pattern": "A B+", "input": "a b b a b c a b"})
    for i, row in enumerate(rows):  # two rows per second: ties in event time
        row["ts"] = rows[0]["ts"] + timedelta(seconds=i // 2)
    config["order_by"] = [{"column": "ts"}, {"column": "v", "desc": True}, {"column": "ts"}]
    _, expected = replay_match_recognize(config, rows)
    _, without_repeat = replay_match_recognize({**config, "order_by": config["order_by"][:2]}, rows)
    engine = compile_for(config, columns)
    got = simulate(engine, [tuple(r.get(c) for c in columns) for r in rows + [sentinel(columns)]], batch_size)
    keys = config["partition_by"]
    # ordered b a | b a | c b | b a: one A B (ids 1, 3); in id order it would be A B B
    assert expected == without_repeat == [("all", 1, 1, 3, ["A", "B"])]
    assert by_partition(engine.columns, got, keys) == by_partition(engine.columns, expected, keys)
