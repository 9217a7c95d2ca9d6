"""The builder page with NiceGUI's simulated user: palette, canvas events, forms, problems, code, header."""

from __future__ import annotations

import asyncio
import json

import pytest
from nicegui import ui

from lakestream import editing, gallery
from lakestream.node_examples import node_example
from lakestream.nodes import get_node_type, node_types
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline, load_pipeline
from lakestream.store import open_store
from lakestream.ui.canvas import FlowCanvas
from lakestream.ui.palette import PaletteList

KAFKA = {
    "bootstrap_servers": "broker:9092", "topics": ["payments"],
    "schema": [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
               {"name": "ts", "type": "timestamp"}],
}


async def _open(user, pages):
    await user.open("/")
    await user.should_see("Start your pipeline")
    return pages[-1]


async def settle():
    """Let the page's async handlers (guarded, run as tasks) finish."""
    await asyncio.sleep(0.05)


def _canvas(user):
    return user.find(FlowCanvas)


async def _chain(user, pages):
    """Kafka -> Filter -> Delta sink, built through canvas events like the browser sends them."""
    page = await _open(user, pages)
    canvas = _canvas(user)
    canvas.trigger("nodeDropped", {"type": "kafka_source", "x": 0, "y": 0})
    canvas.trigger("nodeDropped", {"type": "filter", "x": 300, "y": 0})
    canvas.trigger("nodeDropped", {"type": "delta_table_sink", "x": 600, "y": 0})
    canvas.trigger("connect", {"source": "n1", "sourceHandle": "out", "target": "n2", "targetHandle": "in"})
    canvas.trigger("connect", {"source": "n2", "sourceHandle": "out", "target": "n3", "targetHandle": "in"})
    # adding and connecting are routine: the canvas shows them, no toast
    assert [n.type for n in page.doc.nodes] == ["kafka_source", "filter", "delta_table_sink"]
    assert len(page.doc.edges) == 2
    return page


def _palette(user):
    return user.find(PaletteList)


def _palette_props(user) -> dict:
    (palette,) = _palette(user).elements
    return palette.props


async def test_palette_lists_every_registered_type_in_four_categories(user, pages):
    await _open(user, pages)
    sections = _palette_props(user)["sections"]
    assert [(s["category"], s["title"]) for s in sections] == [
        ("source", "Sources"), ("pattern", "Patterns (CEP)"), ("transform", "Transforms"), ("sink", "Sinks")]
    for section in sections:
        assert [i["type"] for i in section["items"]] == [n.type for n in node_types(Category(section["category"]))]
        assert all(i["name"] and i["icon"] and i["description"] for i in section["items"])


async def test_palette_search_hides_non_matching(user, pages):
    await _open(user, pages)
    user.find(marker="palette-search").type("kafka")
    await settle()
    hidden = set(_palette_props(user)["hidden"])
    assert "kafka_source" not in hidden and "geofence" in hidden
    assert hidden == {n.type for n in node_types() if "kafka" not in f"{n.name} {n.type} {n.description}".lower()}


async def test_click_to_add_and_drop_add_nodes_with_fresh_ids(user, pages):
    page = await _open(user, pages)
    _palette(user).trigger("add", {"type": "kafka_source"})
    _canvas(user).trigger("nodeDropped", {"type": "filter", "x": 333, "y": 41})
    await settle()
    assert [(n.id, n.type) for n in page.doc.nodes] == [("n1", "kafka_source"), ("n2", "filter")]
    assert (page.doc.node("n2").position.x, page.doc.node("n2").position.y) == (336, 48)  # snapped
    await user.should_not_see("Start your pipeline")
    assert page.session.selection == ["n2"]


async def test_unknown_dropped_type_is_a_message_not_a_crash(user, pages):
    page = await _open(user, pages)
    _canvas(user).trigger("nodeDropped", {"type": "filtr", "x": 0, "y": 0})
    await user.should_see("Did you mean 'filter'?")
    assert page.doc.nodes == ()


async def test_connections_are_decided_by_can_connect(user, pages):
    page = await _chain(user, pages)
    assert [(e.source, e.target) for e in page.doc.edges] == [("n1", "n2"), ("n2", "n3")]
    _canvas(user).trigger("connect", {"source": "n3", "sourceHandle": "out", "target": "n2", "targetHandle": "in"})
    await user.should_see("Connection refused: A sink has no output")
    _canvas(user).trigger("nodeDropped", {"type": "kafka_source", "x": 0, "y": 200})
    _canvas(user).trigger("connect", {"source": "n4", "sourceHandle": "out", "target": "n2", "targetHandle": "in"})
    await user.should_see("Filter takes one input")
    assert len(page.doc.edges) == 2


