"""Loads the hand-written MATCH_RECOGNIZE cases (cases/*.yaml): one case per entry, with a title.

Shorthand, to keep cases readable:
- `input: "a b b c"` makes rows (id, v) with id = 1, 2, … and v = the token; a token `x:a` also sets the
  partition column p = x (and PARTITION BY p unless the case says otherwise).
- With a column v, every pattern variable without a DEFINE (and not listed in `undefined`) is defined
  as v = '<its name in lower case>'. Variables in `undefined` stay undefined, so they match any row.
- `order_by` defaults to [id]; write "col DESC" for descending. `measures` are "expr AS alias" strings;
  their default is MATCH_NUMBER() AS mn, FIRST(id) AS first, LAST(id) AS last,
  array_agg(CLASSIFIER()) AS labels for ONE ROW PER MATCH and MATCH_NUMBER() AS mn, CLASSIFIER() AS cls
  for ALL ROWS.
- `expect` lists the output rows in order; `error` a fragment of the error instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from lakestream.rowpattern.pattern import parse_pattern, variables

CASES = Path(__file__).parent / "cases"
_ALIAS = re.compile(r"^(.*\S)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", re.IGNORECASE | re.S)
ONE_DEFAULT = ["MATCH_NUMBER() AS mn", "FIRST(id) AS first", "LAST(id) AS last", "array_agg(CLASSIFIER()) AS labels"]
ALL_DEFAULT = ["MATCH_NUMBER() AS mn", "CLASSIFIER() AS cls"]


def load_cases() -> list:
    """Every case of every file, as pytest params with ids 'file: title'."""
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            params.append(pytest.param(case, id=f"{path.stem}: {case['title']}"))
    return params


def rows_of(case: dict) -> tuple[list[str], list[dict]]:
    """The input columns and rows (dicts) of a case."""
    if "input" in case:
        tokens = case["input"].split()
        partitioned = any(":" in t for t in tokens)
        rows = []
        for i, token in enumerate(tokens, 1):
            part, _, value = token.rpartition(":")
            rows.append(({"p": part} if partitioned else {}) | {"id": i, "v": value})
        return (["p", "id", "v"] if partitioned else ["id", "v"]), rows
    columns = case["columns"]
    return columns, [dict(zip(columns, r)) for r in case["rows"]]


def config_of(case: dict) -> dict:
    """The node config of a case, shorthand expanded."""
    columns, _ = rows_of(case)
    mode = case.get("rows_per_match", "ONE")
    define = dict(case.get("define", {}))
    if "v" in columns:
        for name in variables(parse_pattern(case["pattern"])):
            if name not in {k.upper() for k in define} and name not in case.get("undefined", []):
                define[name] = f"v = '{name.lower()}'"
    partition = case.get("partition_by", ["p"] if "p" in columns and "input" in case else [])
    measures = case.get("measures", ONE_DEFAULT if mode.upper().startswith("ONE") else ALL_DEFAULT)
    config = {
        "partition_by": partition,
        "order_by": [{"column": o.split()[0], "desc": o.upper().endswith(" DESC")}
                     for o in case.get("order_by", ["id"])],
        "pattern": case["pattern"],
        "define": define,
        "measures": [dict(zip(("expr", "alias"), _ALIAS.match(m).groups())) for m in measures],
        "rows_per_match": mode,
        "after_match_skip": case.get("after_match_skip", "PAST LAST ROW"),
        "subset": case.get("subset", {}),
    }
    if case.get("within"):
        config["within"] = case["within"]
    return config


BASE = datetime(2026, 1, 1, 12, 0, 0)
SENTINEL_PARTITION = "~end"


def streamable(case: dict) -> bool:
    """Cases whose result a stream can reproduce: no $ or NEXT past the end, default ORDER BY, no error."""
    return case.get("stream", True) and "error" not in case and case.get("order_by", ["id"]) == ["id"]


def timed(case: dict) -> tuple[dict, list[str], list[dict]]:
    """The case as a stream would see it: event time ts = BASE + id seconds, ORDER BY ts, a partition
    column p, WITHIN 1 day (longer than any case) and a watermark delay of 10 seconds."""
    config = config_of(case)
    columns, rows = rows_of(case)
    rows = [{"p": r.get("p", "all"), "ts": BASE + timedelta(seconds=r["id"]), **r} for r in rows]
    columns = ["p", "ts"] + [c for c in columns if c != "p"]
    config["partition_by"] = ["p"] + [c for c in config["partition_by"] if c != "p"]
    config["order_by"] = [{"column": "ts", "desc": False}]
    config["within"] = "1 day"
    config["watermark_delay"] = "10 seconds"
    return config, columns, rows


def sentinel(columns: list[str]) -> dict:
    """A row in its own partition, far later: it moves the watermark past every other row."""
    row = {c: None for c in columns}
    row.update(p=SENTINEL_PARTITION, ts=BASE + timedelta(days=10))
    return row


def by_partition(columns: list[str], rows, partition_by: list[str]) -> dict:
    """Output rows grouped by partition (order inside a partition kept), the sentinel partition left out."""
    index = [list(columns).index(c) for c in partition_by]
    groups: dict = {}
    for row in rows:
        key = tuple(row[i] for i in index)
        if key[0] != SENTINEL_PARTITION:
            groups.setdefault(key, []).append(tuple(row))
    return groups
