"""End to end in real headless Chromium, from realistic states: templates opened over one another, a saved
pipeline and an import over work, readability after fit at two screen sizes, keyboard undo/redo/save,
drops under the pointer, the code dock, and the page's smaller courtesies. Screenshots go to test-results/.
"""

from __future__ import annotations

import json

import pytest

from lakestream import gallery
from tests.ui.browser_steps import (
    FITS, READABILITY, connect, drag_from_palette, export, field, node, open_template, select_node, shot, toast,
    wait_for_fit, wait_for_graph, wait_for_view)

pytestmark = pytest.mark.e2e

TEMPLATES = [(card.name, gallery.instantiate(card)) for card in gallery.list_templates()]
SIZES = {"1366x768": {"width": 1366, "height": 768}, "1600x1000": {"width": 1600, "height": 1000}}
SEARCH_BOX = "document.activeElement && document.activeElement.closest('.q-drawer--left') !== null"


@pytest.fixture(params=list(SIZES))
def sized(request, browser, server):
    """(page, size name) at each of the two screen sizes."""
    context = browser.new_context(viewport=SIZES[request.param], accept_downloads=True)
    tab = context.new_page()
    tab.goto(server)
    tab.wait_for_selector(".vue-flow")
    yield tab, request.param
    context.close()


def test_the_console_error_fixture_catches_page_and_console_errors(browser, server, browser_errors):
    page = browser.new_page()  # watched like every page an e2e test opens
    page.goto(server)
    page.evaluate("console.error('broken on purpose')")
    page.evaluate("setTimeout(() => { throw new Error('thrown on purpose') })")
    page.wait_for_timeout(300)
    page.close()
    assert any("broken on purpose" in e for e in browser_errors)
    assert any("thrown on purpose" in e for e in browser_errors)
    browser_errors.clear()  # caught: this test passes


def test_every_template_over_the_previous_one_shows_all_its_edges(page):
    assert len(TEMPLATES) == 12
    for name, document in TEMPLATES:
        open_template(page, name)
        wait_for_graph(page, len(document.nodes), len(document.edges))
        shown = page.evaluate("[...document.querySelectorAll('.vue-flow__edge')].map((e) => e.dataset.id).sort()")
        assert shown == sorted(e.id for e in document.edges), name
        ids = page.evaluate("[...document.querySelectorAll('.vue-flow__node')].map((n) => n.dataset.id).sort()")
        assert ids == sorted(n.id for n in document.nodes), name