async def test_moves_and_deletes_from_the_canvas(user, pages):
    page = await _chain(user, pages)
    _canvas(user).trigger("nodesMoved", {"nodes": [{"id": "n2", "x": 320, "y": 96}]})
    await settle()
    assert page.doc.node("n2").position.y == 96
    _canvas(user).trigger("edgesDeleted", {"edges": ["e1"]})
    await settle()
    assert [e.id for e in page.doc.edges] == ["e2"]
    _canvas(user).trigger("nodesDeleted", {"nodes": ["n2"]})
    await settle()
    assert [n.id for n in page.doc.nodes] == ["n1", "n3"] and page.doc.edges == ()
    await user.should_see("Deleted 1 node(s)")


async def test_form_is_generated_from_the_config_model_with_inline_errors(user, pages):
    page = await _chain(user, pages)
    _canvas(user).trigger("selectionChanged", {"nodes": ["n2"], "edges": []})
    await settle()
    await user.should_see("Spark SQL condition; rows where it is true pass (false or NULL are dropped)")
    field = user.find(marker="field-condition").elements.pop()
    field.set_value("amount >")
    await user.should_see("is not a valid Spark SQL expression")
    field.set_value("amount > 100")
    await settle()
    assert page.doc.node("n2").config == {"condition": "amount > 100"}
    await user.should_not_see("is not a valid Spark SQL expression")
    # the expression field completes the columns propagated from the Kafka source
    page.doc
    user.find(marker="node-label").type("Big payments")
    await settle()
    assert page.doc.node("n2").label == "Big payments"


async def test_column_pickers_offer_the_propagated_schema(user, pages):
    page = await _chain(user, pages)
    page.set_config("n1", KAFKA, ("bootstrap_servers",), True)
    page.set_config("n2", {"condition": "amount > 1"}, ("condition",), True)
    _canvas(user).trigger("selectionChanged", {"nodes": ["n3"], "edges": []})
    await settle()
    await user.should_see("Target table, catalog.schema.table")
    merge_keys = user.find(marker="field-merge_keys").elements.pop()
    assert {"card_id", "amount", "ts", "_kafka_offset"} <= set(merge_keys.options)
    # an expression field completes the word being typed with the input's columns (ghost text and chips)
    _canvas(user).trigger("selectionChanged", {"nodes": ["n2"], "edges": []})
    await settle()
    condition = user.find(marker="field-condition").elements.pop()
    assert condition.props["_autocomplete"] == []  # "amount > 1": the last word is complete
    condition.set_value("amount > 1 AND ")
    await settle()
    assert condition.props["_autocomplete"] == []  # no ghost text after a space: Tab leaves the field
    user.find(marker="complete-_kafka_offset")  # but every column is a chip away
    condition.set_value("amount > 1 AND ca")
    await settle()
    assert condition.props["_autocomplete"] == ["amount > 1 AND card_id", "amount > 1 AND CASE",
                                                "amount > 1 AND cast("]
    user.find(marker="complete-card_id").click()
    await settle()
    assert page.doc.node("n2").config["condition"] == "amount > 1 AND card_id"
    assert condition.props["_autocomplete"] == []


async def test_list_fields_add_and_remove_items(user, pages):
    page = await _open(user, pages)
    _canvas(user).trigger("nodeDropped", {"type": "sequence_detector", "x": 0, "y": 0})
    await user.should_see("The steps, in order (2 to 10)")
    user.find(marker="add-item-steps").click()
    user.find(marker="add-item-steps").click()
    await settle()
    assert page.doc.node("n1").config["steps"] == [{}, {}]
    await user.should_see("Step name; it names the output column <name>_ts")
    user.find(marker="field-steps[0].name").type("login")
    await settle()
    assert page.doc.node("n1").config["steps"] == [{"name": "login"}, {}]
    user.find(marker="remove-item-steps[0]").click()
    await settle()
    assert page.doc.node("n1").config["steps"] == [{}]


