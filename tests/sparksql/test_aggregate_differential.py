"""The aggregates MATCH_RECOGNIZE evaluates give Spark's values over the same groups (one batch query).

MEASURES and DEFINE compute count, sum, avg, min, max, max_by, min_by, bool_and, bool_or and array_agg
(collect_list) with lakestream/cep/match_recognize/runtime.py; here each runs over generated groups (all NULL,
integer extremes, NaN and infinities, negative zero, one row) beside Spark's own aggregate.
"""

from __future__ import annotations

import json
import math

import pytest

from lakestream.cep.match_recognize import runtime as rt
from tests.conftest import session_conf
from tests.sparksql.test_function_differential import REPORT, same

GROUPS = {
    0: [dict(x=None, d=None, b=None, s=None, k=None)] * 2,
    1: [dict(x=1, d=1.5, b=True, s="a", k=3), dict(x=None, d=None, b=None, s=None, k=1),
        dict(x=-7, d=-2.5, b=False, s="b", k=2)],
    2: [dict(x=2**31 - 1, d=math.nan, b=True, s="", k=1), dict(x=2**31 - 1, d=1.0, b=True, s="z", k=None)],
    3: [dict(x=0, d=math.inf, b=False, s="é", k=5), dict(x=5, d=-math.inf, b=False, s="é", k=5)],
    4: [dict(x=-1, d=-0.0, b=None, s="x", k=0)],
    5: [dict(x=3, d=0.1, b=True, s="m", k=1), dict(x=3, d=0.2, b=True, s="m", k=2), dict(x=4, d=0.3, b=True, s="n", k=3)],
}
# Spark's call -> the runtime's, over the group's rows
AGGREGATES = {
    "count(x)": lambda rows: rt.a_count([r["x"] for r in rows]),
    "count(DISTINCT x)": lambda rows: rt.a_count(rt.distinct([r["x"] for r in rows])),
    "sum(x)": lambda rows: rt.a_sum([r["x"] for r in rows]),
    "sum(d)": lambda rows: rt.a_sum([r["d"] for r in rows]),
    "sum(DISTINCT x)": lambda rows: rt.a_sum(rt.distinct([r["x"] for r in rows])),
    "avg(x)": lambda rows: rt.a_avg([r["x"] for r in rows]),
    "avg(d)": lambda rows: rt.a_avg([r["d"] for r in rows]),
    "min(x)": lambda rows: rt.a_min([r["x"] for r in rows]),
    "max(x)": lambda rows: rt.a_max([r["x"] for r in rows]),
    "min(d)": lambda rows: rt.a_min([r["d"] for r in rows]),
    "max(d)": lambda rows: rt.a_max([r["d"] for r in rows]),
    "min(s)": lambda rows: rt.a_min([r["s"] for r in rows]),
    "max(s)": lambda rows: rt.a_max([r["s"] for r in rows]),
    "bool_and(b)": lambda rows: rt.a_bool_and([r["b"] for r in rows]),
    "bool_or(b)": lambda rows: rt.a_bool_or([r["b"] for r in rows]),
    "max_by(s, k)": lambda rows: rt.a_max_by([(r["s"], r["k"]) for r in rows]),
    "min_by(s, k)": lambda rows: rt.a_min_by([(r["s"], r["k"]) for r in rows]),
    "sort_array(collect_list(x))": lambda rows: sorted(rt.a_array([r["x"] for r in rows])),
}
# ties in max_by/min_by (group 5 has none; group 3 has) are resolved by row order in both: compared as is


@pytest.mark.spark
def test_match_recognize_aggregates_equal_spark(spark):
    from pyspark.sql import functions as F

    rows = [(g, r["x"], r["d"], r["b"], r["s"], r["k"]) for g, group in GROUPS.items() for r in group]
    with session_conf(spark, "spark.sql.ansi.enabled", "false"):
        frame = spark.createDataFrame(rows, "g int, x int, d double, b boolean, s string, k int").coalesce(1)
        columns = [F.expr(a).alias(f"a{i}") for i, a in enumerate(AGGREGATES)]
        found = {r["g"]: r for r in frame.groupBy("g").agg(*columns).collect()}
    differences = []
    for i, (call, ours) in enumerate(AGGREGATES.items()):
        for g, group in GROUPS.items():
            value, theirs = ours(group), found[g][f"a{i}"]
            if not same(value, theirs):
                differences.append({"call": call, "group": g, "engine": repr(value), "spark": repr(theirs)})
    if REPORT.is_file():  # beside the scalar functions' report
        report = json.loads(REPORT.read_text(encoding="utf-8"))
        report["aggregates"] = {"calls": list(AGGREGATES), "groups": len(GROUPS), "differences": differences}
        REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    assert differences == []
