"""Headless Chromium: connect the app to the fake workspace with a host and token (saved as a profile), pick a
Unity Catalog table in a node form, import a table's columns into a source, and open the deploy dialog."""

from __future__ import annotations

import contextlib
import stat
import sys
import time
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, FLAGS, ROOT, free_port, server_env, serving
from tests.conftest import require
from tests.ui.browser_steps import field, node


@pytest.fixture
def server(fake, store, tmp_path):
    from lakestream.pipeline import load_pipeline
    from tests.deploy.conftest import DOC

    nodes = [{**n, "position": {"x": 80 + 320 * i, "y": 160}} for i, n in enumerate(DOC["nodes"])]
    pipeline = load_pipeline({**DOC, "nodes": nodes})
    fake.add_table("main.fraud.payments", [("card_id", "string"), ("amount", "double"), ("ts", "timestamp")])
    fake.add_table("main.fraud.large", [("card_id", "string")])
    store.create(pipeline)
    port = free_port()
    env = server_env(drop=("DATABRICKS_",), LAKESTREAM_HOME=str(tmp_path / "home"),
                     DATABRICKS_CONFIG_FILE=str(tmp_path / "databrickscfg"))
    command = [sys.executable, "-m", "lakestream", "ui", "--port", str(port), "--store", "local"]
    with serving(command, env, tmp_path / "server.log", port, timeout=40, cwd=tmp_path) as url:
        yield url


def _choose(page, dialog, index: int, option: str) -> None:
    """Pick `option` in the index-th Quasar select of `dialog`."""
    from playwright.sync_api import expect

    select = dialog.locator(".q-select").nth(index)
    for _ in range(50):  # the options arrive from the workspace in the background
        select.click()
        item = page.locator(".q-menu .q-item").filter(has_text=option).first
        try:
            item.wait_for(timeout=500)
            break
        except Exception:  # noqa: BLE001 - not loaded yet: close the menu and try again
            page.keyboard.press("Escape")
    item.click()
    expect(select).to_contain_text(option)