async def test_undo_redo_and_typing_is_one_step(user, pages):
    page = await _chain(user, pages)
    _canvas(user).trigger("selectionChanged", {"nodes": ["n2"], "edges": []})
    await settle()
    user.find(marker="node-label").type("a").type("b").type("c")
    await settle()
    assert page.doc.node("n2").label == "abc"
    user.find(marker="action-undo").click()
    await settle()
    assert page.doc.node("n2").label == ""
    user.find(marker="action-undo").click()
    await settle()
    assert len(page.doc.edges) == 1
    user.find(marker="action-redo").click()
    user.find(marker="action-redo").click()
    await settle()
    assert page.doc.node("n2").label == "abc" and len(page.doc.edges) == 2


async def test_copy_paste_duplicate_and_layout(user, pages):
    page = await _chain(user, pages)
    _canvas(user).trigger("selectionChanged", {"nodes": ["n1", "n2"], "edges": []})
    await settle()
    user.find(marker="action-copy").click()
    user.find(marker="action-paste").click()
    await user.should_see("Pasted 2 node(s)")
    assert [n.id for n in page.doc.nodes][-2:] == ["n4", "n5"]
    assert ("n4", "n5") in {(e.source, e.target) for e in page.doc.edges}
    assert page.session.selection == ["n4", "n5"]
    user.find(marker="action-duplicate").click()
    await settle()
    assert len(page.doc.nodes) == 7
    user.find(marker="action-layout").click()
    await settle()
    assert page.doc.node("n1").position.x < page.doc.node("n2").position.x < page.doc.node("n3").position.x


async def test_problems_panel_lists_issues_and_selects_the_node(user, pages):
    page = await _chain(user, pages)
    user.find(marker="problems-tab").click()
    errors = [i for i in page.session.issues if i.severity == "error"]
    assert len(errors) >= 3  # every required field of the three nodes
    await user.should_see(f"{len(errors)} errors")
    assert page.problems_tab.props["label"] == f"Problems · {len(errors)} errors"
    await user.should_see("Condition is required")
    user.find(marker="problem-n2").trigger("click")
    await settle()
    await user.should_see("Spark SQL condition; rows where it is true pass")
    assert page.session.selection == ["n2"]


async def test_save_open_roundtrip_and_dirty_state(user, pages):
    page = await _chain(user, pages)
    page.set_config("n1", KAFKA, ("x",), True)
    await user.should_see("Unsaved changes")
    user.find(marker="action-save").click()
    await user.should_see("Saved Untitled pipeline (version 1)")
    await user.should_see("Saved · version 1")
    saved = page.doc
    stored = page.store.get(saved.id)
    assert stored.nodes == saved.nodes and stored.edges == saved.edges
    user.find(marker="action-new").click()
    await settle()
    assert page.doc.nodes == ()
    user.find(marker="action-open").click()
    await user.should_see("Open a pipeline")
    user.find(marker="open-table").trigger("rowClick", [{}, {"id": saved.id}, 0])
    await user.should_see("Opened Untitled pipeline")
    assert page.doc.nodes == saved.nodes and page.doc.edges == saved.edges


