"""End to end in real headless Chromium: build, check, save, reopen and import a pipeline as a user would.

Runs `lakestream ui` as a subprocess on a free port with its own store folder (the `server`, `browser`
and `page` fixtures of conftest.py); screenshots of the main states go to test-results/ (kept by CI).
"""

from __future__ import annotations

import json

import pytest

from tests.ui.browser_steps import (
    add_item, code_text, connect, drag_from_palette, export, field, fill, node, select_node, shot, toast)

pytestmark = pytest.mark.e2e


def test_build_check_save_reopen_undo_and_import(page, tmp_path):
    shot(page, "01-empty")
    page.get_by_text("Start your pipeline").wait_for()

    # drag a Kafka source, a filter and a Delta sink from the palette, and connect them
    drag_from_palette(page, "kafka_source", 140, 140)
    drag_from_palette(page, "filter", 440, 140)
    drag_from_palette(page, "delta_table_sink", 740, 140)
    node(page, "n3").wait_for()
    connect(page, "n1", "n2")
    connect(page, "n2", "n3")
    page.wait_for_function("document.querySelectorAll('.vue-flow__edge').length === 2")
    assert page.get_by_text("Start your pipeline").is_hidden()

    # an invalid connection is refused at once, with the reason
    drag_from_palette(page, "kafka_source", 140, 340)
    node(page, "n4").wait_for()
    connect(page, "n4", "n2")
    toast(page, "Filter takes one input")
    shot(page, "02-refused-connection")
    assert page.locator(".vue-flow__edge").count() == 2
    select_node(page, "n4", "Kafka topic")
    page.keyboard.press("Delete")
    node(page, "n4").wait_for(state="detached")

    # fill the forms
    select_node(page, "n1", "Kafka topic")
    fill(page, "bootstrap_servers", "broker:9092")
    topics = field(page, "topics").locator("input").first
    topics.fill("payments")
    topics.press("Enter")
    add_item(page, "schema", "schema[0].name")
    fill(page, "schema[0].name", "card_id")
    fill(page, "schema[0].type", "string")
    add_item(page, "schema", "schema[1].name")
    fill(page, "schema[1].name", "amount")
    fill(page, "schema[1].type", "double")
    select_node(page, "n2", "Filter")
    fill(page, "condition", "amount >")
    field(page, "condition").get_by_text("is not a valid Spark SQL expression").wait_for()
    fill(page, "condition", "amount > 100")
    node(page, "n2").locator(".ls-node-msg").wait_for(state="detached")
    shot(page, "03-forms")

    # one problem left: the sink's table; fix it from the problems panel
    page.get_by_role("tab", name="Problems").click()
    problem = page.locator(".ls-problem").filter(has_text="Table is required")
    problem.click()
    page.locator(".ls-config").get_by_text("Delta table", exact=True).first.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.closest('[data-field=\"table\"]')")
    page.keyboard.type("main.fraud.big_payments")
    page.keyboard.press("Tab")
    page.locator(".ls-problems").get_by_text("No problems").wait_for()
    shot(page, "04-problems-fixed")

    # the SDP SQL follows the edits
    page.get_by_role("tab", name="Code").click()
    page.locator(".ls-code-bar").get_by_text("SDP SQL", exact=True).click()
    page.wait_for_function(
        "document.querySelector('.ls-code .cm-content') && "
        "document.querySelector('.ls-code .cm-content').innerText.includes('big_payments')")
    sql = code_text(page)
    assert "WHERE amount > 100" in sql and "'broker:9092'" in sql
    select_node(page, "n3", "Delta table")
    fill(page, "table", "main.fraud.large_payments")
    page.wait_for_function(
        "document.querySelector('.ls-code .cm-content').innerText.includes('large_payments')")
    shot(page, "05-code")

    # a click on the generated code selects the node it came from
    page.locator(".vue-flow__controls-fitview").click()
    page.wait_for_timeout(400)
    select_node(page, "n1", "Kafka topic")
    page.locator(".ls-code .cm-line").filter(has_text="WHERE amount > 100").first.click()
    page.locator(".ls-config").get_by_text("Filter", exact=True).first.wait_for()

    # save, reload the page, reopen the pipeline: identical
    page.locator(".vue-flow__pane").click(position={"x": 600, "y": 400})
    page.keyboard.press("Control+s")
    toast(page, "(version 1)")
    saved = export(page)
    page.reload()
    page.wait_for_selector(".vue-flow")
    page.get_by_text("Start your pipeline").wait_for()
    page.locator("button:has(i:text('folder_open'))").click()
    page.locator(".q-dialog tbody tr").filter(has_text=saved["name"]).first.click()
    node(page, "n3").wait_for()
    assert export(page) == saved
    shot(page, "06-reopened")

    # undo / redo of a label edit (typing is one step)
    select_node(page, "n2", "Filter")
    label = page.locator(".ls-config input[placeholder=Filter]")
    label.fill("Big payments")
    label.press("Tab")
    node(page, "n2").get_by_text("Big payments").wait_for()
    page.locator(".vue-flow__pane").click(position={"x": 600, "y": 400})
    page.keyboard.press("Control+z")
    node(page, "n2").locator(".ls-node-label").filter(has_text="Filter").wait_for()
    page.keyboard.press("Control+Shift+z")
    node(page, "n2").get_by_text("Big payments").wait_for()

    # copy / paste with the keyboard, then undo the paste
    select_node(page, "n2", "Filter")
    page.locator(".vue-flow__pane").click(position={"x": 600, "y": 450})
    node(page, "n2").locator(".ls-node-head").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    toast(page, "Pasted 1 node(s)")
    page.wait_for_function("document.querySelectorAll('.vue-flow__node').length === 4")
    page.locator(".vue-flow__pane").click(position={"x": 600, "y": 450})
    page.keyboard.press("Control+z")
    page.wait_for_function("document.querySelectorAll('.vue-flow__node').length === 3")

    # a broken file is refused with its errors; nothing changes
    broken = tmp_path / "broken.lakestream.json"
    broken.write_text(json.dumps({"format": 1, "name": "x", "nodes": [{"id": "a", "type": "kafka_sorce"}]}))
    page.locator("button:has(i:text('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(broken))
    page.get_by_text("broken.lakestream.json is not a valid pipeline").first.wait_for()
    page.get_by_text("Did you mean 'kafka_source'?").first.wait_for()
    shot(page, "07-import-error")
    page.keyboard.press("Escape")
    assert page.locator(".vue-flow__node").count() == 3


@pytest.mark.parametrize("payload", ["<script>window.__xss = 1</script>", '<img src=x onerror="window.__xss = 1">'])
def test_markup_in_labels_and_values_renders_as_text(page, payload):
    drag_from_palette(page, "filter", 300, 200)
    node(page, "n1").wait_for()
    select_node(page, "n1", "Filter")
    label = page.locator(".ls-config input[placeholder=Filter]")
    label.fill(payload)
    label.press("Tab")
    fill(page, "condition", f"note = '{payload}'")
    card = node(page, "n1").locator(".ls-node-label")
    card.filter(has_text=payload).wait_for()
    assert card.inner_text() == payload
    assert node(page, "n1").locator("img, script").count() == 0
    page.get_by_role("tab", name="Problems").click()
    page.locator(".ls-problems").get_by_text(payload).first.wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    shot(page, "08-xss")
