"""End to end in real headless Chromium: the code dock's edit mode (edit, preview, apply, undo; errors at
their line) and pasting a MATCH_RECOGNIZE query onto the canvas, from templates opened over one another.
Screenshots go to test-results/.
"""

from __future__ import annotations

import json

import pytest

from tests.ui.browser_steps import code_text, export, field, open_template, select_node, shot, toast, wait_for_graph

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
    open_code_tab(page, "SSS", "withWatermark")
    start_editing(page)
    select_text(page, ".withWatermark(")
    page.keyboard.type(".withWatermark2(")
    page.locator(".ls-code-apply-btn").click()
    error = page.locator(".ls-code-edit-error")
    error.wait_for()
    line = next(i for i, text in enumerate(editor_text(page).split("\n"), 1) if "withWatermark2(" in text)
    assert f"Line {line}:" in error.inner_text() and "withWatermark2" in error.inner_text()
    assert "SQL transform" in error.inner_text()
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