def test_a_saved_pipeline_and_an_import_open_over_work(page, tmp_path):
    fraud = dict(TEMPLATES)["Card fraud"]
    open_template(page, "Card fraud")
    wait_for_graph(page, len(fraud.nodes), len(fraud.edges))
    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+s")
    toast(page, "(version 1)")
    saved = export(page)

    # a saved pipeline over a template with the same edge ids
    security = dict(TEMPLATES)["Security threats"]
    open_template(page, "Security threats")
    wait_for_graph(page, len(security.nodes), len(security.edges))
    fits = page.evaluate(FITS)
    page.locator("button:has(i:text-is('folder_open'))").click()
    page.get_by_role("button", name="Discard changes").click()
    page.locator(".q-dialog tbody tr").filter(has_text="Card fraud").first.click()
    page.locator(".ls-header .ls-name").filter(has_text="Card fraud").wait_for()
    wait_for_graph(page, len(fraud.nodes), len(fraud.edges))
    wait_for_fit(page, fits)  # the view is refitted after open
    assert export(page) == saved

    # an import over work (a new node dropped on the reopened pipeline)
    drag_from_palette(page, "filter", 200, 60)
    wait_for_graph(page, len(fraud.nodes) + 1, len(fraud.edges))
    cart = dict(TEMPLATES)["Abandoned cart"]
    file = tmp_path / "cart.lakestream.json"
    file.write_text(cart.to_json())
    fits = page.evaluate(FITS)
    page.locator("button:has(i:text-is('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(file))
    page.get_by_role("button", name="Discard changes").click()
    toast(page, "Imported Abandoned cart")
    wait_for_graph(page, len(cart.nodes), len(cart.edges))
    wait_for_fit(page, fits)  # and after import
    assert page.evaluate(READABILITY)["underMinimap"] == []


def test_every_template_is_readable_after_fit_and_clear_of_the_minimap(sized):
    page, size = sized
    for name, document in TEMPLATES:
        open_template(page, name)
        wait_for_graph(page, len(document.nodes), len(document.edges))
        wait_for_view(page)
        measured = page.evaluate(READABILITY)
        assert min(measured["fonts"]) >= 11, (name, size, measured)
        assert measured["underMinimap"] == [], (name, size, measured)
        assert measured["underControls"] == [], (name, size, measured)
        shot(page, f"template-{size}-{document.name.lower().replace(' ', '-')}")
        # the fit button gives the same readable view
        before = page.evaluate(FITS)
        page.locator(".vue-flow__controls-fitview").click()
        wait_for_fit(page, before)
        again = page.evaluate(READABILITY)
        assert min(again["fonts"]) >= 11 and again["underMinimap"] == [], (name, size, again)


def test_the_minimap_folds_away_and_comes_back(page):
    open_template(page, "Security threats")
    wait_for_view(page)
    toggle = page.locator(".ls-minimap-toggle")
    shown = page.locator(".vue-flow__minimap").count()
    toggle.click()
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__minimap').length === {1 - shown}")
    toggle.click()
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__minimap').length === {shown}")


def test_a_dropped_node_lands_under_the_pointer_at_any_zoom(page):
    canvas = page.locator(".vue-flow").bounding_box()
    for index, (x, y) in enumerate(((300, 160), (620, 320))):
        drag_from_palette(page, "filter", x, y)
        box = node(page, f"n{index + 1}")
        box.wait_for()
        rect = box.bounding_box()
        px, py = canvas["x"] + x, canvas["y"] + y
        assert rect["x"] <= px <= rect["x"] + rect["width"] and rect["y"] <= py <= rect["y"] + rect["height"], (
            (px, py), rect)
        page.locator(".vue-flow__controls-zoomout").click()  # the next drop at another zoom
        wait_for_view(page)


def test_five_undos_and_five_redos_by_keyboard_and_save_from_a_field(page):
    for index, (type_id, x) in enumerate((("kafka_source", 160), ("filter", 460), ("delta_table_sink", 760))):
        drag_from_palette(page, type_id, x, 160)
        node(page, f"n{index + 1}").wait_for()
    connect(page, "n1", "n2")
    wait_for_graph(page, 3, 1)
    connect(page, "n2", "n3")
    wait_for_graph(page, 3, 2)
    # a focused button (the header's Undo, just clicked) must not swallow the shortcuts
    page.locator("button:has(i:text-is('undo'))").click()
    wait_for_graph(page, 3, 1)
    page.keyboard.press("Control+Shift+z")
    wait_for_graph(page, 3, 2)
    history = [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1), (3, 2)]  # (nodes, edges) after each of the five steps
    page.locator(".vue-flow__pane").click(position={"x": 40, "y": 40})
    for nodes, edges in reversed(history[:-1]):
        page.keyboard.press("Control+z")
        wait_for_graph(page, nodes, edges)
        assert not page.evaluate(SEARCH_BOX), "the focus went into the palette"
    for nodes, edges in history[1:]:
        page.keyboard.press("Control+Shift+z")
        wait_for_graph(page, nodes, edges)
        assert not page.evaluate(SEARCH_BOX), "the focus went into the palette"
    page.keyboard.press("Control+z")
    wait_for_graph(page, 3, 1)
    page.keyboard.press("Control+y")
    wait_for_graph(page, 3, 2)

    # Ctrl+S with the caret in a form field saves what was typed, and the caret stays there
    select_node(page, "n1", "Kafka topic")
    box = field(page, "bootstrap_servers").locator("input").first
    box.click()
    box.press_sequentially("broker:9092", delay=20)
    page.keyboard.press("Control+s")
    toast(page, "(version 1)")
    page.locator(".ls-save-state").filter(has_text="version 1").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    saved = export(page)
    assert next(n for n in saved["nodes"] if n["id"] == "n1")["config"]["bootstrap_servers"] == "broker:9092"
    shot(page, "keyboard-saved-from-field")


