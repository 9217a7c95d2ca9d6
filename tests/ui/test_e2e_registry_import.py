"""End to end in real headless Chromium: a Kafka source's columns imported from a subject of a real schema registry
(the form's button, its dialog prefilled from the source, a missing subject named in the dialog, Undo-able columns)."""

from __future__ import annotations

import json

import pytest

from tests.core.factories import linear_document
from tests.realio.registry import schema_registry  # noqa: F401 (fixture)
from tests.ui.browser_steps import export, field, import_file, select_node, shot, toast

pytestmark = [pytest.mark.e2e, pytest.mark.services]

PAYMENT = {"type": "record", "name": "Payment", "fields": [
    {"name": "card_id", "type": "string"},
    {"name": "amount", "type": ["null", "double"], "default": None},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
]}


def test_a_kafka_sources_columns_from_a_schema_registry_subject(page, schema_registry, tmp_path):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    schema_registry.register("payments-value", PAYMENT)
    fraud = linear_document()
    for index, item in enumerate(fraud["nodes"]):
        item["position"] = {"x": 300 * index, "y": 0}
    fraud["nodes"][0]["config"].update(schema=[{"name": "card_id", "type": "string"}],
                                       schema_registry_url=schema_registry.url, value_format="avro")
    document = tmp_path / "fraud.lakestream.json"
    document.write_text(json.dumps(fraud))
    import_file(page, document, "Card fraud")
    select_node(page, "n1", "Kafka topic")

    page.locator(".ls-config").get_by_role("button", name="Columns from the schema registry").click()
    dialog = page.locator(".q-dialog")
    url, subject = dialog.locator("input").nth(0), dialog.locator("input").nth(1)
    assert url.input_value() == schema_registry.url and subject.input_value() == "payments-value"
    subject.fill("nope-value")
    dialog.get_by_role("button", name="Import columns").click()
    dialog.get_by_text("has no subject 'nope-value'", exact=False).wait_for()
    shot(page, "registry-01-missing-subject")
    subject.fill("payments-value")
    dialog.get_by_role("button", name="Import columns").click()
    toast(page, "4 column(s) from payments-value version 1")
    field(page, "schema[3].name").wait_for()
    names = [field(page, f"schema[{i}].name").locator("input").input_value() for i in range(4)]
    types = [field(page, f"schema[{i}].type").locator("input").input_value() for i in range(4)]
    assert names == ["card_id", "amount", "ts", "tags"]
    assert types == ["string", "double", "timestamp", "array<string>"]
    shot(page, "registry-02-imported")
    assert export(page)["nodes"][0]["config"]["schema"] == [
        {"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
        {"name": "ts", "type": "timestamp"}, {"name": "tags", "type": "array<string>"}]
    assert errors == []
