"""The generated SSS code of a match_recognize node: it compiles cleanly, and on local Spark it gives the
rows of the batch replay (the V-shape of the trading template)."""

from __future__ import annotations

import ast
import json
import os
from datetime import datetime, timedelta

import pytest

from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.codegen import generate
from lakestream.codegen.samples import sample_pipeline
from lakestream.commands.run import run_local
from lakestream.nodes import get_node_type

CONFIG = {
    **get_node_type("match_recognize").example,
    "measures": [{"expr": "FIRST(STRT.price)", "alias": "start_price"}, {"expr": "LAST(DOWN.price)", "alias": "low"},
                 {"expr": "LAST(UP.price)", "alias": "end_price"}, {"expr": "count(*)", "alias": "n"},
                 {"expr": "MATCH_NUMBER()", "alias": "mn"}],
}
PRICES = {"AAA": [10, 8, 6, 7, 9, 5, 4, 6, 3, 2, 4], "BBB": [5, 6, 4, 3, 5, 6, 7, 6]}
START = datetime(2026, 3, 1, 9, 30)


def events() -> list[dict]:
    rows = []
    for symbol, prices in PRICES.items():
        rows += [{"symbol": symbol, "ts": START + timedelta(seconds=i), "price": float(p)} for i, p in enumerate(prices)]
    rows.sort(key=lambda r: r["ts"])
    # a later event of another symbol moves the watermark past every row above (a stream has no end)
    return rows + [{"symbol": "ZZZ", "ts": START + timedelta(hours=3), "price": 1.0}]


def test_runtime_files_are_shipped_and_compile():
    code = generate(sample_pipeline("match_recognize", CONFIG), "sss", "databricks")
    shipped = sorted(p for p in code.files if p.startswith("lakestream_match_recognize/"))
    assert shipped == [f"lakestream_match_recognize/{m}.py" for m in
                       ("__init__", "engine", "javaregex", "matcher", "pattern", "processor", "runtime", "sqlfuncs",
                        "sqltext", "typenames")]
    allowed = {"__future__", "dataclasses", "datetime", "decimal", "functools", "importlib", "itertools", "math",
               "pathlib", "pickle", "re", "struct", "sys",
               "zoneinfo", "pandas", "pyspark",
               "regex"}  # optional: javaregex bounds matches with it where installed, else uses re
    for path, generated in code.files.items():
        tree = ast.parse(generated.text)
        compile(tree, path, "exec")
        # an `except ImportError:` fallback (the in-lakestream location of shared helpers) is never taken there
        fallback = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) for h in t.handlers for n in ast.walk(h)}
        nodes = [n for n in ast.walk(tree) if id(n) not in fallback]
        imported = {n.module.split(".")[0] for n in nodes if isinstance(n, ast.ImportFrom) and n.level == 0}
        imported |= {a.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for a in n.names}
        assert imported <= allowed | {"lakestream_match_recognize"}, (path, imported - allowed)


@pytest.mark.spark
def test_generated_code_equals_replay(spark, tmp_path):
    # Twice in one process: the second run must ship its own runtime files, not the first run's (whose
    # folder is deleted by then) — a suite runs many pipelines in one session.
    for run in ("first", "second"):
        base = tmp_path / run
        folder = base / "events" / "src_in_0"
        folder.mkdir(parents=True)
        rows = events()
        for n, chunk in enumerate([rows[:7], rows[7:14], rows[14:]]):
            text = "".join(json.dumps({**r, "ts": r["ts"].isoformat()}) + "\n" for r in chunk)
            (folder / f"{n:03d}.json").write_text(text)
            os.utime(folder / f"{n:03d}.json", (1_700_000_000 + n, 1_700_000_000 + n))  # read oldest first
        counts = run_local(sample_pipeline("match_recognize", CONFIG), base / "events", base / "out", spark)
        got = sorted(tuple(json.loads(line).values()) for line in (base / "out" / "out_out.jsonl").read_text().splitlines())
        columns, expected = replay_match_recognize(CONFIG, rows[:-1])
        assert columns == ["symbol", "start_price", "low", "end_price", "n", "mn"]
        assert sorted(expected) == got, (run, expected, got)
        assert counts == {"out_out": len(expected)}
        assert ("AAA", 10.0, 6.0, 9.0, 5, 1) in got and ("BBB", 6.0, 3.0, 7.0, 6, 1) in got


@pytest.mark.parametrize("changes", [
    {"partition_by": []},  # one global partition: a constant grouping key
    {"rows_per_match": "ALL WITH UNMATCHED ROWS", "after_match_skip": "TO FIRST UP",
     "subset": {"U": ["DOWN", "UP"]}, "measures": [{"expr": "FINAL avg(U.price)", "alias": "avg_u"}]},
])
def test_variants_generate_clean_python(changes):
    from tests.codegen.helpers import python_problems

    code = generate(sample_pipeline("match_recognize", {**CONFIG, **changes}), "sss", "local")
    for path, generated in code.files.items():
        assert python_problems(generated.text, path) == [], path
    job = ast.parse(code.files["stream_job.py"].text)
    calls = {n.func.attr for n in ast.walk(job) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert {"withWatermark", "groupBy", "transformWithStateInPandas"} <= calls
    assert ("withColumn" in calls) == (changes.get("partition_by") == [])
