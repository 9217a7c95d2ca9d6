"""Every function the engine evaluates gives Spark's values on generated inputs (one batch query for all of them).

Writes test-results/function_coverage.json: Spark's function counts by kind, the share of deterministic scalar
functions the engine evaluates, and per evaluated function its calls, rows compared and differences.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lakestream.sparksql import functions
from lakestream.sparksql.evaluator import ExpressionCompiler
from tests.conftest import session_conf
from tests.sparksql.function_cases import ROWS, SCHEMA, SIGNATURES, calls

REPORT = Path(__file__).resolve().parents[2] / "test-results" / "function_coverage.json"


def _kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, (float, Decimal)):
        return "number"  # Spark hands decimals back as Decimal, the engine may too: compared by value below
    if isinstance(value, datetime):
        return "timestamp"
    if isinstance(value, date):
        return "date"
    return type(value).__name__


def same(ours, theirs) -> bool:
    """Equal values of the same kind (NaN equals NaN, as Spark orders it; -0.0 equals 0.0 as in Spark)."""
    if isinstance(theirs, SparkFailure):  # Spark fails the query: so must the engine (never a silent value)
        return isinstance(ours, str) and ours.startswith("raised ")
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(theirs, list) and isinstance(ours, (list, tuple)):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs))
    if _kind(ours) != _kind(theirs):
        return False
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, (float, Decimal)) and math.isnan(ours)
    if isinstance(ours, float) and isinstance(theirs, Decimal) or isinstance(ours, Decimal) and isinstance(theirs, float):
        return False  # a double where Spark gives a decimal (or back) prints and rounds differently
    return ours == theirs


def _shown(value):
    return value if isinstance(value, (bool, int, str, type(None))) else repr(value)


def _spark_refuses(frame, texts: list[str]) -> set[str]:
    """The calls Spark's analyzer refuses (an argument type it does not coerce): compared one by one only
    when the batch fails, and listed in the report (the engine evaluates them; Spark would stop the query)."""
    from pyspark.errors import AnalysisException

    try:
        frame.selectExpr(*[f"({t}) AS c{i}" for i, t in enumerate(texts)]).schema  # noqa: B018 - analysis only
        return set()
    except AnalysisException:
        pass
    refused = set()
    for text in texts:
        try:
            frame.selectExpr(text).schema  # noqa: B018
        except AnalysisException:
            refused.add(text)
    return refused


class SparkFailure(str):
    """Spark stopped the query on this row (e.g. element_at(a, 0)): the engine must refuse such a call too."""


def _spark_values(frame, texts: list[str]) -> dict[str, list]:
    """Each call's values per input row: one query for all calls; only when Spark fails a query at run time
    (an error it raises even without ANSI mode) are the calls split in halves to find the failing ones."""
    try:
        rows = frame.orderBy("_row").selectExpr(*[f"({t}) AS c{i}" for i, t in enumerate(texts)]).collect()
        return {t: [r[f"c{i}"] for r in rows] for i, t in enumerate(texts)}
    except Exception:  # noqa: BLE001 - a Spark runtime error of some call
        if len(texts) > 1:
            middle = len(texts) // 2
            return _spark_values(frame, texts[:middle]) | _spark_values(frame, texts[middle:])
        out = []
        for number in range(len(ROWS)):  # which rows fail
            try:
                out.append(frame.where(f"_row = {number}").selectExpr(f"({texts[0]}) AS c").collect()[0]["c"])
            except Exception as row_error:  # noqa: BLE001
                out.append(SparkFailure(f"Spark fails: {str(row_error).splitlines()[0][:120]}"))
        return {texts[0]: out}


@pytest.mark.spark
def test_engine_functions_equal_spark(spark):
    texts = {name: calls(name) for name in SIGNATURES}
    flat = [(name, text) for name, items in texts.items() for text in items]
    with session_conf(spark, "spark.sql.ansi.enabled", "false"), session_conf(spark, "spark.sql.session.timeZone",
                                                                              "UTC"):
        frame = spark.createDataFrame([(*r.values(), n) for n, r in enumerate(ROWS)], SCHEMA + ", _row int")
        refused = _spark_refuses(frame, [text for _, text in flat])
        flat = [(name, text) for name, text in flat if text not in refused]
        values = _spark_values(frame, [text for _, text in flat])
    report, differences = {}, []
    for i, (name, text) in enumerate(flat):
        evaluate = ExpressionCompiler().function(text)
        entry = report.setdefault(name, {"calls": 0, "rows": 0, "differences": []})
        entry["calls"] += 1
        for number, row in enumerate(ROWS):
            theirs = values[text][number]
            try:
                ours = evaluate(row)
            except Exception as error:  # noqa: BLE001 - a failure is a difference to report, not a crash
                ours = f"raised {type(error).__name__}: {error}"
            entry["rows"] += 1
            if not same(ours, theirs):
                found = {"call": text, "row": number, "engine": _shown(ours), "spark": _shown(theirs)}
                entry["differences"].append(found)
                differences.append(found)
    stats = functions.coverage()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({**stats, "calls": len(flat), "rows_per_call": len(ROWS),
                                  "calls_spark_refuses": sorted(refused),
                                  "differences": len(differences), "per_function": report}, indent=1) + "\n",
                      encoding="utf-8")
    measured = {name for name, entry in report.items() if entry["differences"]}
    assert measured == set(functions.KNOWN_DIFFERENCES), "update KNOWN_DIFFERENCES in lakestream/sparksql/functions.py"


@pytest.mark.spark
def test_the_stored_function_list_is_the_installed_sparks(spark):
    from tests.sparksql.spark_inventory import listed, text

    assert text(listed(spark)) == functions.INVENTORY.read_text(encoding="utf-8"), (
        "Spark's functions changed: run python -m tests.sparksql.spark_inventory, then the golden command")
