"""The engine reproduces every hand-written scenario exactly (rows and late-event count)."""

from __future__ import annotations

import pytest

from lakestream.cep.engine import run_pattern
from lakestream.nodes import node_types
from lakestream.nodes.base import Category
from tests.cep.scenarios import all_scenarios, comparable, parse_time

SCENARIOS = all_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_engine_matches_hand_written_rows(scenario):
    result = run_pattern(scenario.node, scenario.config, scenario.batches, scenario.input_schemas())
    if scenario.node == "deduplication":
        got = [tuple(row[c] for c in scenario.columns) for row in result.rows]
    else:
        got = [tuple(row.values()) for row in result.rows]
    expected = [tuple(parse_time(v) for v in row) for row in scenario.expected]
    assert comparable(got) == comparable(expected)
    assert result.late_events == scenario.late_events


REPLAYED = [spec.type for spec in node_types(Category.PATTERN) if spec.pattern.bind is not None]


@pytest.mark.parametrize("type_id", REPLAYED)
def test_every_replayed_pattern_has_six_scenarios_some_run_on_spark_in_ci(type_id):
    own = [s for s in SCENARIOS if s.node == type_id]
    assert len(own) >= 6
    assert any(s.raw.get("ci") and s.raw["batches"] for s in own), 'mark some scenario files "ci": true'
