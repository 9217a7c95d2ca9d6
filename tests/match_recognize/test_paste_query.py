"""Pasted MATCH_RECOGNIZE queries from each vendor's documentation → the node's config, replayed on the engine.

Oracle's Example 20-1, Trino's V-shape, Snowflake's V-shape and Confluent's two-orders query are the vendors'
documented examples as published (layout aside); Flink's time-constraint example has one measure added
(MATCH_ROWTIME()); the Oracle anchor, Trino RUNNING/FINAL and Databricks queries are written to the syntax on
the page cited beside each. Where the documentation shows a result, the replay checks it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from lakestream.rowpattern.query import QueryError, parse_match_recognize
from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.code_edit.paste import looks_like_match_recognize, paste_match_recognize
from lakestream.pipeline import Pipeline

# Oracle Database, Data Warehousing Guide, "SQL for Pattern Matching", Example 20-1 (V-shapes in Ticker)
# https://docs.oracle.com/database/121/DWHSG/pattern.htm#DWHSG8981
ORACLE = """SELECT *
FROM Ticker MATCH_RECOGNIZE (
     PARTITION BY symbol
     ORDER BY tstamp
     MEASURES  STRT.tstamp AS start_tstamp,
               LAST(DOWN.tstamp) AS bottom_tstamp,
               LAST(UP.tstamp) AS end_tstamp
     ONE ROW PER MATCH
     AFTER MATCH SKIP TO LAST UP
     PATTERN (STRT DOWN+ UP+)
     DEFINE
        DOWN AS DOWN.price < PREV(DOWN.price),
        UP AS UP.price > PREV(UP.price)
     ) MR
ORDER BY MR.symbol, MR.start_tstamp;"""

# Oracle's anchors (same guide, "Anchors": ^ is the start of a partition, $ its end) and a delimited
# (quoted, case-kept) identifier as Oracle writes them: https://docs.oracle.com/database/121/DWHSG/pattern.htm
ORACLE_ANCHORED = """SELECT * FROM "Ticker" MATCH_RECOGNIZE (
     PARTITION BY "Symbol"
     ORDER BY tstamp
     MEASURES FIRST(STRT.tstamp) AS first_ts, LAST(UP.price) AS last_price
     ONE ROW PER MATCH
     PATTERN (^ STRT UP+ $)
     DEFINE UP AS UP.price > PREV(UP.price)
     ) MR"""

# Trino, "MATCH_RECOGNIZE", the V-shape example: https://trino.io/docs/current/sql/match-recognize.html
TRINO = """SELECT * FROM orders MATCH_RECOGNIZE(
     PARTITION BY custkey
     ORDER BY orderdate
     MEASURES
              A.totalprice AS starting_price,
              LAST(B.totalprice) AS bottom_price,
              LAST(U.totalprice) AS top_price
     ONE ROW PER MATCH
     AFTER MATCH SKIP PAST LAST ROW
     PATTERN (A B+ C+ D+)
     SUBSET U = (C, D)
     DEFINE
              B AS totalprice < PREV(totalprice),
              C AS totalprice > PREV(totalprice) AND totalprice <= A.totalprice,
              D AS totalprice > PREV(totalprice)
     )"""

# Trino's running and final semantics (same page, "Running and final semantics"): RUNNING/FINAL in MEASURES
TRINO_RUNNING = """SELECT * FROM orders MATCH_RECOGNIZE(
     PARTITION BY custkey
     ORDER BY orderdate
     MEASURES RUNNING LAST(A.totalprice) AS running_last, FINAL LAST(A.totalprice) AS final_last,
              CLASSIFIER() AS label
     ALL ROWS PER MATCH
     PATTERN (A+)
     DEFINE A AS true
     )"""

# Snowflake, "Identifying Sequences of Rows That Match a Pattern", the V-shape example with MATCH_NUMBER()
# and LAG(): https://docs.snowflake.com/en/user-guide/match-recognize-introduction
SNOWFLAKE = """SELECT * FROM stock_price_history
  MATCH_RECOGNIZE(
    PARTITION BY company
    ORDER BY price_date
    MEASURES
      MATCH_NUMBER() AS match_number,
      FIRST(price_date) AS start_date,
      LAST(price_date) AS end_date,
      COUNT(*) AS rows_in_sequence,
      COUNT(row_with_price_decrease.*) AS num_decreases,
      COUNT(row_with_price_increase.*) AS num_increases
    ONE ROW PER MATCH
    AFTER MATCH SKIP TO LAST row_with_price_increase
    PATTERN(row_before_decrease row_with_price_decrease+ row_with_price_increase+)
    DEFINE
      row_with_price_decrease AS price < LAG(price),
      row_with_price_increase AS price > LAG(price)
  )
