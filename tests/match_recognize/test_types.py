"""Measure types: integral columns under either of Spark's spellings (long/bigint, integer/int, short/smallint,
byte/tinyint) keep integral types through arithmetic and sums, in the node's schema, the replay and on Spark."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs, schema_of

NODE = get_node_type("match_recognize")
# each spelling, and the Spark type name it stands for
SPELLINGS = {"long": "bigint", "bigint": "bigint", "integer": "int", "int": "int", "short": "smallint",
             "smallint": "smallint", "byte": "tinyint", "tinyint": "tinyint"}
MEASURES = ["A.price - B.price AS diff", "sum(A.price) AS total", "max(B.price) AS top", "-A.price AS neg",
            "A.price * 2 AS twice", "A.price % 3 AS m", "avg(A.price) AS mean", "A.price / 2 AS half",
            "sum(DISTINCT B.price) AS dsum", "A.price + 1.5 AS plus_half"]


def config(measures=MEASURES):
    return NODE.config.model_validate({
        "partition_by": ["p"], "order_by": [{"column": "ts"}], "pattern": "A B+",
        "define": {"B": "price < PREV(price)"},
        "measures": [dict(zip(("expr", "alias"), m.split(" AS "))) for m in measures],
        "within": "1 hour", "watermark_delay": "10 seconds"})


def measure_types(spelling: str) -> dict[str, str]:
    schema = schema_of(("p", "string"), ("ts", "timestamp"), ("price", spelling))
    return {c.name: c.type for c in NODE.output_schema(config(), Inputs({"in": (schema,)})) if c.name != "p"}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_integral_columns_keep_integral_measure_types(spelling):
    canonical = SPELLINGS[spelling]
    wider_than_int = canonical if canonical == "bigint" else "int"  # `* 2`: Spark widens to the wider operand
    assert measure_types(spelling) == {
        "diff": canonical, "total": "bigint", "top": canonical, "neg": canonical, "twice": wider_than_int,
        "m": wider_than_int, "mean": "double", "half": "double", "dsum": "bigint", "plus_half": "double"}


def test_mixed_integral_widths_widen_to_the_wider():
    schema = schema_of(("p", "string"), ("ts", "timestamp"), ("price", "byte"), ("qty", "short"),
                       ("n", "long"))
    cfg = config(["A.price + A.qty AS a", "A.qty * B.n AS b", "A.price - B.price AS c"])
    types = {c.name: c.type for c in NODE.output_schema(cfg, Inputs({"in": (schema,)}))}
    assert types == {"p": "string", "a": "smallint", "b": "bigint", "c": "tinyint"}


def test_replay_keeps_integers():
    start = datetime(2026, 1, 1)
    rows = [{"p": "x", "ts": start + timedelta(seconds=i), "price": v} for i, v in enumerate([10, 7, 5, 9])]
    columns, out = replay_match_recognize(config(), rows)
    assert columns == ["p"] + [m.split(" AS ")[1] for m in MEASURES]
    assert out == [("x", 5, 10, 7, -10, 20, 1, 10.0, 5.0, 12, 11.5)]
    assert all(type(v) is int for v in out[0][1:7])
