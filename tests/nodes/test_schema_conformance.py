"""The schema rules agree with Spark: the same transformation, analysed by Spark on an empty DataFrame,
must produce exactly the columns and types the node's output_schema predicts."""

from __future__ import annotations

import pytest

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Column, Inputs
from tests.nodes.helpers import cols

pytestmark = pytest.mark.spark

EVENTS = cols("card_id:string", "amount:double", "fx_rate:double", "country:string", "qty:int", "price:decimal(10,2)",
              "tags:array<string>", "items:array<struct<sku:string,n:int>>", "attrs:map<string,bigint>",
              "ts:timestamp")


def frame(spark, schema):
    ddl = ", ".join(f"`{c.name}` {c.type}" for c in schema)
    return spark.createDataFrame([], ddl)


def spark_schema(df):
    return tuple(Column(f.name, f.dataType.simpleString()) for f in df.schema.fields)


def predicted(type_id, config, inputs):
    node = get_node_type(type_id)
    return node.output_schema(node.config.model_validate(config), Inputs(inputs))


# Expressions whose type map_select infers exactly as Spark does. Known gaps (inferred as "string" or
# float): window(...), map_keys, higher-order functions (transform, aggregate), float * int.
EXPRESSIONS = [
    "round(amount * fx_rate, 2)", "qty + 1", "upper(country)", "amount > 100", "CAST(qty AS bigint)", "size(tags)",
    "ts + INTERVAL 1 HOUR", "to_date(ts)", "concat(card_id, '-', country)", "coalesce(amount, 0)",
    "CASE WHEN qty > 1 THEN 'many' ELSE 'one' END", "abs(qty)", "length(card_id)", "amount / qty", "qty * 2",
    "qty / 2", "floor(amount)", "ceil(amount)", "round(qty)", "price * 2", "price + 1", "price - qty", "hour(ts)",
    "unix_timestamp(ts)", "datediff(to_date(ts), to_date(ts))", "split(card_id, ',')",
    "regexp_extract(card_id, 'a', 0)", "if(qty > 1, 1, 0)", "array(1, 2)", "tags[0]", "element_at(tags, 1)",
    "attrs['x']", "items[0].sku", "qty % 3", "sqrt(qty)", "pow(qty, 2)", "log(amount)", "exp(qty)",
    "greatest(qty, 2)", "least(amount, qty)", "nvl(qty, 0)", "CAST(ts AS long)", "year(ts)", "date_trunc('hour', ts)",
    "to_json(attrs)", "from_unixtime(qty)", "current_date()", "md5(card_id)", "sha2(card_id, 256)",
    "substring(card_id, 1, 2)", "trim(card_id)", "lower(card_id) LIKE 'a%'", "card_id IN ('a', 'b')",
    "qty BETWEEN 1 AND 2", "isnull(qty)", "coalesce(qty, 0)", "round(price, 1)", "abs(price)", "-qty",
    "amount * qty", "uuid()", "rand()", "array_contains(tags, 'x')", "size(attrs)", "struct(qty, amount)",
    "current_timestamp()", "timestamp_seconds(qty)", "to_timestamp(card_id)", "bigint(qty)", "int(amount)",
    "double(qty)", "string(qty)", "cardinality(tags)", "concat_ws(',', tags)", "nullif(qty, 0)", "ifnull(amount, 0)",
    "CASE WHEN qty > 0 THEN amount END", "signum(qty)", "qty DIV 2", "bround(amount, 1)", "array_distinct(tags)",
    "format_number(amount, 2)", "date_format(ts, 'yyyy')", "unix_millis(ts)", "make_date(2020, 1, 1)",
    "ts - INTERVAL 1 DAY", "CAST(amount AS decimal(12,2))", "price * CAST(2 AS decimal(4,1))",
]


def test_map_select_types_match_spark(spark):
    columns = [{"expr": "card_id"}] + [{"expr": e, "alias": f"c{i}"} for i, e in enumerate(EXPRESSIONS)]
    expected = predicted("map_select", {"columns": columns}, {"in": (EVENTS,)})
    df = frame(spark, EVENTS).selectExpr(*[f"{c['expr']} AS {c.get('alias') or c['expr']}" for c in columns])
    mismatches = [(c["expr"], e.type, a.type) for c, e, a in zip(columns, expected, spark_schema(df)) if e != a]
    assert mismatches == []