ORDER BY company, match_number;"""

# Apache Flink, "Pattern Recognition", time constraint example (WITHIN INTERVAL), plus a MATCH_ROWTIME() measure:
# https://nightlies.apache.org/flink/flink-docs-stable/docs/dev/table/sql/queries/match_recognize/
FLINK = """SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            C.rowtime AS dropTime,
            A.price - C.price AS dropDiff,
            MATCH_ROWTIME() AS matchTime
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A B* C) WITHIN INTERVAL '1' HOUR
        DEFINE
            B AS B.price > A.price - 10,
            C AS C.price < A.price - 10
    )"""

# Confluent Cloud for Apache Flink course, back-quoted `$rowtime` and WITHIN INTERVAL '60' DAYS:
# https://developer.confluent.io/courses/flink-sql/match-recognize
FLINK_QUOTED = """SELECT
    customer_id, product_id, order1_time, order2_time
FROM
    examples.marketplace.orders
MATCH_RECOGNIZE (
    PARTITION BY customer_id, product_id
    ORDER BY `$rowtime`
    MEASURES
        O1.`$rowtime` AS order1_time,
        O2.`$rowtime` AS order2_time
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (O1 O2) WITHIN INTERVAL '60' DAYS
    DEFINE
        O1 AS true,
        O2 AS true
);"""

# Databricks SQL, "MATCH_RECOGNIZE clause" (Beta, Databricks Runtime 19+), written to its syntax:
# https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-qry-select-match-recognize
DATABRICKS = """SELECT * FROM main.markets.stock_prices MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY tstamp
  MEASURES FIRST(down.tstamp) AS start_ts, LAST(down.price) AS bottom_price, LAST(up.tstamp) AS end_ts
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (down+ up+)
  DEFINE down AS price < PREV(price), up AS price > PREV(price)
)"""

# The Ticker rows of Oracle's example (Example 20-1 lists them; ACME only).
ACME = [12, 17, 19, 21, 25, 12, 15, 20, 24, 25, 19, 15, 25, 25, 14, 12, 14, 24, 23, 22]


def _ticker() -> list[dict]:
    start = datetime(2011, 4, 1)
    return [{"symbol": "ACME", "tstamp": start + timedelta(days=i), "price": p} for i, p in enumerate(ACME)]


def test_oracle_v_shapes_map_every_clause_and_replay_to_the_documented_matches():
    pasted = parse_match_recognize(ORACLE)
    assert pasted.source == "Ticker"
    assert pasted.columns == {"symbol": "string", "tstamp": "timestamp", "price": "double"}
    assert pasted.config == {
        "partition_by": ["symbol"], "order_by": [{"column": "tstamp", "desc": False}],
        "measures": [{"expr": "STRT.tstamp", "alias": "start_tstamp"},
                     {"expr": "LAST(DOWN.tstamp)", "alias": "bottom_tstamp"},
                     {"expr": "LAST(UP.tstamp)", "alias": "end_tstamp"}],
        "rows_per_match": "ONE ROW PER MATCH", "after_match_skip": "TO LAST UP", "pattern": "STRT DOWN+ UP+",
        "define": [{"variable": "DOWN", "condition": "DOWN.price < PREV(DOWN.price)"},
                   {"variable": "UP", "condition": "UP.price > PREV(UP.price)"}]}
    assert pasted.unmapped == [] and pasted.parser.startswith("sqlglot")
    columns, rows = replay_match_recognize(pasted.config, _ticker())
    assert columns == ["symbol", "start_tstamp", "bottom_tstamp", "end_tstamp"]
    day = lambda d: datetime(2011, 4, d)  # noqa: E731
    # Oracle's published output: 05-APR 06-APR 10-APR, 10-APR 12-APR 13-APR, 14-APR 16-APR 18-APR
    assert rows == [("ACME", day(5), day(6), day(10)), ("ACME", day(10), day(12), day(13)),
                    ("ACME", day(14), day(16), day(18))]


def test_oracle_anchors_and_delimited_identifiers():
    pasted = parse_match_recognize(ORACLE_ANCHORED)
    assert pasted.source == "Ticker" and pasted.config["partition_by"] == ["Symbol"]
    assert pasted.config["pattern"] == "^ STRT UP+ $"
    rows = [{"Symbol": "A", "tstamp": datetime(2024, 1, 1, 0, i), "price": p} for i, p in enumerate([3, 4, 5])]
    assert replay_match_recognize(pasted.config, rows)[1] == [("A", datetime(2024, 1, 1, 0, 0), 5)]


def test_trino_subset_needs_the_clause_reader_and_replays():
    pasted = parse_match_recognize(TRINO)
    assert pasted.parser == "clauses"  # sqlglot has no SUBSET
    assert pasted.config["subset"] == [{"name": "U", "variables": ["C", "D"]}]
    assert [d["variable"] for d in pasted.config["define"]] == ["B", "C", "D"]
    assert pasted.columns == {"custkey": "string", "orderdate": "timestamp", "totalprice": "double"}
    prices = [100, 90, 80, 95, 120, 50]
    rows = [{"custkey": "c1", "orderdate": datetime(2024, 1, d + 1), "totalprice": p} for d, p in enumerate(prices)]
    assert replay_match_recognize(pasted.config, rows)[1] == [("c1", 100, 80, 120)]


def test_trino_running_and_final_are_kept():
    pasted = parse_match_recognize(TRINO_RUNNING)
    assert [m["expr"] for m in pasted.config["measures"]] == [
        "RUNNING LAST(A.totalprice)", "FINAL LAST(A.totalprice)", "CLASSIFIER()"]
    rows = [{"custkey": "c", "orderdate": datetime(2024, 1, d + 1), "totalprice": p} for d, p in enumerate([1, 2])]
    _, out = replay_match_recognize(pasted.config, rows)
    assert [r[-3:] for r in out] == [(1, 2, "A"), (2, 2, "A")]


def test_snowflake_match_number_and_lag_become_prev():
    pasted = parse_match_recognize(SNOWFLAKE)
    assert pasted.config["measures"][0] == {"expr": "MATCH_NUMBER()", "alias": "match_number"}
    assert [d["condition"] for d in pasted.config["define"]] == ["price < PREV(price)", "price > PREV(price)"]
    assert pasted.config["after_match_skip"] == "TO LAST row_with_price_increase"  # the variable's case kept
    # prices in the shape of Snowflake's ABCD chart, giving its published result: two matches, 10-01..10-04
    # (4 rows, 1 decrease, 2 increases) and 10-04..10-08 (5 rows, 1 decrease, 3 increases)
    prices = [50, 36, 39, 42, 30, 34, 40, 45]
    rows = [{"company": "ABCD", "price_date": datetime(2020, 10, d + 1), "price": p} for d, p in enumerate(prices)]
    _, out = replay_match_recognize(pasted.config, rows)
    assert out == [("ABCD", 1, datetime(2020, 10, 1), datetime(2020, 10, 4), 4, 1, 2),
                   ("ABCD", 2, datetime(2020, 10, 4), datetime(2020, 10, 8), 5, 1, 3)]


def test_flink_within_interval_and_match_rowtime():
    pasted = parse_match_recognize(FLINK)
    assert pasted.config["within"] == "1 hour"
    assert pasted.config["pattern"] == "A B* C"
    assert pasted.config["measures"][2] == {"expr": "LAST(rowtime)", "alias": "matchTime"}
    assert pasted.columns["rowtime"] == "timestamp" and pasted.columns["price"] == "double"


def test_flink_back_quoted_identifiers_and_days():
    pasted = parse_match_recognize(FLINK_QUOTED)
    assert pasted.source == "examples.marketplace.orders"
    assert pasted.config["order_by"] == [{"column": "$rowtime", "desc": False}]
    assert pasted.config["within"] == "60 days"
    assert pasted.config["after_match_skip"] == "TO NEXT ROW" and "rows_per_match" not in pasted.config


def test_databricks_query():
    pasted = parse_match_recognize(DATABRICKS)
    assert pasted.source == "main.markets.stock_prices"
    assert pasted.config["pattern"] == "down+ up+"
    _, out = replay_match_recognize(pasted.config, _ticker())
    assert out[0] == ("ACME", datetime(2011, 4, 6), 12, datetime(2011, 4, 10))


@pytest.mark.parametrize("text, message", [
    ("SELECT * FROM t", "no MATCH_RECOGNIZE ( … ) clause"),
    ("SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts", "never closed"),
    ("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts DEFINE A AS x > 1)", "no PATTERN"),
    ("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts PATTERN (A) WITHIN 5 fortnights DEFINE A AS x > 1)",
     "is not an interval"),
])
def test_text_that_is_not_a_usable_query_gets_a_clear_message(text, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_match_recognize(text)


def test_paste_adds_a_source_placeholder_and_a_filled_node_and_names_what_is_missing():
    assert looks_like_match_recognize(TRINO) and not looks_like_match_recognize("SELECT 1")
    result = paste_match_recognize(Pipeline(), TRINO)
    doc = result.document
    source, pattern = (doc.node_by_id[i] for i in result.node_ids)
    assert source.type == "delta_table_source" and source.config["table"] == "orders"
    assert source.config["schema"] == [{"name": "custkey", "type": "string"},
                                       {"name": "orderdate", "type": "timestamp"},
                                       {"name": "totalprice", "type": "double"}]
    assert pattern.type == "match_recognize" and pattern.config["subset"]
    assert [(e.source, e.target) for e in doc.edges] == [(source.id, pattern.id)]
    assert any("watermark" in m.lower() for m in result.messages)  # not in the query: the form asks for it
    bad = paste_match_recognize(doc, "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a)")
    assert bad.document is None and "PATTERN" in bad.error


def test_an_expression_the_compiler_cannot_read_is_named():
    text = TRINO.replace("totalprice <= A.totalprice", "totalprice <= A.totalprice +* 2")
    pasted = parse_match_recognize(text)
    assert any(u.startswith("DEFINE C:") for u in pasted.unmapped), pasted.unmapped
