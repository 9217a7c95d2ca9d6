"""Versions and repair in real headless Chromium, from realistic states: a template pipeline with several
saved versions (with messages) and unsaved edits; a pipeline whose latest version file is damaged.

Runs `lakestream ui` over a store prepared through the store API; a page error or a console error fails
the test. Screenshots go to test-results/.
"""

from __future__ import annotations

import sys

import pytest

from lakestream import gallery
from lakestream.pipeline import Pipeline
from lakestream.store import Store, paths
from lakestream.store.local import LocalBackend
from tests.browser import free_port, server_env, serving
from tests.store.filesystems import remount_read_only, tmpfs
from tests.ui.browser_steps import fill, node, select_node, shot, toast

pytestmark = pytest.mark.e2e

LONG_CONDITION = ("event_type IN ('purchase', 'transfer') AND amount >= 100 AND merchant NOT IN "
                  "('City utilities', 'Tax office', 'Home insurance', 'State university', 'Red Cross', 'Hospital')")


# one long word (no hyphen, no space: no place a browser would break it by itself)
TOPIC = "payments.card_events.v2.eu_west_1.production.fraud_detection.input_stream_partitioned_by_card_id_and_region" \
        ".retention_7_days.schema_v12"


def _template(file_name: str) -> Pipeline:
    [card] = [c for c in gallery.list_templates() if c.path.name == file_name]
    return gallery.instantiate(card)