def test_code_dock_shows_many_lines_the_whole_reason_and_a_grabbable_splitter(sized):
    page, size = sized
    open_template(page, "Order to cash")
    page.locator(".ls-code .cm-line").first.wait_for()
    page.locator(".ls-code-reason").filter(has_text="sss").wait_for()
    page.wait_for_timeout(300)
    dock = page.evaluate("""() => {
      const code = document.querySelector('.ls-code').getBoundingClientRect();
      const lines = [...document.querySelectorAll('.ls-code .cm-line')].filter((l) => {
        const r = l.getBoundingClientRect(); return r.height > 0 && r.top >= code.top && r.bottom <= code.bottom; });
      const reason = document.querySelector('.ls-code-reason');
      const tops = [...document.querySelectorAll('.ls-code-tabs .q-btn')].map((b) => Math.round(b.getBoundingClientRect().top));
      const labels = [...document.querySelectorAll('.ls-code-tabs .q-btn')].map((b) => b.getBoundingClientRect().height);
      const sep = document.querySelector('.ls-splitter > .q-splitter__separator').getBoundingClientRect();
      return {lines: lines.length, reasonCut: reason.scrollHeight > reason.clientHeight + 1 || reason.scrollWidth > reason.clientWidth + 1,
              reasonOverflow: getComputedStyle(reason).textOverflow, tops: [...new Set(tops)], heights: labels,
              separator: sep.height};
    }""")
    assert dock["lines"] > 12, (size, dock)
    assert not dock["reasonCut"] and dock["reasonOverflow"] != "ellipsis", (size, dock)
    assert len(dock["tops"]) == 1 and max(dock["heights"]) < 40, (size, dock)  # five targets on one line
    assert dock["separator"] >= 8, (size, dock)
    shot(page, f"code-dock-{size}")
    # the splitter drags: the dock grows
    sep = page.locator(".ls-splitter > .q-splitter__separator").bounding_box()
    before = page.locator(".ls-code").bounding_box()["height"]
    page.mouse.move(sep["x"] + sep["width"] / 2, sep["y"] + sep["height"] / 2)
    page.mouse.down()
    page.mouse.move(sep["x"] + sep["width"] / 2, sep["y"] - 120, steps=8)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert page.locator(".ls-code").bounding_box()["height"] > before + 80


