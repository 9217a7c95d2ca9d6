"""End to end in real headless Chromium: the code dock's edit mode (edit, preview, apply, undo; errors at
their line) and pasting a MATCH_RECOGNIZE query onto the canvas, from templates opened over one another.
Screenshots go to test-results/.
"""

from __future__ import annotations

import json

import pytest

from lakestream import editing, gallery
from tests.ui.browser_steps import (
    FITS, code_text, export, field, open_template, select_node, shot, toast, wait_for_fit, wait_for_graph)

pytestmark = pytest.mark.e2e

EDITOR = "document.querySelector('.ls-code .nicegui-codemirror').id.slice(1)"


def select_text(page, text: str, occurrence: int = 0) -> None:
    """Put the editor's selection on `text` (as a double-click-and-drag would) and focus it; typing replaces it."""
    found = page.evaluate(f"""([text, occurrence]) => {{
      const view = getElement({EDITOR}).editor; const doc = view.state.doc.toString();
      let at = -1; for (let k = 0; k <= occurrence; k++) at = doc.indexOf(text, at + 1);
      if (at < 0) return false;
      view.dispatch({{selection: {{anchor: at, head: at + text.length}}, scrollIntoView: true}}); view.focus();
      return true; }}""", [text, occurrence])
    assert found, f"{text!r} is not in the code"


def editor_text(page) -> str:
    return page.evaluate(f"getElement({EDITOR}).editor.state.doc.toString()")


def start_editing(page) -> None:
    page.locator(".ls-code-edit-btn").click()
    page.locator(".ls-code-editing").wait_for()


def open_code_tab(page, title: str, contains: str) -> None:
    page.locator(".ls-code-tabs").get_by_role("button", name=title, exact=True).click()
    page.wait_for_function("(t) => document.querySelector('.ls-code .cm-content')"
                           " && document.querySelector('.ls-code .cm-content').innerText.includes(t)", arg=contains)


def retype(page, tab: str, old: str, new: str) -> None:
    """In the code tab `tab`: Edit, select `old`, type `new` over it, Apply…"""
    open_code_tab(page, tab, old)
    start_editing(page)
    select_text(page, old)
    page.keyboard.type(new)
    page.locator(".ls-code-apply-btn").click()


def declarative_card_fraud():
    """Card fraud without its pattern nodes: Kafka -> filter -> Delta, all of it SDP SQL (as a user would trim it)."""
    document = gallery.instantiate(next(c for c in gallery.list_templates() if c.name == "Card fraud"))
    document = editing.delete(document, ["spend_velocity", "account_takeover", "takeover_alerts", "all_alerts",
                                         "fraud_slack", "velocity_alerts"], [])
    document, _ = editing.connect(document, "large_spend", "out", "card_alerts", "in")
    return document.model_copy(update={"name": "Large card spend"})