@pytest.mark.parametrize("window", [
    {"window_type": "tumbling", "duration": "5 minutes"},
    {"window_type": "sliding", "duration": "10 minutes", "slide": "5 minutes"},
    {"window_type": "session", "duration": "5 minutes"},
])
def test_window_aggregate_types_match_spark(spark, window):
    aggs = [("count", None, "n"), ("count_distinct", "card_id", "cards"), ("sum", "qty", "sq"),
            ("sum", "amount", "sa"), ("sum", "price", "sp"), ("avg", "qty", "aq"), ("avg", "price", "ap"),
            ("min", "ts", "first_ts"), ("max", "country", "mc"), ("stddev", "amount", "sd"),
            ("collect_list", "card_id", "cl"), ("approx_count_distinct", "country", "acd")]
    config = {**window, "event_time_column": "ts", "watermark_delay": "1 minute", "group_by": ["country"],
              "aggregations": [{"function": f, "column": c, "alias": a} for f, c, a in aggs]}
    expected = predicted("window_aggregate", config, {"in": (EVENTS,)})
    sql = {"count": "count(*)", "count_distinct": "count(DISTINCT {c})", "approx_count_distinct":
           "approx_count_distinct({c})", "stddev": "stddev({c})"}
    exprs = [f"{sql.get(f, f + '({c})').format(c=c)} AS {a}" for f, c, a in aggs]
    win = {"tumbling": "window(ts, '5 minutes')", "sliding": "window(ts, '10 minutes', '5 minutes')",
           "session": "session_window(ts, '5 minutes')"}[window["window_type"]]
    frame(spark, EVENTS).createOrReplaceTempView("events")
    df = spark.sql(f"SELECT w.start AS window_start, w.end AS window_end, country, {', '.join(exprs)} "
                   f"FROM (SELECT *, {win} AS w FROM events) GROUP BY w, country")
    assert expected == spark_schema(df)


def test_flatten_and_rename_cast_match_spark(spark):
    flat = predicted("flatten_explode", {"column": "items", "flatten_struct": True}, {"in": (EVENTS,)})
    df = frame(spark, EVENTS)
    keep = [c.name for c in EVENTS]
    exploded = df.selectExpr(*[("explode(items) AS items" if n == "items" else f"`{n}`") for n in keep])
    exploded = exploded.selectExpr(*[("items.*" if n == "items" else f"`{n}`") for n in keep])
    assert flat == spark_schema(exploded)

    as_map = predicted("flatten_explode", {"column": "attrs", "alias": "a"}, {"in": (EVENTS,)})
    pairs = df.selectExpr(*[("explode(attrs) AS (a_key, a_value)" if n == "attrs" else f"`{n}`") for n in keep])
    assert as_map == spark_schema(pairs)

    mappings = [{"column": "qty", "rename_to": "quantity", "cast_to": "bigint"},
                {"column": "ts", "cast_to": "string"}, {"column": "amount", "cast_to": "decimal(12,2)"}]
    renamed = predicted("rename_cast", {"mappings": mappings}, {"in": (EVENTS,)})
    by = {m["column"]: m for m in mappings}
    cast = df.selectExpr(*[
        f"CAST(`{n}` AS {by[n].get('cast_to')}) AS `{by[n].get('rename_to') or n}`" if n in by else f"`{n}`"
        for n in keep
    ])
    assert renamed == spark_schema(cast)


def test_union_types_match_spark(spark):
    a, b = cols("id:string", "n:int", "v:float", "d:date"), cols("id:string", "n:bigint", "v:double", "d:timestamp")
    expected = predicted("union_merge", {}, {"in": (a, b)})
    assert expected == spark_schema(frame(spark, a).unionByName(frame(spark, b))) == cols(
        "id:string", "n:bigint", "v:double", "d:timestamp")
