"""Deduplication passes its rows through Python unchanged: packed as one JSON string, or column by column.

Every packed column type with its awkward values (NaN, infinities, -0.0, microseconds, extreme integers,
long decimals, binary, control characters) must come out of the generated job exactly as Spark read it.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.cep.spark_harness import source_pipeline, write_job

pytestmark = pytest.mark.spark

PACKED = [
    ("id", "string"), ("ts", "timestamp"), ("flag", "boolean"), ("b", "tinyint"), ("s", "smallint"),
    ("i", "int"), ("l", "bigint"), ("d", "double"), ("dt", "date"), ("ntz", "timestamp_ntz"),
    ("bin", "binary"), ("dec", "decimal(38,18)"), ("note", "string"),
]
VALUES = [
    {"flag": True, "b": -128, "s": 32767, "i": -2147483648, "l": 9223372036854775807, "d": float("nan"),
     "dt": "0001-01-01", "ntz": "2024-03-31T02:30:00.000001", "bin": "AAEC/w==",
     "dec": "-12345678901234567890.123456789012345678", "note": 'quote " backslash \\ newline \n tab \t é 😀'},
    {"flag": False, "b": 127, "s": -32768, "i": 2147483647, "l": -9223372036854775808, "d": float("inf"),
     "dt": "9999-12-31", "ntz": "1970-01-01T00:00:00", "bin": "", "dec": "0.000000000000000001", "note": ""},
    {"d": float("-inf"), "dec": "1E+3", "note": "\u0000\u001f control"},
    {"d": -0.0, "ts_micros": 999999},
    {"d": 5e-324, "l": 0},
    {"d": 1.7976931348623157e308, "i": 0},
    {"d": 0.1 + 0.2},
    {},  # every column but the identity and the time NULL
]


# `within` other than the watermark delay: the transformWithState form (equal bounds generate
# dropDuplicatesWithinWatermark, where no row passes through Python)
TWS = {"key_columns": [], "columns": ["id"], "within": "2 seconds", "event_time_column": "ts",
       "watermark_delay": "1 second"}


def _job(spark, tmp_path, schema: list[tuple[str, str]], config: dict, batches: list[list[dict]]):
    """Generate a deduplication job over `schema`, run it on micro-batches of rows; return (code, events, out)."""
    sink = f"dedup_{uuid.uuid4().hex[:8]}"
    columns = [{"name": n, "type": t} for n, t in schema]
    job, code = write_job(source_pipeline("payload", columns, "deduplication", config, sink), tmp_path / "code")
    events = tmp_path / "events" / "src"
    events.mkdir(parents=True)
    for number, rows in enumerate(batches):
        path = events / f"b{number}.json"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    for query in job.start(spark, checkpoint_root=str(tmp_path / "cp"), input_root=str(tmp_path / "events"),
                           output_root=str(tmp_path / "out")):
        query.awaitTermination(180)
        assert query.exception() is None, query.exception()
    names = [n for n, _ in schema]  # the source adds its _kafka_* columns (NULL locally)
    return code.files["stream_job.py"].text, events, spark.read.parquet(str(tmp_path / "out" / sink)).select(*names)


def _run(spark, tmp_path, schema: list[tuple[str, str]], rows: list[dict]):
    """The transformWithState form over `rows` (all distinct): return (code, rows as read, rows written)."""
    lines = []
    for n, row in enumerate(rows):
        micros = row.pop("ts_micros", 123456)
        lines.append({"id": f"e{n}", "ts": f"2024-01-01T00:00:{n:02d}.{micros:06d}Z", **row})
    # a later event moves the watermark past every row above, so their identities are forgotten
    text, events, out = _job(spark, tmp_path, schema, TWS, [lines, [{"id": "last", "ts": "2024-01-01T01:00:00Z"}]])
    ddl = ", ".join(f"`{n}` {t}" for n, t in schema)
    expected = spark.read.schema(ddl).json(str(events)).collect()  # every row: all identities differ
    return text, expected, out.collect()


def _same(expected, got) -> None:
    assert len(expected) == len(got)
    assert sorted(map(repr, got)) == sorted(map(repr, expected))  # repr tells NaN, -0.0 and micros apart


def test_packed_row_comes_out_exactly_as_read(spark, tmp_path):
    text, expected, got = _run(spark, tmp_path, PACKED, [dict(v) for v in VALUES])
    assert "to_json(struct(" in text and "from_json(" in text
    assert any(r["d"] != r["d"] for r in expected) and any(str(r["d"]) == "-0.0" for r in expected)
    _same(expected, got)


def test_nested_or_float_columns_travel_column_by_column(spark, tmp_path):
    schema = [("id", "string"), ("ts", "timestamp"), ("tags", "array<string>"), ("f", "float")]
    rows = [{"tags": ["a", None], "f": 0.1}, {"tags": [], "f": float("nan")}, {}]
    text, expected, got = _run(spark, tmp_path, schema, rows)
    assert "to_json(" not in text and 'select("*"' in text
    _same(expected, got)


@pytest.mark.parametrize("within", [None, "2 minutes"], ids=["native", "transformWithState"])
def test_identity_values_compare_as_spark_compares_them(spark, tmp_path, within):
    """NULL = NULL, NaN = NaN, -0.0 = 0.0, in key columns and identity columns: the rule the engine follows."""
    nan = "NaN"  # JSON has no NaN: the source reads the string "NaN" as a double
    pairs = [({"k": nan, "v": 1.0}, {"k": nan, "v": 1.0}), ({"k": 0.0, "v": -0.0}, {"k": -0.0, "v": 0.0}),
             ({"k": 1.0, "v": nan}, {"k": 1.0, "v": nan}), ({"k": None, "v": None}, {"k": None, "v": None})]
    rows = [dict(row, n=2 * i + j, ts=f"2024-01-01T00:00:{2 * i + j:02d}Z")
            for i, pair in enumerate(pairs) for j, row in enumerate(pair)]
    config = {"key_columns": ["k"], "columns": ["v"], "event_time_column": "ts", "watermark_delay": "1 minute",
              "within": within}
    schema = [("k", "double"), ("v", "double"), ("n", "int"), ("ts", "timestamp")]
    text, _, out = _job(spark, tmp_path, schema, config, [rows])
    assert ("dropDuplicatesWithinWatermark" in text) == (within is None)
    assert sorted(r["n"] for r in out.collect()) == [0, 2, 4, 6]  # the first of each pair