def import_over(page, tmp_path, document) -> None:
    """Import a pipeline file over the work on screen (discarding it), as the header's Import does."""
    file = tmp_path / "pipeline.lakestream.json"
    file.write_text(document.to_json())
    fits = page.evaluate(FITS)
    page.locator("button:has(i:text-is('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(file))
    page.get_by_role("button", name="Discard changes").click()
    toast(page, f"Imported {document.name}")
    wait_for_graph(page, len(document.nodes), len(document.edges))
    wait_for_fit(page, fits)


def apply_and_confirm(page) -> str:
    """Apply…, read the preview, Apply; return the preview's text."""
    page.locator(".ls-code-apply-btn").click()
    preview = page.locator(".q-dialog").filter(has_text="Apply this code edit?")
    preview.wait_for()
    text = preview.inner_text()
    preview.get_by_role("button", name="Apply").click()
    toast(page, "Code edit applied")
    page.locator(".ls-code-editing").wait_for(state="detached")
    return text


def test_sql_edits_a_condition_adds_a_statement_refuses_a_syntax_error_and_undo_restores(page, tmp_path):
    open_template(page, "Card fraud")
    document = declarative_card_fraud()
    import_over(page, tmp_path, document)  # over the template
    open_code_tab(page, "SDP SQL", "amount >= 100")

    # 1. a condition edited in the SQL: the preview names the field, old -> new; the form follows
    start_editing(page)
    select_text(page, "amount >= 100")
    page.keyboard.type("amount >= 250")
    shown = apply_and_confirm(page)
    assert "Condition" in shown and "amount >= 100" in shown and "amount >= 250" in shown, shown
    select_node(page, "large_spend", "Filter")
    box = field(page, "condition").locator("input, textarea").first
    page.wait_for_function("(b) => b.value.includes('amount >= 250')", arg=box.element_handle())
    page.wait_for_function("() => document.querySelector('.ls-code .cm-content').innerText.includes('amount >= 250')")

    # 2. a statement typed at the end: a node appears, connected to the dataset it reads
    start_editing(page)
    page.evaluate(f"() => {{ const v = getElement({EDITOR}).editor; const end = v.state.doc.length;"
                  " v.dispatch({selection: {anchor: end}}); v.focus(); }")
    page.keyboard.type("\n\nCREATE MATERIALIZED VIEW `spend_per_card` AS\n"
                       "SELECT card_id, sum(amount) AS total FROM `purchases_and_transfers_of_100_or_more` "
                       "GROUP BY card_id;")
    shot(page, "code-edit-sql-statement")
    shown = apply_and_confirm(page)
    assert "+ node" in shown and "sql_transform" in shown, shown
    wait_for_graph(page, 4, 3)
    saved = export(page)
    added = next(n for n in saved["nodes"] if n["type"] == "sql_transform")
    assert "sum(amount)" in added["config"]["query"]

    # 3. a syntax error: shown at its line, nothing changes
    start_editing(page)
    select_text(page, "amount >= 250")
    page.keyboard.type("amount >= 250)")  # one parenthesis too many
    page.locator(".ls-code-apply-btn").click()
    error = page.locator(".ls-code-edit-error")
    error.wait_for()
    line = next(i for i, text in enumerate(editor_text(page).split("\n"), 1) if "amount >= 250)" in text)
    assert error.inner_text().startswith(f"Line {line}:"), error.inner_text()
    marked = page.locator(".ls-code .cm-line.ls-code-error-line")
    marked.wait_for()
    assert "amount >= 250)" in marked.inner_text()
    shot(page, "code-edit-sql-syntax-error")
    page.locator(".ls-code-cancel-btn").click()
    page.locator(".ls-code-editing").wait_for(state="detached")
    assert export(page)["nodes"] == saved["nodes"]

    # 4. one undo restores the canvas before the last applied code edit (the added statement), a second the one before
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+z")
    wait_for_graph(page, 3, 2)
    after_undo = export(page)
    assert next(n for n in after_undo["nodes"] if n["id"] == "large_spend")["config"]["condition"].endswith("250")
    page.keyboard.press("Control+z")
    page.wait_for_function("() => document.querySelector('.ls-code .cm-content').innerText.includes('amount >= 100')")
    restored = export(page)
    assert [n["config"] for n in restored["nodes"]] == [n.config for n in document.nodes]


def test_an_expression_edit_in_sss_code_changes_the_form_and_one_undo_restores_it(page):
    open_template(page, "Card fraud")
    open_template(page, "Abandoned cart")  # over the first one
    wait_for_graph(page, 4, 3)
    open_code_tab(page, "SSS", "event_type = 'purchase'")
    start_editing(page)
    select_text(page, "event_type = 'purchase'")
    page.keyboard.type("event_type IN ('purchase', 'gift_purchase')")
    shot(page, "code-edit-typing")
    page.locator(".ls-code-apply-btn").click()
    preview = page.locator(".q-dialog").filter(has_text="Apply this code edit?")
    preview.wait_for()
    text = preview.inner_text()
    assert "expected_condition" in text and "event_type = 'purchase'" in text \
        and "event_type IN ('purchase', 'gift_purchase')" in text, text
    shot(page, "code-edit-preview")
    preview.get_by_role("button", name="Apply").click()
    toast(page, "Code edit applied")
    select_node(page, "abandoned", "Absence")
    box = field(page, "expected_condition").locator("input, textarea").first
    page.wait_for_function("(b) => b.value.includes('gift_purchase')", arg=box.element_handle())
    assert export(page)["nodes"][1]["config"]["expected_condition"] == "event_type IN ('purchase', 'gift_purchase')"
    # one undo restores the canvas before the edit (the form and the code follow)
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+z")
    page.wait_for_function("() => document.querySelector('.ls-code .cm-content').innerText"
                           ".includes(\"event_type = 'purchase'\")")
    assert "gift_purchase" not in code_text(page)
    assert export(page)["nodes"][1]["config"]["expected_condition"] == "event_type = 'purchase'"


def test_a_python_edit_outside_an_expression_is_refused_at_its_line_and_changes_nothing(page):
    open_template(page, "SLA breach")
    open_template(page, "Abandoned cart")
    before = export(page)
    retype(page, "SSS", ".withWatermark(", ".withWatermark2(")
    error = page.locator(".ls-code-edit-error")
    error.wait_for()
    line = next(i for i, text in enumerate(editor_text(page).split("\n"), 1) if "withWatermark2(" in text)
    assert f"Line {line}:" in error.inner_text() and "withWatermark2" in error.inner_text()
    assert "has no SDP SQL form" in error.inner_text()  # an absence needs state: no SQL transform offer
    assert not page.locator(".ls-code-offer").is_visible()
    # the error is drawn at its line
    marked = page.locator(".ls-code .cm-line.ls-code-error-line")
    marked.wait_for()
    assert "withWatermark2" in marked.inner_text()
    shot(page, "code-edit-refused")
    page.locator(".ls-code-cancel-btn").click()
    page.locator(".ls-code-editing").wait_for(state="detached")
    page.wait_for_function("() => !document.querySelector('.ls-code .cm-content').innerText.includes('withWatermark2')")
    after = export(page)
    assert json.dumps(after["nodes"], sort_keys=True) == json.dumps(before["nodes"], sort_keys=True)


TRINO_QUERY = """SELECT * FROM orders MATCH_RECOGNIZE(
     PARTITION BY custkey
     ORDER BY orderdate
     MEASURES A.totalprice AS starting_price, LAST(B.totalprice) AS bottom_price, LAST(U.totalprice) AS top_price
     ONE ROW PER MATCH
     AFTER MATCH SKIP PAST LAST ROW
     PATTERN (A B+ C+ D+)
     SUBSET U = (C, D)
     DEFINE B AS totalprice < PREV(totalprice),
            C AS totalprice > PREV(totalprice) AND totalprice <= A.totalprice,
            D AS totalprice > PREV(totalprice)
     )"""


def test_a_match_recognize_query_pasted_with_ctrl_v_and_from_the_header_becomes_two_nodes(page):
    open_template(page, "Device liveness")
    open_template(page, "Trading row pattern")  # over the first one
    wait_for_graph(page, 3, 2)
    # Ctrl+V on the canvas with a query on the clipboard
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("(t) => navigator.clipboard.writeText(t)", TRINO_QUERY)
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+v")
    report = page.locator(".q-dialog").filter(has_text="MATCH_RECOGNIZE added to the canvas")
    report.wait_for()
    assert "placeholder for orders" in report.inner_text() and "watermark" in report.inner_text().lower()
    shot(page, "mr-paste-report")
    report.get_by_role("button", name="OK").click()
    wait_for_graph(page, 5, 3)
    saved = export(page)
    pattern = next(n for n in saved["nodes"] if n["label"] == "Row pattern (pasted)")
    assert pattern["config"]["subset"] == [{"name": "U", "variables": ["C", "D"]}]
    assert pattern["config"]["pattern"] == "A B+ C+ D+" and len(pattern["config"]["define"]) == 3
    source = next(n for n in saved["nodes"] if n["label"] == "orders (placeholder)")
    assert [c["name"] for c in source["config"]["schema"]] == ["custkey", "orderdate", "totalprice"]
    # the form shows the pasted clauses
    page.locator(".ls-config").get_by_text("Row pattern", exact=False).first.wait_for()
    assert field(page, "pattern").locator("input, textarea").first.input_value() == "A B+ C+ D+"
    # one undo removes both nodes
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+z")
    wait_for_graph(page, 3, 2)

    # the header's action: a query that cannot be used changes nothing and says why
    page.locator("button:has(i:text-is('pattern'))").first.click()
    dialog = page.locator(".q-dialog").filter(has_text="Paste a MATCH_RECOGNIZE query")
    dialog.locator("textarea").fill("SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts)")
    shot(page, "mr-paste-dialog")
    dialog.get_by_role("button", name="Add to canvas").click()
    toast(page, "no PATTERN")
    wait_for_graph(page, 3, 2)
    page.locator("button:has(i:text-is('pattern'))").first.click()
    dialog.locator("textarea").fill(TRINO_QUERY.replace("PATTERN (A B+ C+ D+)", "PATTERN (A B+ C+ D+) WITHIN INTERVAL '2' HOUR"))
    dialog.get_by_role("button", name="Add to canvas").click()
    report.wait_for()
    report.get_by_role("button", name="OK").click()
    wait_for_graph(page, 5, 3)
    pattern = next(n for n in export(page)["nodes"] if n["label"] == "Row pattern (pasted)")
    assert pattern["config"]["within"] == "2 hours"


def test_a_python_edit_of_a_declarative_node_offers_a_sql_transform_node(page, tmp_path):
    open_template(page, "Fleet monitoring")
    import_over(page, tmp_path, declarative_card_fraud())
    retype(page, "SDP Python", ".where(F.expr(", ".filter(F.expr(")
    offer = page.locator(".ls-code-offer")
    offer.wait_for()
    assert "turn it into a SQL transform node" in page.locator(".ls-code-edit-error").inner_text()
    shot(page, "code-edit-offer")
    offer.click()
    toast(page, "is now a SQL transform node")
    page.locator(".ls-code-editing").wait_for(state="detached")
    node = next(n for n in export(page)["nodes"] if n["id"] == "large_spend")
    assert node["type"] == "sql_transform" and "amount >= 100" in node["config"]["query"]
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+z")
    page.wait_for_function("() => document.querySelector('.vue-flow__node[data-id=large_spend]')"
                           ".innerText.includes('Filter')")