@contextlib.contextmanager
def builder_page(url: str):
    """The builder in headless Chromium at 1600x1000; any page or console error fails the test."""
    require(Path(CHROMIUM).exists(), "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    (ROOT / "test-results").mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.wait_for_selector(".vue-flow")
        yield page
        browser.close()
    assert not errors, f"errors on the page: {errors}"


def _connect_with_token(page, url: str):
    """Open the Workspace dialog and connect with a host and token; returns the dialog."""
    page.locator("button:has(i:text-is('cloud'))").first.click()
    dialog = page.locator(".q-dialog").filter(has_text="Databricks workspace")
    dialog.get_by_role("tab", name="Host and token").click()
    dialog.get_by_label("Workspace URL").fill(url)
    dialog.get_by_label("Personal access token").fill("dapi-test")
    dialog.get_by_role("button", name="Connect and save").click()
    return dialog


def _pick_table(page, catalog: str, schema: str, table: str) -> None:
    from playwright.sync_api import expect

    picker = page.locator(".q-dialog").filter(has_text="Choose a table")
    expect(picker).to_be_visible()
    _choose(page, picker, 0, catalog)
    _choose(page, picker, 1, schema)
    _choose(page, picker, 2, table)
    expect(picker.get_by_text("amount  double") if table == "payments" else picker).to_be_visible()
    picker.get_by_role("button", name="Use this table").click()
    expect(picker).to_be_hidden()


@pytest.mark.e2e
def test_connect_pick_tables_import_a_schema_and_deploy(server, fake, tmp_path):
    from playwright.sync_api import expect

    results = ROOT / "test-results"
    with builder_page(server) as page:

        # 1. connect with a host and a token: checked, then saved as a profile (mode 0600)
        dialog = _connect_with_token(page, fake.url)
        expect(dialog.get_by_text("Connected to")).to_contain_text("as tester@example.com", timeout=20000)
        cfg = tmp_path / "databrickscfg"
        assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
        assert f"[lakestream]\nhost  = {fake.url}\ntoken = dapi-test\n" in cfg.read_text()
        assert "dapi-test" not in page.content()  # the field is cleared once the profile is saved
        page.screenshot(path=str(results / "workspace-connected.png"))
        dialog.locator("button:has(i:text-is('close'))").click()

        # 2. open the saved pipeline; the Delta sink's table comes from a Unity Catalog picker
        page.locator("button:has(i:text-is('folder_open'))").click()
        page.get_by_role("cell", name="Card fraud").click()
        expect(page.get_by_text("Opened Card fraud")).to_be_visible()
        node(page, "n3").locator(".ls-node-head").click()
        table_field = field(page, "table")
        table_field.locator("button:has(i:text-is('travel_explore'))").click()
        _pick_table(page, "main", "fraud", "large")
        expect(table_field.locator("input")).to_have_value("main.fraud.large")

        # 3. the Kafka source's columns are imported from a table
        node(page, "n1").locator(".ls-node-head").click()
        field(page, "schema").get_by_role("button", name="From a table").click()
        _pick_table(page, "main", "fraud", "payments")
        for i, name in enumerate(["card_id", "amount", "ts"]):
            expect(field(page, f"schema[{i}].name").locator("input")).to_have_value(name)
        page.screenshot(path=str(results / "workspace-schema-imported.png"))

        # 4. the deploy dialog shows at once, then connects with the saved profile in the background
        started = time.monotonic()
        page.locator(".q-header").get_by_role("button", name="Deploy").click()
        deploy = page.locator(".q-dialog").filter(has_text="Deploy Card fraud")
        deploy.wait_for(state="visible")
        shown = time.monotonic() - started
        expect(deploy.get_by_text("Connected to")).to_be_visible(timeout=30000)
        connected = time.monotonic() - started
        print(f"deploy dialog: visible after {shown:.2f} s, connected after {connected:.2f} s")
        page.screenshot(path=str(results / "workspace-deploy-dialog.png"))
    log = (tmp_path / "server.log").read_text()
    assert "dapi-test" not in log
    assert not [p for p in (tmp_path / "home").rglob("*") if p.is_file() and b"dapi-test" in p.read_bytes()]


def _pick_name(page, container, label: str, option: str) -> None:
    """Choose `option` in a select with typing (its value shows in its input)."""
    from playwright.sync_api import expect

    box = container.get_by_role("combobox", name=label)
    item = page.locator(".q-menu .q-item").filter(has_text=option)
    for _ in range(50):  # the options arrive from the workspace in the background
        box.click()
        try:
            item.first.wait_for(timeout=500)
            break
        except Exception:  # noqa: BLE001 - not loaded yet: close the menu and try again
            page.keyboard.press("Escape")
    item.filter(has_text=option).get_by_text(option, exact=True).click()
    expect(box).to_have_value(option)


def _saved_settings(tmp_path, name: str):
    from lakestream.store import open_store

    store = open_store("local", home=tmp_path / "home")
    (summary,) = [s for s in store.list() if s.name == name]
    return store.get(summary.id).settings


@pytest.mark.e2e
def test_pipeline_settings_pick_catalog_and_schema_once_connected(server, fake, tmp_path):
    from playwright.sync_api import expect

    fake.add_table("sandbox.scratch.events", [("id", "string")])
    results = ROOT / "test-results"
    with builder_page(server) as page:
        settings = page.locator(".ls-config")

        # 1. not connected: catalog and schema are typed freely (a new pipeline, saved with them)
        expect(settings.locator(".q-select")).to_have_count(1)  # only the code target
        settings.get_by_label("Catalog").fill("dev_catalog")
        settings.get_by_label("Schema").fill("scratch_schema")
        page.keyboard.press("Control+s")
        expect(page.get_by_text("Saved Untitled pipeline (version 1)")).to_be_visible(timeout=20000)
        saved = _saved_settings(tmp_path, "Untitled pipeline")
        assert (saved.catalog, saved.schema_) == ("dev_catalog", "scratch_schema")

        # 2. connect (host and token): the settings turn into pickers filled from Unity Catalog,
        # still showing the typed names the workspace does not have
        dialog = _connect_with_token(page, fake.url)
        expect(dialog.get_by_text("Connected to")).to_be_visible(timeout=20000)
        dialog.locator("button:has(i:text-is('close'))").click()
        expect(settings.locator(".q-select")).to_have_count(3, timeout=20000)
        expect(settings.get_by_role("combobox", name="Catalog")).to_have_value("dev_catalog")
        # cleared, the picker offers every catalog of the workspace (and the name typed before)
        settings.locator(".q-select").nth(1).get_by_role("button", name="Clear").click()
        catalogs = page.locator(".q-menu .q-item")
        for _ in range(20):
            settings.get_by_role("combobox", name="Catalog").click()
            try:
                expect(catalogs).to_have_count(3, timeout=1000)
                break
            except AssertionError:
                page.keyboard.press("Escape")
        assert catalogs.all_inner_texts() == ["dev_catalog", "main", "sandbox"]
        page.keyboard.press("Escape")
        _pick_name(page, settings, "Catalog", "sandbox")
        _pick_name(page, settings, "Schema", "scratch")  # the schemas of the chosen catalog
        page.screenshot(path=str(results / "workspace-pipeline-settings-pickers.png"))
        page.keyboard.press("Control+s")
        expect(page.get_by_text("(version 2)")).to_be_visible(timeout=20000)
        saved = _saved_settings(tmp_path, "Untitled pipeline")
        assert (saved.catalog, saved.schema_) == ("sandbox", "scratch")


@pytest.mark.e2e
def test_oauth_profiles_in_the_connection_dialog(server, fake, tmp_path):
    """A service principal's profile (OAuth M2M) connects; a browser-login profile says why it cannot,
    at once, and the server stays responsive (it never opens a browser)."""
    from playwright.sync_api import expect

    fake.add_service_principal("6f1c-sp", "s3cret-value", "lakestream-deployer")
    (tmp_path / "databrickscfg").write_text(
        f"[robot]\nhost = {fake.url}\nclient_id = 6f1c-sp\nclient_secret = s3cret-value\n\n"
        f"[me]\nhost = {fake.url}\nauth_type = external-browser\n")
    with builder_page(server) as page:
        page.locator("button:has(i:text-is('cloud'))").first.click()
        dialog = page.locator(".q-dialog").filter(has_text="Databricks workspace")

        dialog.get_by_label("Profile of ~/.databrickscfg").click()
        page.locator(".q-menu .q-item").filter(has_text="me —").click()
        expect(dialog.get_by_label("Profile of ~/.databrickscfg")).to_have_value(f"me — {fake.url} · OAuth (browser)")
        dialog.get_by_role("button", name="Use this profile").click()
        expect(dialog.get_by_text("signs in through a web browser")).to_be_visible(timeout=20000)
        expect(dialog.get_by_text("databricks auth login --host", exact=False)).to_be_visible()
        page.screenshot(path=str(ROOT / "test-results" / "workspace-oauth-browser-profile.png"))

        dialog.get_by_label("Profile of ~/.databrickscfg").click()
        page.locator(".q-menu .q-item").filter(has_text="robot —").click()
        expect(dialog.get_by_label("Profile of ~/.databrickscfg")).to_have_value(
            f"robot — {fake.url} · OAuth (service principal)")
        dialog.get_by_role("button", name="Use this profile").click()
        expect(dialog.get_by_text("Connected to")).to_contain_text("as lakestream-deployer", timeout=20000)
        page.screenshot(path=str(ROOT / "test-results" / "workspace-oauth-m2m-profile.png"))
    assert fake.calls("POST", r"^/oidc/v1/token$")
    assert not fake.calls("GET", r"/oidc/v1/authorize")
    assert "s3cret-value" not in (tmp_path / "server.log").read_text()
