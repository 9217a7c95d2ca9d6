"""Turn JSON records into rows of a Spark schema (what a Python data source must yield), and back.

A value that does not fit its column becomes null, as Spark's own JSON reader does in PERMISSIVE
mode: one malformed message must not stop a stream. Times without a zone are read as UTC; numbers
given for a timestamp are epoch seconds.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

from pyspark.sql import types as T

Convert = Callable[[Any], Any]

_INT_RANGES = {
    T.ByteType: 2**7, T.ShortType: 2**15, T.IntegerType: 2**31, T.LongType: 2**63,
}


def _integer(limit: int) -> Convert:
    def convert(value: Any) -> Any:
        if isinstance(value, bool):
            return None
        if isinstance(value, float):
            value = int(value) if value.is_integer() else None
        elif isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                return None
        if isinstance(value, int) and -limit <= value < limit:
            return value
        return None

    return convert


def _fractional(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _string(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _timestamp(value: Any) -> Any:
    return _parse_datetime(value)


def _timestamp_ntz(value: Any) -> Any:
    parsed = _parse_datetime(value)
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed else None


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _binary(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return bytearray(base64.b64decode(value, validate=True))
        except ValueError:
            return None
    return None


def _decimal(data_type: T.DecimalType) -> Convert:
    quantum = Decimal(1).scaleb(-data_type.scale)
    limit = Decimal(10) ** (data_type.precision - data_type.scale)

    def convert(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None
        try:
            number = Decimal(str(value)).quantize(quantum, ROUND_HALF_UP)  # as Spark rounds
        except InvalidOperation:
            return None
        return number if abs(number) < limit else None

    return convert


def converter(data_type: T.DataType) -> Convert:
    """A function from a parsed JSON value to the Python value Spark expects for `data_type`.

    Raises ValueError for a type connectors cannot fill (interval, variant…), when the source is built.
    """
    for kind, limit in _INT_RANGES.items():
        if isinstance(data_type, kind):
            return _integer(limit)
    simple = {
        T.StringType: _string, T.FloatType: _fractional, T.DoubleType: _fractional,
        T.BooleanType: _boolean, T.TimestampType: _timestamp, T.TimestampNTZType: _timestamp_ntz,
        T.DateType: _date, T.BinaryType: _binary,
    }
    for kind, convert in simple.items():
        if isinstance(data_type, kind):
            return _nullable(convert)
    if isinstance(data_type, T.DecimalType):
        return _nullable(_decimal(data_type))
    if isinstance(data_type, T.ArrayType):
        element = converter(data_type.elementType)
        return lambda v: [element(e) for e in v] if isinstance(v, list) else None
    if isinstance(data_type, T.MapType):
        key, item = converter(data_type.keyType), converter(data_type.valueType)
        return lambda v: {key(k): item(x) for k, x in v.items()} if isinstance(v, dict) else None
    if isinstance(data_type, T.StructType):
        return _nullable(struct_converter(data_type))
    raise ValueError(f"connectors cannot fill a column of type {data_type.simpleString()}")


def _nullable(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def struct_converter(schema: T.StructType) -> Callable[[Any], tuple | None]:
    """Row builder: a JSON object becomes a tuple in the schema's field order (missing keys are null)."""
    fields = [(f.name, converter(f.dataType)) for f in schema.fields]

    def convert(record: Any) -> tuple | None:
        if not isinstance(record, dict):
            return None
        return tuple(convert_value(record.get(name)) for name, convert_value in fields)

    return convert


def json_path(document: Any, path: str) -> Any:
    """The part of a JSON document at a dotted path: '' or '$' is the whole document,
    'data.items' or '$.data.items[0]' walk objects and lists; a missing step gives None."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:].lstrip(".")
    current = document
    for step in filter(None, text.replace("[", ".").replace("]", "").split(".")):
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list) and step.lstrip("-").isdigit():
            index = int(step)
            current = current[index] if -len(current) <= index < len(current) else None
        else:
            return None
    return current


def records_of(document: Any) -> list[Any]:
    """A document's records: a JSON array gives one record per element, anything else one record."""
    return document if isinstance(document, list) else [document]
