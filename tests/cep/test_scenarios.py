"""The engine reproduces every hand-written scenario exactly (rows and late-event count)."""

from __future__ import annotations

import pytest

from lakestream.cep.engine import run_pattern
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



def test_every_pattern_has_at_least_six_scenarios():
    from lakestream.cep.bindings import _BINDERS

    counts = {node: sum(s.node == node for s in SCENARIOS) for node in _BINDERS}
    assert {n: c for n, c in counts.items() if c < 6} == {}
