"""Schema rules and checks never crash, whatever columns arrive (the validator runs them on every edit)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakestream.nodes import node_types
from lakestream.nodes.base import Column, Inputs

TYPES = ["string", "int", "bigint", "double", "timestamp", "boolean", "decimal(10,2)", "array<string>",
         "array<struct<a:int,b:string>>", "map<string,int>", "struct<x:double>"]
# Names the examples use, so the rules meet both matching and missing columns.
NAMES = ["ts", "card_id", "amount", "merchant", "line_items", "ad_id", "impression_ts", "click_ts", "customer_id",
         "page", "user_id", "load_ms", "evt_ts", "amt", "qty", "country", "fx_rate", "category", "x"]

schemas = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(TYPES)), max_size=8, unique_by=lambda c: c[0]).map(
    lambda pairs: tuple(Column(n, t) for n, t in pairs)
)


def _ports(spec):
    return [p.name for p in spec.inputs]


@pytest.mark.parametrize("spec", node_types(), ids=lambda n: n.type)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rules_survive_any_input(spec, data):
    config = spec.config.model_validate(dict(spec.example))
    by_port = {port: tuple(data.draw(st.lists(schemas, min_size=1, max_size=3 if port == "in" else 1)))
               for port in _ports(spec)}
    inputs = Inputs(by_port)
    try:
        out = spec.output_schema(config, inputs)
    except (KeyError, ValueError, IndexError):
        out = None  # documented: the propagator treats these as "schema unknown"
    if out is not None:
        assert all(isinstance(c, Column) and c.name and c.type for c in out)
    if spec.checks:
        assert all(f.severity in ("error", "warning", "info") for f in spec.checks(config, inputs))
        list(spec.checks(config, Inputs({})))  # nothing connected yet