def _edit(doc: Pipeline, node_id: str, **config) -> Pipeline:
    return doc.model_copy(update={"nodes": tuple(
        n.model_copy(update={"config": {**n.config, **config}}) if n.id == node_id else n for n in doc.nodes)})


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Card fraud in three versions with messages; User sessions in three versions, the last one damaged."""
    home = tmp_path_factory.mktemp("versions-home")
    store = Store(LocalBackend(home), user="ana@example.com")
    fraud = store.create(_template("card_fraud.lakestream.json"), message="From the Card fraud template")
    fraud = store.save(_edit(fraud, "account_takeover", within="45 minutes"), 1,
                       message="Give account takeovers 45 minutes")
    fraud = store.save(_edit(_edit(fraud, "large_spend", condition=LONG_CONDITION), "card_events",
                             topics=[TOPIC]), 2)
    sessions = store.create(_template("user_sessions.lakestream.json"))
    sessions = store.save(sessions.model_copy(update={"description": "Second"}), 1, message="Describe it")
    store.save(sessions.model_copy(update={"description": "Third"}), 2)
    damaged = home / paths.version_file(sessions.id, 3)
    damaged.write_bytes(damaged.read_bytes()[:-200])  # cut short, as by a crash of a copy tool
    return home, store, fraud, sessions


def _serve(home):
    port = free_port()
    env = server_env(drop=("DATABRICKS_APP_PORT",), LAKESTREAM_HOME=str(home), LAKESTREAM_STORE="local")
    # a first page load on a busy machine can take a while
    return serving([sys.executable, "-m", "lakestream", "ui", "--port", str(port)], env,
                   home.parent / f"server-{port}.log", port, timeout=120)


@pytest.fixture(scope="module")
def versions_server(stored):
    with _serve(stored[0]) as url:
        yield url


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory):
    """A server whose store folder is on a tmpfs remounted read-only, holding one saved pipeline."""
    with tmpfs(tmp_path_factory.mktemp("read-only") / "home", "4m") as home:
        saved = Store(LocalBackend(home), user="ana@example.com").create(_template("card_fraud.lakestream.json"))
        remount_read_only(home)
        with _serve(home) as url:
            yield url, home, saved


def _tab(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return context, page, errors


@pytest.fixture
def tab(browser, versions_server):
    context, page, errors = _tab(browser)
    yield page, versions_server
    context.close()
    assert not errors, f"errors on the page: {errors}"


def _dialog(page):
    return page.locator(".q-dialog").filter(has_text="Versions of")


def _row(page, version: int):
    return _dialog(page).locator(f".ls-version-row[data-version='{version}']")


def _within(element, container) -> bool:
    """The element's content, all of it, lies inside the container's width: nothing runs off its right edge."""
    return element.evaluate("""(e, c) => {
        const box = e.getBoundingClientRect(), outer = c.getBoundingClientRect();
        return box.left >= outer.left && box.left + e.scrollWidth <= outer.right + 1; }""", container.element_handle())


def test_working_copy_against_versions_messages_and_a_wrapped_diff(tab, stored):
    page, url = tab
    _, store, fraud, _ = stored
    page.goto(f"{url}?open={fraud.id}")
    node(page, "account_takeover").wait_for()
    page.get_by_text("Saved · version 3").wait_for()

    # an unsaved edit: the sequence's time bound
    select_node(page, "account_takeover", "Sequence")
    fill(page, "within", "1 hour")
    page.get_by_text("Unsaved changes").wait_for()
    page.locator("button:has(i:text('history'))").click()
    dialog = _dialog(page)
    dialog.get_by_text("Working copy (unsaved): Card fraud").wait_for()
    dialog.get_by_text("Version 3: Card fraud").wait_for()
    dialog.get_by_text("~ node Login, password change, transfer: config.within: '45 minutes' → '1 hour'").wait_for()
    # messages in the list, under their versions
    _row(page, 2).wait_for()
    dialog.get_by_text("Give account takeovers 45 minutes").wait_for()
    dialog.get_by_text("From the Card fraud template").wait_for()
    shot(page, "versions-working-copy")

    # any saved version against the working copy: version 1 (30 minutes, the template's)
    dialog.locator(".q-select").first.click()
    page.locator(".q-menu .q-item").filter(has_text="v1 ·").click()
    dialog.get_by_text("Version 1: Card fraud").wait_for()
    dialog.get_by_text("config.within: '30 minutes' → '1 hour'").wait_for()
    long_line = dialog.locator(".ls-diff-line").filter(has_text="config.condition:")
    assert long_line.inner_text().endswith("'Red Cross', 'Hospital')\"")  # the whole new value, not cut off
    topic = dialog.locator(".ls-diff-line").filter(has_text="config.topics[0]:")
    card = dialog.locator(".q-card").first
    for line in (long_line, topic):
        assert _within(line, card) and line.bounding_box()["height"] > 30  # wrapped on 2+ lines

    dialog.get_by_role("button", name="Compare generated code").click()
    dialog.locator(".ls-code-diff").or_(dialog.get_by_text("Code generation unavailable")).wait_for(timeout=60000)
    shot(page, "versions-code-diff")
    assert dialog.get_by_text("Code generation unavailable").count() == 0
    code = dialog.locator(".ls-code-diff pre").first
    text = code.inner_text()
    assert "watermark delay 1 minute, within 30 minutes" in text and "within 1 hour" in text
    assert "1800000000" in text and "3600000000" in text  # the microseconds the code holds, beside the words
    assert max(len(line) for line in text.splitlines()) > 200  # long lines exist…
    assert _within(code, card) and code.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # …and wrap
    shot(page, "versions-code-diff-wrapped")
    dialog.get_by_role("button", name="Close").click()

    # save with a message; it is listed with the new version
    page.locator("button:has(i:text('edit_note'))").click()
    page.locator(".q-dialog textarea").fill("One hour for account takeovers, agreed with the fraud team")
    page.locator(".q-dialog").get_by_role("button", name="Save").click()
    toast(page, "Saved Card fraud (version 4)")
    page.locator("button:has(i:text('history'))").click()
    _row(page, 4).wait_for()
    dialog = _dialog(page)
    dialog.get_by_text("One hour for account takeovers, agreed with the fraud team").wait_for()
    assert dialog.get_by_text("Working copy (unsaved)").count() == 0
    dialog.get_by_text("Version 4: Card fraud").wait_for()
    assert store.versions(fraud.id)[0].message == "One hour for account takeovers, agreed with the fraud team"
    assert store.get(fraud.id).node("account_takeover").config["within"] == "1 hour"


def test_repairing_a_pipeline_whose_latest_version_is_damaged(tab, stored):
    page, url = tab
    _, store, _, sessions = stored
    page.goto(url)
    page.get_by_text("Start your pipeline").wait_for()
    page.locator("button:has(i:text('folder_open'))").click()
    opened = page.locator(".q-dialog").filter(has_text="Open a pipeline")
    opened.get_by_text("their latest version is damaged").wait_for()
    shot(page, "versions-open-damaged")
    opened.get_by_role("button", name="Restore a previous version…").click()
    dialog = _dialog(page)
    dialog.get_by_text("Version 3 cannot be read: it is cut short or padded.").wait_for()
    dialog.get_by_text("Describe it").wait_for()  # version 2's message
    assert _row(page, 3).get_by_role("button", name="Restore").count() == 0
    page.wait_for_timeout(500)  # the dialog's fade-in, for the screenshot
    shot(page, "versions-repair")
    _row(page, 2).get_by_role("button", name="Restore").click()
    toast(page, "Restored as version 4")
    page.get_by_text("Saved · version 4").wait_for()
    restored = store.get(sessions.id)
    assert restored.version == 4 and restored.description == "Second"
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__node').length === {len(restored.nodes)}")
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__edge').length === {len(restored.edges)}")
    shot(page, "versions-repaired")


def test_saving_to_a_read_only_store_says_so_and_keeps_the_work(browser, read_only_server):
    url, home, saved = read_only_server
    context, page, errors = _tab(browser)
    page.goto(f"{url}?open={saved.id}")
    node(page, "account_takeover").wait_for()
    select_node(page, "account_takeover", "Sequence")
    fill(page, "within", "1 hour")
    page.get_by_text("Unsaved changes").wait_for()
    page.locator("button:has(i:text('save'))").first.click()
    toast(page, f"Not saved: The store folder is read-only: {home} (the file system is mounted read-only")
    shot(page, "store-read-only")
    assert page.locator(".q-notification").filter(has_text="Something went wrong").count() == 0
    page.get_by_text("Unsaved changes").wait_for()  # the edit is still there, to save elsewhere or later
    assert list(home.rglob(".tmp-*")) == []
    context.close()
    assert not errors, f"errors on the page: {errors}"
