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


def test_map_select_types_match_spark(spark):
    columns = [
        {"expr": "card_id"}, {"expr": "round(amount * fx_rate, 2)", "alias": "eur"}, {"expr": "qty + 1", "alias": "q"},
        {"expr": "upper(country)", "alias": "c"}, {"expr": "amount > 100", "alias": "big"},
        {"expr": "CAST(qty AS bigint)", "alias": "qb"}, {"expr": "size(tags)", "alias": "n_tags"},
        {"expr": "ts + INTERVAL 1 HOUR", "alias": "later"}, {"expr": "to_date(ts)", "alias": "day"},
        {"expr": "concat(card_id, '-', country)", "alias": "k"}, {"expr": "coalesce(amount, 0)", "alias": "a0"},
        {"expr": "CASE WHEN qty > 1 THEN 'many' ELSE 'one' END", "alias": "label"},
        {"expr": "abs(qty)", "alias": "aq"}, {"expr": "length(card_id)", "alias": "len"},
    ]
    expected = predicted("map_select", {"columns": columns}, {"in": (EVENTS,)})
    df = frame(spark, EVENTS).selectExpr(*[f"{c['expr']} AS {c.get('alias') or c['expr']}" for c in columns])
    assert len(expected) == 14 and expected == spark_schema(df)


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