async def test_new_asks_before_discarding_unsaved_work(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-new").click()
    await user.should_see("You have unsaved changes. Save them first, or discard them?")
    user.find(marker="confirm-cancel").click()
    await user.should_not_see("You have unsaved changes. Save them first, or discard them?")
    assert len(page.doc.nodes) == 3


async def test_new_over_unsaved_work_can_save_it_first(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-new").click()
    await user.should_see("You have unsaved changes. Save them first, or discard them?")
    user.find(marker="confirm-save").click()
    for _ in range(100):  # the save runs in a worker thread, then the new document opens
        if not page.doc.nodes:
            break
        await asyncio.sleep(0.1)
    assert page.doc.nodes == () and not page.session.dirty
    (saved,) = page.store.list()
    assert saved.node_count == 3


async def test_import_broken_file_changes_nothing(user, pages):
    page = await _chain(user, pages)
    before = page.doc
    broken = json.dumps({"format": 1, "nodes": [{"id": "a", "type": "kafka_sorce"}]})
    with user.client:
        assert not await page.import_text(broken, "broken.lakestream.json")
    await user.should_see("broken.lakestream.json is not a valid pipeline")
    await user.should_see("Did you mean 'kafka_source'?")
    assert page.doc is before


async def test_export_and_import_roundtrip(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-export").click()
    response = await user.download.next()
    exported = load_pipeline(response.content)
    assert exported.nodes == page.doc.nodes
    page.session.saved = page.doc  # nothing unsaved: import does not ask
    with user.client:
        assert await page.import_text(response.content, "x.lakestream.json")
    assert page.doc.nodes == exported.nodes and page.doc.id != exported.id and page.doc.version == 0


async def test_rename(user, pages):
    page = await _open(user, pages)
    user.find(marker="pipeline-name").click()
    await user.should_see("Rename pipeline")
    user.find(marker="text-dialog-input").clear().type("Card fraud")
    user.find(marker="text-dialog-ok").click()
    await user.should_see("Renamed to Card fraud")
    assert page.doc.name == "Card fraud"


async def test_node_help_is_generated_from_the_registry(user, pages):
    await _open(user, pages)
    _palette(user).trigger("help", {"type": "sequence_detector"})
    await user.should_see(marker="node-help-dialog")
    await user.should_see("Detects events that happen in a given order within a time bound, per key.")
    # the fields table (the dialog also shows the example's input and output tables)
    (table,) = [t for t in user.find(kind=ui.table).elements if any(c["name"] == "field" for c in t.columns)]
    model = get_node_type("sequence_detector").config
    assert [r["field"] for r in table.rows] == [info.alias or name for name, info in model.model_fields.items()]
    within = next(r for r in table.rows if r["field"] == "within")
    assert within["description"] == model.model_fields["within"].description and within["required"] == "yes"
    # the example's rows: the output computed by the pattern engine from the input
    example = node_example("sequence_detector")
    await user.should_see(marker="example-Output")
    (shown,) = user.find(marker="example-Output").elements
    assert [tuple(r[c] for c in example.outputs[0].columns) for r in shown.rows] == list(example.outputs[0].rows)
    (given,) = user.find(marker="example-Input").elements
    assert given.rows[0]["amount"] == "4.5" and given.rows[1]["amount"] == "2.0"  # doubles as Spark prints them
    assert example.outputs[0].rows[0][:3] == ("c1", "c1#1", "MATCH")
    await user.should_see("pattern engine")
    # and the code the real generator makes of the node's example
    await user.should_see("Generated code of this example (sss, stream_job.py)")
    code = next(e for e in user.find(kind=ui.code).elements if "# Sequence (Sequence, node x)" in e.content)
    assert "groupBy" in code.content


async def test_node_docs_keep_underscored_names(user, pages):
    await _open(user, pages)
    _palette(user).trigger("help", {"type": "split_router"})
    await user.should_see(marker="node-help-docs")
    (docs,) = user.find(marker="node-help-docs").elements
    assert "default_route" in docs._props["innerHTML"] and "<em>" not in docs._props["innerHTML"]


async def test_shortcuts_and_templates_dialogs(user, pages):
    await _open(user, pages)
    user.find(marker="action-shortcuts").click()
    await user.should_see("Keyboard shortcuts")
    user.find(marker="action-templates").click()
    await user.should_see("Start from a template")


@pytest.mark.parametrize("payload", ['<script>alert(1)</script>', '<img src=x onerror="alert(1)">'])
async def test_labels_with_markup_are_data(user, pages, payload):
    page = await _chain(user, pages)
    page.set_label("n2", payload)
    assert page.doc.node("n2").label == payload.strip()
    await user.should_see(payload.strip())  # shown as text in the problems and config panels


async def test_deploy_button_opens_the_deploy_dialog(user, pages, monkeypatch):
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg")
    await _chain(user, pages)
    user.find(marker="action-deploy").click()
    await user.should_see("Deploy Untitled pipeline")


async def test_deep_link_opens_a_saved_pipeline(user, pages, tmp_path):
    store = open_store("local", home=str(tmp_path / "home"))
    document, _ = editing.add_node(Pipeline(name="Linked"), "filter")
    saved = store.create(document)
    await user.open(f"/?open={saved.id}")
    await user.should_see("Linked")
    assert pages[-1].doc.nodes == saved.nodes and not pages[-1].session.dirty
    await user.open("/?open=not-a-pipeline")
    await user.should_see("Cannot open the linked pipeline")


async def test_stale_save_offers_the_conflict_choices(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-save").click()
    await user.should_see("(version 1)")
    mine = page.doc
    page.store.save(editing.rename(mine, "Changed elsewhere"), expected_version=1)  # another tab saved v2
    page.set_label("n2", "Mine")
    user.find(marker="action-save").click()
    await user.should_see("This pipeline changed since you opened it")
    user.find(content="Save mine as a copy").click()
    await user.should_see("Saved as a copy")
    await settle()
    assert page.doc.id != mine.id and page.doc.node("n2").label == "Mine"
    assert page.store.get(mine.id).name == "Changed elsewhere"  # theirs untouched


async def test_versions_button_opens_the_versions_panel(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-versions").click()
    await user.should_see("Save the pipeline first")
    user.find(marker="action-save").click()
    await user.should_see("(version 1)")
    page.set_label("n1", "Payments")
    user.find(marker="action-save").click()
    await user.should_see("(version 2)")
    user.find(marker="action-versions").click()
    await user.should_see("v1")


async def test_pipeline_settings_when_nothing_is_selected(user, pages):
    page = await _open(user, pages)
    await user.should_see("Pipeline settings")
    target = user.find(marker="pipeline-code-target").elements.pop()
    target.set_value("sss")
    user.find(marker="pipeline-catalog").clear().type("dev")
    await settle()
    assert page.doc.code_target == "sss" and page.doc.settings.catalog == "dev"
    user.find(marker="action-undo").click()
    await settle()
    assert page.doc.settings.catalog == "main"


async def test_template_gallery_opens_a_template_as_a_new_pipeline(user, pages, tmp_path, monkeypatch):
    folder = tmp_path / "templates" / "card_fraud"
    folder.mkdir(parents=True)
    document, _ = editing.add_node(Pipeline(name="Card fraud", description="Velocity then sequence"), "filter")
    (folder / "card_fraud.lakestream.json").write_text(document.to_json())
    (folder / "broken.lakestream.json").write_text("{")
    monkeypatch.setattr(gallery, "templates_folder", lambda: tmp_path / "templates")
    page = await _open(user, pages)
    user.find(marker="action-templates").click()
    await user.should_see("Velocity then sequence")
    await user.should_see("not JSON")  # a broken template is shown with its error, not hidden
    user.find(marker="template-card_fraud.lakestream").trigger("click")
    await user.should_see("Started from the template Card fraud")
    assert page.doc.name == "Card fraud" and page.doc.id != document.id and page.doc.version == 0
    assert [n.type for n in page.doc.nodes] == ["filter"] and page.session.dirty


async def test_app_mode_without_the_proxy_header_explains_instead_of_crashing(user, pages, monkeypatch):
    monkeypatch.setenv("DATABRICKS_APP_PORT", "8000")
    await user.open("/")
    await user.should_see("LakeStream cannot open your pipelines")
    await user.should_see("X-Forwarded-Email")


async def test_an_unexpected_error_is_a_calm_message_and_changes_nothing(user, pages, monkeypatch, caplog):
    page = await _chain(user, pages)
    before = page.doc

    def broken(_):
        raise RuntimeError("boom")

    monkeypatch.setattr(editing, "auto_layout", broken)
    user.find(marker="action-layout").click()
    await user.should_see("Something went wrong (RuntimeError); it was logged. Your work is unchanged.")
    assert page.doc is before
    assert any("unexpected error in layout" in r.getMessage() for r in caplog.records)


async def test_a_shipped_template_opens_into_a_blank_canvas(user, pages):
    page = await _open(user, pages)
    user.find(marker="action-templates").click()
    await user.should_see("Financial services")  # the card shows the template's industry
    user.find(marker="template-card_fraud.lakestream").trigger("click")
    await user.should_see("Started from the template Card fraud")
    template = load_pipeline((gallery.templates_folder() / "gallery" / "card_fraud" / "card_fraud.lakestream.json")
                             .read_text(encoding="utf-8"))
    assert page.doc.nodes == template.nodes and page.doc.edges == template.edges
    assert page.doc.id != template.id and page.session.dirty
    await user.should_see("Card events")  # the config panel / canvas know the template's labels


async def test_opening_a_template_over_unsaved_work_asks_first(user, pages):
    page = await _chain(user, pages)
    user.find(marker="action-templates").click()
    await user.should_see("E-commerce")
    user.find(marker="template-abandoned_cart.lakestream").trigger("click")
    await user.should_see("You have unsaved changes. Save them first, or discard them?")
    user.find(marker="confirm-cancel").click()
    await settle()
    assert [n.type for n in page.doc.nodes] == ["kafka_source", "filter", "delta_table_sink"]
    user.find(marker="action-templates").click()
    await user.should_see("E-commerce")
    user.find(marker="template-abandoned_cart.lakestream").trigger("click")
    await user.should_see("You have unsaved changes. Save them first, or discard them?")
    user.find(marker="confirm-ok").click()
    await user.should_see("Started from the template Abandoned cart")
    assert page.doc.name == "Abandoned cart"
