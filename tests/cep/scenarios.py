"""Hand-written pattern scenarios: loading them, feeding them to the engine, comparing rows.

A scenario file (scenarios/<node type>/<name>.json) holds: `title`, `config`, `columns` (input
column names, for correlation with a leading `_port`), `types` (Spark types of those columns),
`batches` (micro-batches of rows as lists), `expected` (output rows as lists in output-schema
order, written by hand from the semantics) and `late_events`. Times are written as "HH:MM:SS[.f]"
on 1970-01-01, so the epoch microseconds inside a match_id are easy to write by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Column

ROOT = Path(__file__).parent / "scenarios"
_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$")


def parse_time(text):
    m = _TIME.match(text) if isinstance(text, str) else None
    if not m:
        return text
    h, mi, s, frac = m.groups()
    return datetime(1970, 1, 1, int(h), int(mi), int(s), int((frac or "0").ljust(6, "0")))


def show_time(value):
    if not isinstance(value, datetime):
        return value
    text = value.strftime("%H:%M:%S")
    return text + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "")


@dataclass
class Scenario:
    node: str
    name: str
    title: str
    config: object
    columns: list[str]
    types: list[str]
    batches: list[list[tuple[str, dict]]]
    expected: list[tuple]
    late_events: int
    raw: dict

    @property
    def node_spec(self):
        return REGISTRY[self.node]

    @property
    def id(self):
        return f"{self.node}/{self.name}"

    def input_schemas(self):
        schema = tuple(Column(n, t) for n, t in zip(self.columns, self.types) if n != "_port")
        return {p.name: schema for p in REGISTRY[self.node].inputs}


def _row(columns, types, values):
    row = {}
    for name, kind, value in zip(columns, types, values):
        row[name] = parse_time(value) if kind == "timestamp" else value
    return row


def load(path: Path) -> Scenario:
    return from_dict(path.parent.name, path.stem, json.loads(path.read_text()))


def from_dict(node: str, name: str, data: dict) -> Scenario:
    """A scenario from its file's content (also used by generated property tests)."""
    columns, types = data["columns"], data["types"]
    batches = []
    for batch in data["batches"]:
        rows = []
        for values in batch:
            row = _row(columns, types, values)
            rows.append((row.pop("_port", "in"), row))
        batches.append(rows)
    return Scenario(
        node=node,
        name=name,
        title=data["title"],
        config=REGISTRY[node].config.model_validate(data["config"]),
        columns=columns,
        types=types,
        batches=batches,
        expected=[tuple(r) for r in data["expected"]],
        late_events=data["late_events"],
        raw=data,
    )


def all_scenarios() -> list[Scenario]:
    return [load(p) for p in sorted(ROOT.glob("*/*.json"))]


def normalise(value):
    """Comparable form: times as HH:MM:SS text, floats to 6 decimals, Decimals as floats."""
    if isinstance(value, datetime):
        return show_time(value)
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "as_tuple"):
        return round(float(value), 6)
    return value


def comparable(rows) -> list[tuple]:
    return sorted((tuple(normalise(v) for v in row) for row in rows), key=repr)
