"""Fields do what they say: a model endpoint's timeout and batch size are the pandas UDF's only, and the
form and the warnings say so when ai_query is chosen."""

from __future__ import annotations

import pytest

from lakestream.codegen import generate
from lakestream.nodes import REGISTRY
from tests.codegen.helpers import pipeline


def _model(**config):
    return pipeline([
        {"id": "s", "type": "kafka_source", "config": {"bootstrap_servers": "b:9092", "topics": ["t"],
                                                       "schema": [{"name": "a", "type": "double"}]}},
        {"id": "m", "type": "ml_model_endpoint", "config": {"endpoint": "scorer", "input_columns": ["a"],
                                                            "output_column": "o", "output_type": "double", **config}},
        {"id": "d", "type": "delta_table_sink", "config": {"table": "main.a.b"}},
    ], [("s", "m"), ("m", "d")])


def test_the_form_says_timeout_is_for_the_pandas_udf_only():
    fields = REGISTRY["ml_model_endpoint"].config.model_fields
    assert "pandas UDF only" in fields["timeout"].description
    assert "pandas UDF" in fields["batch_size"].description


@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python", "sss"])
def test_a_timeout_with_ai_query_is_warned_not_dropped_silently(target):
    warnings = [w for w in generate(_model(timeout="5 seconds"), target).warnings if w.node_id == "m"]
    assert [(w.field, w.message.split(":")[0]) for w in warnings] == [
        ("timeout", "timeout applies to the pandas UDF only")]
    both = [w.message for w in generate(_model(timeout="5 seconds", batch_size=10), target).warnings]
    assert any(m.startswith("batch_size and timeout apply") for m in both)
    assert not [w for w in generate(_model(), target).warnings if w.node_id == "m"]


def test_the_pandas_udf_uses_the_timeout():
    code = generate(_model(invocation="pandas_udf", timeout="5 seconds"), "sss")
    assert not [w for w in code.warnings if w.node_id == "m"]
    assert "WorkspaceClient(http_timeout_seconds=5)" in code.files["stream_job.py"].text
