"""Properties over random inputs: the incremental (streaming) engine equals batch replay; matches never overlap
under PAST LAST ROW; ALL ROWS outputs exactly the non-excluded rows of each match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lakestream.cep.match_recognize.replay import compile_for, replay_match_recognize
from tests.match_recognize.cases import by_partition, config_of, sentinel, timed
from tests.match_recognize.test_streaming_engine import simulate

PATTERNS = ["A B+ C", "A B*? C", "(A | B)+ C", "PERMUTE(A, B) C?", "A {- B* -} C", "A* B", "(A B?)+", "^ A B{1,2}",
            "A (B C?){2,}", "()", "A+? B*"]
SKIPS = ["PAST LAST ROW", "TO NEXT ROW", "TO LAST A"]
MODES = ["ONE", "ALL", "ALL OMIT EMPTY MATCHES", "ALL WITH UNMATCHED ROWS"]
letters = st.lists(st.sampled_from("abc"), min_size=1, max_size=14)


def case(tokens, pattern, skip, mode, partitions):
    if "A" not in pattern:
        skip = "TO NEXT ROW"  # TO LAST A needs an A in the PATTERN
    return {"title": "random", "pattern": pattern, "after_match_skip": skip,
            "rows_per_match": mode,
            "input": " ".join(f"{'xy'[i % partitions]}:{t}" for i, t in enumerate(tokens))}


def partition_errors(config, rows) -> list[str]:
    """The error message batch replay gives for each partition alone (partitions that fail)."""
    keys = config["partition_by"]
    groups: dict = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in keys), []).append(row)
    messages = []
    for group in groups.values():
        try:
            replay_match_recognize(config, group)
        except Exception as error:  # noqa: BLE001 - collecting each partition's failure
            messages.append(str(error))
    return messages


@settings(max_examples=150, deadline=None)
@given(letters, st.sampled_from(PATTERNS), st.sampled_from(SKIPS), st.sampled_from(MODES),
       st.integers(1, 2), st.integers(1, 4))
def test_stream_equals_batch(tokens, pattern, skip, mode, partitions, batch_size):
    config, columns, rows = timed(case(tokens, pattern, skip, mode, partitions))
    try:
        out_columns, expected = replay_match_recognize(config, rows)
    except Exception as error:  # e.g. TO LAST A when a match has no A: the stream must fail the same way
        engine = compile_for(config, columns)
        data = [tuple(r.get(c) for c in columns) for r in rows + [sentinel(columns)]]
        try:
            simulate(engine, data, batch_size)
        except Exception as streamed:
            # Partitions fail independently; which one fails first depends on processing order, so the
            # stream's error must be the one batch replay gives for some partition on its own.
            assert type(streamed).__name__ == "MatchError"
            assert any(str(streamed) in message for message in partition_errors(config, rows)), (streamed, error)
            return
        raise AssertionError(f"batch failed ({error}) but the stream did not")
    engine = compile_for(config, columns)
    data = [tuple(r.get(c) for c in columns) for r in rows + [sentinel(columns)]]
    keys = config["partition_by"]
    assert by_partition(out_columns, simulate(engine, data, batch_size), keys) == \
        by_partition(out_columns, expected, keys)


@settings(max_examples=100, deadline=None)
@given(letters, st.sampled_from(PATTERNS))
def test_all_rows_output_the_unexcluded_rows_of_non_overlapping_matches(tokens, pattern):
    one = config_of({"pattern": pattern, "input": " ".join(tokens),
                     "measures": ["MATCH_NUMBER() AS mn", "FIRST(id) AS first", "LAST(id) AS last",
                                  "count(*) AS n"]})
    _, matches = replay_match_recognize(one, [{"id": i, "v": t} for i, t in enumerate(tokens, 1)])
    spans = [(first, last) for _, first, last, n in matches if n]
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # PAST LAST ROW: no overlap, in order
    if "{-" in pattern:
        return
    every = config_of({"pattern": pattern, "input": " ".join(tokens), "rows_per_match": "ALL OMIT EMPTY MATCHES"})
    _, rows = replay_match_recognize(every, [{"id": i, "v": t} for i, t in enumerate(tokens, 1)])
    assert [r[0] for r in rows] == [i for first, last in spans for i in range(first, last + 1)]
