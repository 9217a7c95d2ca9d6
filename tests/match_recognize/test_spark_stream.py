"""The streaming query (transformWithStateInPandas on local Spark) gives the batch replay's rows.

A representative subset of the hand-written cases runs here (each streaming query costs seconds): one or
more per feature family; every streamable case runs through the same engine in test_streaming_engine.py.
"""

from __future__ import annotations

import json
import os

import pytest

from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.cep.match_recognize.streaming import match_recognize_stream
from tests.match_recognize.cases import by_partition, load_cases, sentinel, timed

SUBSET = {
    "quantifiers: nested quantifiers",
    "preferment: PERMUTE matches the variables in any order",
    "preferment: alternation picks the preferred option even when another is longer",
    "anchors_exclusion_empty: ^ inside an alternation",
    "anchors_exclusion_empty: excluded rows are left out of ALL ROWS PER MATCH",
    "anchors_exclusion_empty: ALL ROWS shows an empty match as its start row with a null CLASSIFIER",
    "skip: TO LAST v resumes at the last row of v",
    "skip: TO NEXT ROW with ALL ROWS outputs a row once per match",
    "output_modes: WITH UNMATCHED ROWS does not repeat rows covered by an overlapping match",
    "navigation: RUNNING and FINAL in ALL ROWS PER MATCH",
    "navigation: PREV(FIRST(...)) and NEXT(LAST(...)) navigate outside the match",
    "aggregates: a running sum in DEFINE bounds each match",
    "aggregates: aggregates over a SUBSET in MEASURES",
    "partitions: each partition is matched on its own and MATCH_NUMBER restarts",
    "navigation: CLASSIFIER of a subset is the variable of its last row so far",
    "navigation: nested navigation with offsets and FINAL in ALL ROWS PER MATCH",
    "navigation: PREV(LAST(A.price), 1) in DEFINE looks before the last row of A",
    "navigation: delimited variables in SUBSET, MEASURES, CLASSIFIER and AFTER MATCH SKIP",
    "aggregates: DISTINCT aggregates count each value once and ignore NULLs",
    "quantifiers: {,} is unbounded from zero, as *",
    "anchors_exclusion_empty: ^+ is ^ (its repeats are empty)",
    "anchors_exclusion_empty: an empty cycle inside a repeated group does not stop the group",
}
CASES = [c for c in load_cases() if c.id in SUBSET]


def test_the_subset_is_found():
    assert len(CASES) == len(SUBSET)


def _spark_type(values) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int}:
        return "bigint"
    if kinds and kinds <= {int, float}:
        return "double"
    return "string"


def _write_batches(folder, columns, rows, files: int = 2, last: dict | None = None) -> None:
    """Rows in `files` JSON-lines files (one micro-batch each), then the sentinel alone in the last one."""
    folder.mkdir()
    size = max(1, -(-len(rows) // files))
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] + [[last or sentinel(columns)]]
    for n, chunk in enumerate(chunks):
        lines = [json.dumps({k: (v.isoformat() if k == "ts" and v else v) for k, v in r.items()}) for r in chunk]
        path = folder / f"part-{n:03d}.json"
        path.write_text("\n".join(lines) + "\n")
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))  # the file source reads oldest first


@pytest.mark.spark
@pytest.mark.parametrize("case", CASES)
def test_stream_equals_batch_on_spark(spark, tmp_path, case, request):
    config, columns, rows = timed(case)
    out_columns, expected = replay_match_recognize(config, rows)
    types = {c: ("timestamp" if c == "ts" else _spark_type(r.get(c) for r in rows)) for c in columns}
    _write_batches(tmp_path / "in", columns, rows)
    source = (spark.readStream.schema(", ".join(f"`{c}` {t}" for c, t in types.items()))
              .option("maxFilesPerTrigger", 1).json(str(tmp_path / "in")))
    name = f"mr_{abs(hash(request.node.name))}"
    query = (match_recognize_stream(source, config).writeStream.format("memory").queryName(name)
             .option("checkpointLocation", str(tmp_path / "checkpoint")).outputMode("append")
             .trigger(availableNow=True).start())
    try:
        query.awaitTermination(180)
        assert query.exception() is None
        got = [tuple(row) for row in spark.table(name).collect()]
    finally:
        query.stop()
    got = [tuple(list(v) if isinstance(v, list) else v for v in row) for row in got]
    keys = config["partition_by"]
    assert by_partition(out_columns, got, keys) == by_partition(out_columns, expected, keys)
    assert got, "the stream produced no rows"


@pytest.mark.spark
def test_one_global_partition_on_spark(spark, tmp_path):
    """No PARTITION BY: the stream groups by a constant key; the late row only moves the watermark."""
    config, columns, rows = timed({"title": "global", "pattern": "A B+ C?", "input": "a b b c a b a c b b"})
    config["partition_by"] = []
    _, expected = replay_match_recognize(config, rows)
    # the far later row is in the only partition: it moves the watermark and stays pending itself
    _write_batches(tmp_path / "in", columns, rows, last=sentinel(columns) | {"p": "all"})
    source = spark.readStream.schema("p string, ts timestamp, id bigint, v string") \
        .option("maxFilesPerTrigger", 1).json(str(tmp_path / "in"))
    query = (match_recognize_stream(source, config).writeStream.format("memory").queryName("mr_global")
             .option("checkpointLocation", str(tmp_path / "checkpoint")).trigger(availableNow=True).start())
    try:
        query.awaitTermination(180)
        assert query.exception() is None
        got = [tuple(list(v) if isinstance(v, list) else v for v in row) for row in spark.table("mr_global").collect()]
    finally:
        query.stop()
    assert got == [tuple(r) for r in expected] and len(got) == 2


@pytest.mark.spark
def test_integral_columns_keep_integral_types_on_spark(spark, tmp_path):
    """long, short and byte columns: differences and sums stay integers in the stream's output schema."""
    config, columns, rows = timed({"title": "types", "pattern": "A B+", "columns": ["id", "price", "qty", "b"],
                                   "define": {"B": "price < PREV(price)"}, "undefined": ["A"],
                                   "rows": [[1, 10, 1, 3], [2, 7, 2, 4], [3, 5, 3, 5], [4, 9, 4, 6]],
                                   "measures": ["A.price - B.price AS diff", "sum(A.price) AS total",
                                                "A.qty * 2 AS twice", "max(B.b) AS top", "sum(B.b) AS bsum"]})
    _, expected = replay_match_recognize(config, rows)
    _write_batches(tmp_path / "in", columns, rows)
    source = spark.readStream.schema("p string, ts timestamp, id bigint, price long, qty short, b byte") \
        .option("maxFilesPerTrigger", 1).json(str(tmp_path / "in"))
    frame = match_recognize_stream(source, config)
    assert {f.name: f.dataType.simpleString() for f in frame.schema.fields} == {
        "p": "string", "diff": "bigint", "total": "bigint", "twice": "int", "top": "tinyint", "bsum": "bigint"}
    query = (frame.writeStream.format("memory").queryName("mr_types")
             .option("checkpointLocation", str(tmp_path / "checkpoint")).trigger(availableNow=True).start())
    try:
        query.awaitTermination(180)
        assert query.exception() is None
        got = [tuple(row) for row in spark.table("mr_types").collect() if row["p"] != "~end"]
    finally:
        query.stop()
    assert got == [tuple(r) for r in expected] == [("all", 5, 10, 2, 5, 9)]
    assert all(type(v) is int for v in got[0][1:])
