"""The UI's nicegui-free parts: vendored bundle, field widgets, canvas payload, code view model, CLI address."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from lakestream import editing
from lakestream.commands.ui import address
from lakestream.errors import UserError
from lakestream.node_examples import node_example
from lakestream.nodes import REGISTRY, get_node_type, node_types
from lakestream.pipeline import Pipeline
from lakestream.ui import code_model, samples
from lakestream.ui.fieldspec import describe, path_text
from lakestream.ui.graph_view import graph_payload
from lakestream.validate import validate

CANVAS = Path(__file__).resolve().parents[2] / "lakestream" / "ui" / "canvas"


def test_vendored_bundle_imports_only_vue_and_is_pinned():
    bundle = (CANVAS / "dist" / "index.js").read_text()
    imports = set(re.findall(r'(?:from|import)\s*\(?"([^"]+)"', bundle))
    assert imports == {"vue"}
    assert "process.env" not in bundle  # NODE_ENV was defined at build time
    assert (CANVAS / "dist" / "index.css").stat().st_size > 1000
    notices = (CANVAS / "dist" / "THIRD_PARTY_NOTICES").read_text()
    package = json.loads((CANVAS / "build" / "package.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} must be pinned exactly"
        assert f"{name} {version} (MIT)" in notices
    lock = json.loads((CANVAS / "build" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@vue-flow/core"]["version"] == "1.48.2"


def test_every_config_field_of_every_node_type_gets_a_widget():
    widgets = {describe(info).widget for node in node_types() for info in node.config.model_fields.values()}
    assert widgets <= {"select", "switch", "number", "text", "expression", "column", "code", "template", "list",
                       "columns", "items", "model", "json", "spark_type"}


def test_spark_types_are_chosen_and_schemas_offer_columns_from_data():
    from lakestream.nodes.fields import ColumnSpec
    from lakestream.ui.fieldspec import SPARK_TYPES, is_schema

    type_spec = describe(ColumnSpec.model_fields["type"])
    assert type_spec.widget == "spark_type" and type_spec.options == SPARK_TYPES and not type_spec.optional
    cast = describe(get_node_type("rename_cast").config.model_fields["mappings"]).model.model_fields["cast_to"]
    assert describe(cast).widget == "spark_type" and describe(cast).optional
    assert is_schema(describe(get_node_type("kafka_source").config.model_fields["schema_"]))
    assert not is_schema(describe(get_node_type("sequence_detector").config.model_fields["steps"]))


def test_field_kinds_pick_their_widgets():
    fields = get_node_type("sequence_detector").config.model_fields
    assert describe(fields["contiguity"]).options == ("strict", "relaxed", "any")
    assert describe(fields["emit_timeouts"]).widget == "switch"
    assert describe(fields["key_columns"]).widget == "columns"
    assert describe(fields["event_time_column"]).widget == "column"
    steps = describe(fields["steps"])
    assert steps.widget == "items" and describe(steps.model.model_fields["condition"]).widget == "expression"
    assert describe(get_node_type("kafka_source").config.model_fields["sasl_username"]).optional
    assert path_text(("steps", 1, "condition")) == "steps[1].condition"


def test_canvas_payload_carries_ports_badges_and_the_worst_issue():
    doc, source = editing.add_node(Pipeline(), "kafka_source")
    doc, pattern = editing.add_node(doc, "sequence_detector", 300, 0)
    payload = graph_payload(doc, validate(doc), fit=True)
    cards = {n["id"]: n["data"] for n in payload["nodes"]}
    assert cards[source]["inputs"] == [] and cards[source]["badges"] == ["SDP", "SSS"]
    assert cards[pattern]["badges"] == ["SSS"]
    assert cards[pattern]["severity"] == "error" and cards[pattern]["message"]
    assert payload["fit"] is True
    doc, join = editing.add_node(doc, "temporal_correlation", 600, 0)
    ports = graph_payload(doc)["nodes"][2]["data"]["inputs"]
    assert len(ports) == 2  # named ports A and B


def test_code_view_of_an_invalid_pipeline_is_a_message_and_of_a_valid_one_files():
    doc, source = editing.add_node(Pipeline(), "kafka_source")
    assert code_model.build(doc, "auto").error.startswith("Fix the pipeline first")
    assert code_model.build(Pipeline(), "auto").error == "Add nodes to see their code."
    doc = editing.set_config(doc, source, {"bootstrap_servers": "b:9092", "topics": ["t"],
                                           "schema": [{"name": "amount", "type": "double"}]})
    doc, flt = editing.add_node(doc, "filter", 300, 0)
    doc = editing.set_config(doc, flt, {"condition": "amount > 1"})
    doc, sink = editing.add_node(doc, "delta_table_sink", 600, 0)
    doc = editing.set_config(doc, sink, {"table": "main.s.t"})
    doc, _ = editing.connect(doc, source, "out", flt, "in")
    doc, _ = editing.connect(doc, flt, "out", sink, "in")
    view = code_model.build(doc, "sdp-sql")
    assert view.error is None and view.target == "sdp-sql"
    sql = view.files[0]
    assert "amount > 1" in "\n".join(sql.text.splitlines()[n - 1] for n in sql.lines_of(flt))
    assert sql.node_at(sql.lines_of(sink)[0]) == sink
    archive = zipfile.ZipFile(io.BytesIO(code_model.zip_bytes(view)))
    assert archive.read(sql.path).decode() == sql.text
    assert code_model.zip_bytes(view) == code_model.zip_bytes(view)  # deterministic


def test_ui_address_local_and_app_mode():
    assert address(None, None, {}) == ("127.0.0.1", 8080)
    assert address(None, None, {"DATABRICKS_APP_PORT": "8000"}) == ("0.0.0.0", 8000)
    assert address("127.0.0.1", 9000, {"DATABRICKS_APP_PORT": "8000"}) == ("127.0.0.1", 9000)
    with pytest.raises(UserError, match="port number"):
        address(None, None, {"DATABRICKS_APP_PORT": "x"})
    with pytest.raises(UserError, match="between 1 and 65535"):
        address(None, 70000, {})


@pytest.mark.parametrize("type_id", sorted(REGISTRY))
def test_every_node_help_has_a_code_sample_and_example_rows(type_id):
    found = samples.sample(type_id)
    assert found is not None
    node_id, view = found
    path, language, text = samples.node_lines(node_id, view)
    assert text.strip() and language in ("sql", "python") and path in {f.path for f in view.files}
    assert f"node {node_id})" in text  # the node's own comment line opens its lines
    example = node_example(type_id)
    assert any(t.rows for t in example.inputs + example.outputs)