def test_import_lists_every_problem_of_a_bad_file(page, tmp_path):
    broken = tmp_path / "broken.lakestream.json"
    broken.write_text(json.dumps({"format": 1, "name": "x", "nodes": [
        {"id": "a", "type": "kafka_sorce"}, {"id": "b", "type": "filtr"}, {"id": "b", "type": "filter"}],
        "edges": [{"id": "e1", "source": "a", "target": "nowhere"}]}))
    page.locator("button:has(i:text-is('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(broken))
    dialog = page.locator(".q-dialog").filter(has_text="is not a valid pipeline")
    problems = ("Did you mean 'kafka_source'?", "Did you mean 'filter'?", "repeated: b", "there is no node 'nowhere'")
    for problem in problems:
        dialog.get_by_text(problem, exact=False).first.wait_for()
    shot(page, "import-every-problem")


def test_a_file_over_the_upload_limit_gets_a_clear_message(page, tmp_path):
    big = tmp_path / "big.lakestream.json"
    big.write_bytes(b" " * 21_000_000)
    page.locator("button:has(i:text-is('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(big))
    toast(page, "larger than 20 MB")
    assert page.locator(".vue-flow__node").count() == 0


def test_palette_counts_follow_the_search(page):
    sources = page.locator(".ls-palette-header").filter(has_text="Sources")
    assert "(10)" in sources.inner_text()
    page.get_by_placeholder("Search nodes…").fill("kafka")
    page.wait_for_function("[...document.querySelectorAll('.ls-palette-header')].some((h) => /Sources \\(\\d+ of 10\\)/.test(h.innerText))")
    visible = page.locator(".ls-palette-item[data-node-type]:visible").count()
    counted = page.evaluate("[...document.querySelectorAll('.ls-palette-header')].filter((h) => h.offsetParent)"
                            ".map((h) => /\\((\\d+)( of \\d+)?\\)/.exec(h.innerText)).reduce((s, m) => s + (m ? +m[1] : 0), 0)")
    assert counted == visible > 0
    shot(page, "palette-search-counts")


def test_toasts_do_not_pile_up(page):
    for _ in range(4):
        page.keyboard.press("Control+c")  # "Select nodes to copy", four times
    for _ in range(4):
        page.keyboard.press("Control+v")  # then "Nothing to paste", four times
    toast(page, "Nothing to paste")  # the last one: every earlier toast was created before it
    # piled up, all eight would stay on screen for their 3 s; replaced, one remains (a leaving one may
    # still be fading out for a moment)
    page.wait_for_function("document.querySelectorAll('.q-notification').length === 1", timeout=1500)


def test_new_over_unsaved_work_offers_save(page):
    open_template(page, "SLA breach")
    page.locator("button:has(i:text-is('note_add'))").click()
    dialog = page.locator(".q-dialog").filter(has_text="unsaved changes")
    for name in ("Save", "Discard changes", "Cancel"):
        dialog.get_by_role("button", name=name).wait_for()
    shot(page, "new-over-unsaved-work")
    dialog.get_by_role("button", name="Save").click()
    toast(page, "New pipeline")
    wait_for_graph(page, 0, 0)
    page.locator("button:has(i:text-is('folder_open'))").click()
    page.locator(".q-dialog tbody tr").filter(has_text="SLA breach").first.wait_for()


def test_screenshots_of_the_main_states(sized):
    page, size = sized
    shot(page, f"state-{size}-empty")
    page.locator("button:has(i:text-is('auto_awesome'))").first.click()
    page.locator(".ls-template-card").first.wait_for()
    shot(page, f"state-{size}-gallery")
    page.locator(".ls-template-card").filter(has=page.get_by_text("Card fraud", exact=True)).first.click()
    wait_for_graph(page, 9, 9)
    wait_for_fit(page, 0)
    shot(page, f"state-{size}-template")
    page.locator(".vue-flow__node").first.locator(".ls-node-head").click()
    page.locator(".ls-config .ls-field").first.wait_for()
    shot(page, f"state-{size}-node-form")
    page.get_by_role("tab", name="Problems").click()
    shot(page, f"state-{size}-problems")
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_timeout(800)
    shot(page, f"state-{size}-timeline")
    page.locator("button:has(i:text-is('note_add'))").click()
    page.get_by_role("button", name="Discard changes").wait_for()
    shot(page, f"state-{size}-unsaved-dialog")
    page.get_by_role("button", name="Cancel").click()


def test_a_large_pipeline_renders_what_is_on_screen_folds_the_minimap_and_edits(page, tmp_path):
    from lakestream import editing
    from lakestream.pipeline import Pipeline

    document = Pipeline(name="Two hundred nodes")
    for row in range(100):  # 100 pairs source -> filter: 200 nodes, 100 edges
        document, source = editing.add_node(document, "stream_simulator", 0, row * 160)
        document, step = editing.add_node(document, "filter", 320, row * 160)
        document, _ = editing.connect(document, source, "out", step, "in")
    file = tmp_path / "large.lakestream.json"
    file.write_text(document.to_json())
    fits = page.evaluate(FITS)
    page.locator("button:has(i:text-is('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(file))
    toast(page, "Imported Two hundred nodes")
    wait_for_fit(page, fits)
    on_screen = page.locator(".vue-flow__node").count()
    assert 0 < on_screen < 200  # only what is on screen is in the page
    assert page.locator(".vue-flow__minimap").count() == 0  # folded for a large graph
    page.locator(".ls-minimap-toggle").click()  # the minimap draws every node of Vue Flow's store
    minimap_nodes = "document.querySelectorAll('.vue-flow__minimap-node').length"
    page.wait_for_function(f"{minimap_nodes} === 200")
    drag_from_palette(page, "filter", 600, 120)
    page.wait_for_function(f"{minimap_nodes} === 201")  # one more, none duplicated by the diff
    page.locator(".vue-flow__pane").click(position={"x": 40, "y": 40})
    page.keyboard.press("Control+z")
    page.wait_for_function(f"{minimap_nodes} === 200")
    shot(page, "large-pipeline")
