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


def _run(spark, tmp_path, schema: list[tuple[str, str]], rows: list[dict]):
    """Generate a deduplication job over `schema`, run it on `rows` (all distinct), return (code, in, out)."""
    sink = f"dedup_{uuid.uuid4().hex[:8]}"
    # `within` other than the watermark delay: the transformWithState form (equal bounds generate
    # dropDuplicatesWithinWatermark, where no row passes through Python)
    config = {"key_columns": [], "columns": ["id"], "within": "2 seconds", "event_time_column": "ts",
              "watermark_delay": "1 second"}
    columns = [{"name": n, "type": t} for n, t in schema]
    job, code = write_job(source_pipeline("payload", columns, "deduplication", config, sink), tmp_path / "code")
    events = tmp_path / "events" / "src"
    events.mkdir(parents=True)
    lines = []
    for n, row in enumerate(rows):
        micros = row.pop("ts_micros", 123456)
        lines.append(json.dumps({"id": f"e{n}", "ts": f"2024-01-01T00:00:{n:02d}.{micros:06d}Z", **row}))
    (events / "b0.json").write_text("\n".join(lines) + "\n")
    # a later event moves the watermark past every row above, so their identities are forgotten
    (events / "b1.json").write_text(json.dumps({"id": "last", "ts": "2024-01-01T01:00:00Z"}) + "\n")
    os.utime(events / "b0.json", (1_000_000, 1_000_000))
    os.utime(events / "b1.json", (1_000_001, 1_000_001))
    for query in job.start(spark, checkpoint_root=str(tmp_path / "cp"), input_root=str(tmp_path / "events"),
                           output_root=str(tmp_path / "out")):
        query.awaitTermination(180)
        assert query.exception() is None, query.exception()
    ddl = ", ".join(f"`{n}` {t}" for n, t in schema)
    expected = spark.read.schema(ddl).json(str(events)).collect()  # every row: all identities differ
    names = [n for n, _ in schema]  # the source adds its _kafka_* columns (NULL locally)
    got = spark.read.parquet(str(tmp_path / "out" / sink)).select(*names).collect()
    return code.files["stream_job.py"].text, expected, got


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
