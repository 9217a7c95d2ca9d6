"""Avro record schemas as a source's columns: every mapping docs/codegen.md lists, and what is refused."""

from __future__ import annotations

import json

import pytest

from lakestream.errors import UserError
from lakestream.schema_registry import avro_columns

FIELDS = [
    ("s", "string", "string"), ("b", "boolean", "boolean"), ("i", "int", "int"), ("l", "long", "bigint"),
    ("f", "float", "float"), ("d", "double", "double"), ("by", "bytes", "binary"),
    ("ts", {"type": "long", "logicalType": "timestamp-millis"}, "timestamp"),
    ("tu", {"type": "long", "logicalType": "timestamp-micros"}, "timestamp"),
    ("lt", {"type": "long", "logicalType": "local-timestamp-millis"}, "timestamp_ntz"),
    ("dt", {"type": "int", "logicalType": "date"}, "date"),
    ("dec", {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}, "decimal(9,2)"),
    ("opt", ["null", "double"], "double"),
    ("num", ["int", "long"], "bigint"),
    ("mixed", ["null", "string", "int"], "struct<member0:string,member1:int>"),
    ("e", {"type": "enum", "name": "Color", "symbols": ["red"]}, "string"),
    ("fx", {"type": "fixed", "name": "Hash", "size": 4}, "binary"),
    ("arr", {"type": "array", "items": "string"}, "array<string>"),
    ("m", {"type": "map", "values": "long"}, "map<string,bigint>"),
    ("rec", {"type": "record", "name": "Geo", "fields": [{"name": "lat", "type": "double"},
                                                        {"name": "odd name", "type": "string"}]},
     "struct<lat:double,`odd name`:string>"),
    ("again", "Geo", "struct<lat:double,`odd name`:string>"),  # a named type used a second time
]


def test_every_listed_avro_type_maps_as_sparks_avro_reader_maps_it():
    schema = {"type": "record", "name": "R", "fields": [{"name": n, "type": t} for n, t, _ in FIELDS]
              + [{"name": "always_null", "type": "null"}]}
    assert avro_columns(json.dumps(schema)) == [{"name": n, "type": spark} for n, _, spark in FIELDS]


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not JSON"),
    ('"string"', "not an Avro record"),
    ('{"type": "record", "name": "R", "fields": [{"name": "x", "type": "Unknown"}]}', "unknown type 'Unknown'"),
])
def test_what_is_not_a_record_schema_is_refused_clearly(text, message):
    with pytest.raises(UserError, match=message):
        avro_columns(text)
