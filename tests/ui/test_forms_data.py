"""Forms with NiceGUI's simulated user: a source's schema from data, the type chooser, Event time's columns."""

from __future__ import annotations

import json

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload

from lakestream.ui.canvas import FlowCanvas
from lakestream.ui.fieldspec import SPARK_TYPES

EVENTS = [{"card_id": "c1", "amount": 12, "ts": "2024-05-01T10:00:00Z", "geo": {"lat": 1.5}},
          {"card_id": "c2", "amount": 3.5, "ts": "2024-05-01T10:00:05Z", "geo": {"lat": 2}}]


async def _kafka(user, pages):
    """A pipeline with edits: a Kafka source with a server typed in, selected."""
    await user.open("/")
    await user.should_see("Start your pipeline")
    page = pages[-1]
    user.find(FlowCanvas).trigger("nodeDropped", {"type": "kafka_source", "x": 0, "y": 0})
    await user.should_see(marker="field-bootstrap_servers")  # a new node is selected: its form shows
    user.find(marker="field-bootstrap_servers").type("broker:9092")
    return page


def _select(user, marker: str) -> ui.select:
    return next(iter(user.find(marker=marker).elements))


async def test_columns_from_pasted_json_lines_replace_the_schema_and_feed_event_time(user, pages):
    page = await _kafka(user, pages)
    user.find(marker="schema-from-data-schema").click()
    await user.should_see(marker="schema-data")
    user.find(marker="schema-data").type("\n".join(json.dumps(e) for e in EVENTS))
    user.find(marker="schema-use").click()
    await user.should_see("4 column(s) from 2 row(s)")
    assert page.doc.node("n1").config["schema"] == [
        {"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
        {"name": "ts", "type": "timestamp"}, {"name": "geo", "type": "struct<lat:double>"}]
    assert page.doc.node("n1").config["bootstrap_servers"] == "broker:9092"  # the rest of the form is kept
    event_time = _select(user, "field-event_time")
    assert list(event_time.options) == ["card_id", "amount", "ts", "geo"]
    assert _select(user, "field-schema[2].type").value == "timestamp"
    assert page.doc.samples == {"n1": EVENTS}  # the rows are the source's sample events too (switch on)
    await user.should_see("2 sample events (Timeline)")
    page.undo()
    assert page.doc.samples == {} and page.doc.node("n1").config["schema"]
    page.undo()
    assert not page.doc.node("n1").config.get("schema")


async def test_a_csv_upload_and_bad_data_say_what_happened(user, pages):
    page = await _kafka(user, pages)
    user.find(marker="schema-from-data-schema").click()
    await user.should_see(marker="schema-data")
    user.find(marker="schema-data").type('{"card_id": "c1"}\n[1]')
    user.find(marker="schema-use").click()
    await user.should_see("the data, line 2 is not a JSON object")
    assert not page.doc.node("n1").config.get("schema")  # nothing changed, the dialog stays
    upload = user.find(marker="schema-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("events.csv", "text/csv", b"id,when\n7,2024-05-01 10:00:00\n")])
    await user.should_see("2 column(s) from 1 row(s)")
    assert page.doc.node("n1").config["schema"] == [{"name": "id", "type": "int"},
                                                    {"name": "when", "type": "timestamp"}]
    assert page.doc.samples == {"n1": [{"id": "7", "when": "2024-05-01 10:00:00"}]}


async def test_columns_from_data_can_leave_the_samples_alone(user, pages):
    page = await _kafka(user, pages)
    user.find(marker="schema-from-data-schema").click()
    await user.should_see(marker="schema-data")
    user.find(marker="schema-keep-samples").click()  # off
    user.find(marker="schema-data").type(json.dumps(EVENTS[0]))
    user.find(marker="schema-use").click()
    await user.should_see("4 column(s) from 1 row(s)")
    assert page.doc.samples == {} and len(page.doc.node("n1").config["schema"]) == 4


async def test_event_time_offers_a_column_as_soon_as_it_is_typed_and_types_are_chosen(user, pages):
    page = await _kafka(user, pages)
    user.find(marker="add-item-schema").click()
    await user.should_see(marker="field-schema[0].name")
    type_select = _select(user, "field-schema[0].type")
    assert list(type_select.options) == list(SPARK_TYPES)  # a chooser, not free text
    user.find(marker="field-schema[0].name").type("ts")
    assert page.doc.node("n1").config["schema"] == [{"name": "ts"}]
    assert "ts" in _select(user, "field-event_time").options  # without rebuilding the form
    type_select.set_value("timestamp")
    _select(user, "field-event_time").set_value("ts")
    node = page.doc.node("n1")
    assert node.config["schema"] == [{"name": "ts", "type": "timestamp"}] and node.config["event_time"] == "ts"
    assert [e["loc"] for e in node.config_errors] == [("topics",)]  # only what is still to fill in
