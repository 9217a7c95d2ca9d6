"""JSON records are converted to the Python values Spark expects; misfits become null."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pyspark.sql import types as T

from lakestream.connectors.records import converter, json_path, records_of, struct_converter

SCHEMA = T.StructType([
    T.StructField("id", T.StringType()),
    T.StructField("n", T.IntegerType()),
    T.StructField("big", T.LongType()),
    T.StructField("x", T.DoubleType()),
    T.StructField("ok", T.BooleanType()),
    T.StructField("ts", T.TimestampType()),
    T.StructField("day", T.DateType()),
    T.StructField("price", T.DecimalType(6, 2)),
    T.StructField("tags", T.ArrayType(T.StringType())),
    T.StructField("attrs", T.MapType(T.StringType(), T.IntegerType())),
    T.StructField("pos", T.StructType([T.StructField("lat", T.DoubleType()), T.StructField("lon", T.DoubleType())])),
])


def test_a_complete_record():
    record = {"id": "a", "n": 3, "big": 2**40, "x": 1, "ok": True, "ts": "2026-01-02T03:04:05Z",
              "day": "2026-01-02", "price": "12.345", "tags": ["p", 1], "attrs": {"k": "2"},
              "pos": {"lat": 1.5, "lon": -2}}
    assert struct_converter(SCHEMA)(record) == (
        "a", 3, 2**40, 1.0, True, datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), date(2026, 1, 2),
        Decimal("12.35"), ["p", "1"], {"k": 2}, (1.5, -2.0))


def test_misfits_become_null_and_missing_keys_are_null():
    record = {"n": "x", "big": True, "x": "abc", "ok": "maybe", "ts": "yesterday", "day": 5,
              "price": "1e9", "tags": "p", "attrs": [1], "pos": 3}
    assert struct_converter(SCHEMA)(record) == (None,) * len(SCHEMA.fields)
    assert struct_converter(SCHEMA)("not an object") is None


def test_integer_ranges_and_time_rules():
    assert converter(T.IntegerType())(2**31) is None
    assert converter(T.IntegerType())(4.0) == 4
    assert converter(T.IntegerType())(4.5) is None
    assert converter(T.TimestampType())(0) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert converter(T.TimestampType())("2026-01-02 03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert converter(T.TimestampNTZType())("2026-01-02T03:04:05+01:00") == datetime(2026, 1, 2, 2, 4, 5)
    assert converter(T.StringType())({"a": 1}) == '{"a": 1}'


def test_unsupported_types_are_refused_when_the_source_is_built():
    with pytest.raises(ValueError, match="cannot fill a column of type interval"):
        converter(T.DayTimeIntervalType())


def test_json_path_walks_objects_and_lists():
    document = {"data": {"items": [{"id": 1}, {"id": 2}]}}
    assert json_path(document, "") == document
    assert json_path(document, "$.data.items") == [{"id": 1}, {"id": 2}]
    assert json_path(document, "data.items[1].id") == 2
    assert json_path(document, "data.items[5]") is None
    assert json_path(document, "data.nothing.here") is None
    assert records_of([1, 2]) == [1, 2] and records_of({"a": 1}) == [{"a": 1}]
