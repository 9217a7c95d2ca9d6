"""Every node type's help example: input and output rows that fit its config and cannot drift from the code."""

from __future__ import annotations

import pytest

from lakestream.cep.engine import run_pattern
from lakestream.cep.replay import coerce
from lakestream.node_examples import ENGINE_INPUTS, SPARK_EXAMPLES, node_example, shown, table
from lakestream.node_examples.edge_examples import SINK_ROWS, SOURCE_ROWS
from lakestream.node_examples.pipeline import NODE_ID
from lakestream.node_examples.rows import rows
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category, schema_of
from lakestream.schemas import propagate
from lakestream.validate import validate

TYPES = sorted(REGISTRY)


@pytest.mark.parametrize("type_id", TYPES)
def test_every_node_type_has_example_rows_in_a_valid_pipeline(type_id):
    example = node_example(type_id)
    assert example is not None, "add its rows to lakestream/node_examples (see its README)"
    assert [i for i in validate(example.pipeline) if i.severity == "error"] == []
    shown_rows = [r for t in example.inputs + example.outputs for r in t.rows]
    assert shown_rows, "the help would show no rows"
    for t in example.inputs + example.outputs:
        assert all(len(r) == len(t.columns) for r in t.rows), t.title
    if REGISTRY[type_id].category is Category.SINK:
        assert example.inputs and example.note  # the rows received and where they go
    else:
        assert example.outputs and all(t.rows for t in example.outputs[:1])


@pytest.mark.parametrize("type_id", TYPES)
def test_shown_columns_are_the_propagated_schema(type_id):
    example = node_example(type_id)
    if REGISTRY[type_id].category is Category.SINK:
        return
    schemas = propagate(example.pipeline)
    expected = [c.name for c in schemas[NODE_ID]]
    for output in example.outputs:
        assert list(output.columns) == expected, output.title


@pytest.mark.parametrize("type_id", sorted(SOURCE_ROWS))
def test_source_rows_have_the_declared_types(type_id):
    sample = SOURCE_ROWS[type_id]
    typed = coerce(sample.dicts(), schema_of(*sample.columns))
    for row in typed:
        assert all(value is not None for value in row.values()), row  # every value parses as its type


# MATCH_RECOGNIZE has its own engine (lakestream/cep/match_recognize), checked by tests/match_recognize.
ENGINE_PATTERNS = sorted(t for t in ENGINE_INPUTS
                         if REGISTRY[t].category is Category.PATTERN and t != "match_recognize")


@pytest.mark.parametrize("type_id", ENGINE_PATTERNS)
def test_pattern_outputs_equal_the_engine_fed_directly(type_id):
    """Cross-check of the replayed pipeline: the engine run on the same events, one per micro-batch."""
    example = node_example(type_id)
    inputs = ENGINE_INPUTS[type_id]
    schemas = {port: schema_of(*r.columns) for port, r in inputs}
    events = sorted(((row["ts"], port, row) for port, r in inputs for row in coerce(r.dicts(), schemas[port])),
                    key=lambda t: t[0])
    config = REGISTRY[type_id].config.model_validate(dict(REGISTRY[type_id].example))
    result = run_pattern(type_id, config, [[(port, row)] for _, port, row in events], schemas)
    assert result.late_events == 0
    (output,) = example.outputs
    assert output.rows == table("Output", output.columns, result.rows).rows


@pytest.mark.parametrize("type_id", sorted(SPARK_EXAMPLES))
def test_spark_example_inputs_fit_the_config(type_id):
    example = SPARK_EXAMPLES[type_id]
    ports = {p.name for p in REGISTRY[type_id].inputs}
    assert {port for port, _ in example.inputs} == ports
    assert example.outputs and all(r.values for r in example.outputs.values())


def test_sinks_show_the_rendered_messages():
    alert = node_example("alert_sink")
    assert alert.outputs[0].rows[0] == ("Possible fraud on card c1: MATCH at 2024-05-01 10:20:00",)
    email = node_example("email_sink").outputs[0]
    assert email.columns == ("subject", "body") and email.rows[0][0] == "Cart abandoned by u2"
    assert '"amount": 899.0' in node_example("rest_webhook_sink").outputs[0].rows[0][0]
    assert set(SINK_ROWS) == {t for t, n in REGISTRY.items() if n.category is Category.SINK}


def test_split_router_shows_each_route():
    assert node_example("split_router").how.startswith("Output computed from this input by lakestream replay")
    assert "pattern engine" in node_example("trend_detector").how
    outputs = node_example("split_router").outputs
    assert [t.title for t in outputs] == ["Output critical", "Output high_value", "Output other"]
    assert [len(t.rows) for t in outputs] == [2, 1, 1]


def test_values_are_shown_as_spark_prints_them():
    from datetime import datetime
    from decimal import Decimal

    assert shown(datetime(2024, 5, 1, 10, 0)) == "2024-05-01 10:00:00"
    assert shown(233.7280674711737) == 233.728 and shown(Decimal("20.00")) == 20.0
    assert shown([{"sku": "A1"}]) == '[{"sku": "A1"}]' and shown(None) is None


def test_rows_refuse_a_row_of_the_wrong_width():
    with pytest.raises(ValueError, match="2 columns"):
        rows("a:string b:string", ("x",))
