"""Workspace connection in the app: choose a ~/.databrickscfg profile or enter host + token (saved as a
profile), check it, and Unity Catalog pickers for node forms (table fields, importing a source's columns).

    await open_workspace_dialog()            # the header's Workspace button; App mode: the user's own token
    table_picker_button(on_pick, initial)    # beside a table field: catalog → schema → table
    schema_import_button(on_fields)          # beside a source's columns: a table's columns replace them

Tokens go to ~/.databrickscfg only (lakestream.deploy.profiles): never to the store, a log line or the page
(the token field is cleared once used). Every workspace call runs in a worker thread with short timeouts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import context, run, ui

from lakestream.deploy.app import identity_from_headers
from lakestream.deploy.catalog import CatalogBrowser, CatalogError
from lakestream.deploy.errors import NotConnected
from lakestream.deploy.profiles import ProfileError, chosen_profile, environment_auth, list_profiles

# One catalog browser per browser tab (answers cached), dropped when the connection changes.
_BROWSERS: dict[str, CatalogBrowser] = {}
# Per browser tab: what to call once a workspace is connected (the pipeline settings turn into pickers).
_ON_CONNECTED: dict[str, Callable[[], None]] = {}


def _identity():
    request = getattr(context.client, "request", None)
    return identity_from_headers(getattr(request, "headers", None))


def warm_up() -> None:
    """Import databricks-sdk and the deploy modules in a background thread (once, at server start), so the
    first Deploy or Workspace click does not wait for the ≈1-2 s import (longer on a busy machine)."""
    import importlib
    import threading

    def load() -> None:
        for module in ("databricks.sdk", "lakestream.deploy.applying", "lakestream.deploy.workspace",
                       "lakestream.ui.deploy_dialog"):
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001 - a failed warm-up only means the first click imports it
                return

    threading.Thread(target=load, name="lakestream-warm-up", daemon=True).start()


def forget_browser() -> None:
    _BROWSERS.pop(context.client.id, None)


def connected_browser() -> CatalogBrowser | None:
    """This tab's CatalogBrowser when a workspace is already connected in it (no call, no prompt), else None."""
    return _BROWSERS.get(context.client.id)


def on_connected(callback: Callable[[], None]) -> None:
    """Call `callback` (in this tab) each time a workspace gets connected in it."""
    _ON_CONNECTED[context.client.id] = callback


async def offer_names(select: ui.select, load: Callable[..., list[str]], *args: Any) -> None:
    """Offer the workspace's names in `select`, keeping its value (also a name the workspace does not have);
    a call that fails leaves the select as it was, with a toast."""
    try:
        names = await run.io_bound(load, *args)
    except CatalogError as error:
        ui.notify(str(error), type="warning")
        return
    if select.is_deleted:  # the form was rebuilt meanwhile
        return
    current = select.value
    select.set_options(sorted(set(names) | ({current} if current else set())), value=current)


async def catalog_browser() -> CatalogBrowser | None:
    """This tab's CatalogBrowser, or None (with a message) when no workspace answers."""
    key = context.client.id
    if key in _BROWSERS:
        return _BROWSERS[key]
    identity = _identity()
    try:
        client = await run.io_bound(identity.client)
    except NotConnected:
        ui.notify("Connect a Databricks workspace first (Workspace in the header)", type="warning")
        await open_workspace_dialog()
        if key in _BROWSERS:
            return _BROWSERS[key]
        return None
    return _remember(key, client)


def _remember(key: str, client) -> CatalogBrowser:
    """The tab's browser over `client`; whatever waits for a connection in the tab learns of it."""
    _BROWSERS[key] = browser = CatalogBrowser(client)
    context.client.on_disconnect(lambda: (_BROWSERS.pop(key, None), _ON_CONNECTED.pop(key, None)))
    callback = _ON_CONNECTED.get(key)
    if callback is not None:
        callback()
    return browser


class WorkspaceDialog:
    """The connection dialog of one tab."""

    def __init__(self, identity=None):
        self.identity = identity or _identity()
        self.status = None
        with ui.dialog() as self.dialog, ui.card().classes("w-[560px] max-w-full").mark("workspace-dialog"):
            with ui.row().classes("w-full items-center"):
                ui.label("Databricks workspace").classes("text-h6")
                ui.space()
                ui.button(icon="close", on_click=lambda: self.dialog.submit(self.status)) \
                    .props("flat round dense").mark("workspace-close")
            if self.identity.app_mode:
                ui.label(f"You use the workspace as {self.identity.user} through the Databricks App, "
                         "with your own access token.").classes("text-sm")
                ui.button("Check the connection", on_click=self.check).mark("workspace-check")
            else:
                self._local()
            with ui.row().classes("items-center gap-2 no-wrap w-full"):
                self.spinner = ui.spinner(size="sm")
                self.spinner.set_visibility(False)
                self.message = ui.label("").classes("text-sm").mark("workspace-status")

    def _local(self) -> None:
        environment = environment_auth()
        if environment:
            ui.label(f"The environment names the workspace ({environment}): DATABRICKS_HOST and its credentials "
                     "take precedence over profiles. Unset them to choose a profile here.").classes("text-sm")
            ui.button("Check the connection", on_click=self.check).mark("workspace-check")
            return
        try:
            profiles = list_profiles()
            problem = None
        except ProfileError as error:
            profiles, problem = [], str(error)
        chosen = chosen_profile()
        with ui.tabs().classes("w-full") as tabs:
            by_profile = ui.tab("Profile").mark("workspace-tab-profile")
            by_token = ui.tab("Host and token").mark("workspace-tab-token")
        with ui.tab_panels(tabs, value=by_profile if profiles else by_token).classes("w-full"):
            with ui.tab_panel(by_profile):
                options = {p.name: f"{p.name} — {p.host} · {p.auth}" for p in profiles}
                self.profile = ui.select(options, label="Profile of ~/.databrickscfg",
                                         value=chosen if chosen in options else next(iter(options), None)) \
                    .classes("w-full").mark("workspace-profile")
                if problem or not profiles:
                    ui.label(problem or "No profile with a host yet: enter a host and token, or run "
                             "`databricks auth login` for OAuth.").classes("text-xs text-grey-7")
                ui.button("Use this profile", on_click=self.use_profile).mark("workspace-use-profile")
            with ui.tab_panel(by_token):
                self.host = ui.input("Workspace URL", placeholder="https://adb-1234567890123456.7.azuredatabricks.net") \
                    .classes("w-full").mark("workspace-host")
                self.token = ui.input("Personal access token", password=True, password_toggle_button=True) \
                    .classes("w-full").mark("workspace-token")
                self.name = ui.input("Save as profile", value="lakestream").classes("w-full").mark("workspace-name")
                ui.label("Saved in ~/.databrickscfg (readable by you only), never with your pipelines.") \
                    .classes("text-xs text-grey-7")
                ui.button("Connect and save", on_click=self.connect_with_token).mark("workspace-connect")

    async def _run(self, work: Callable[[], Any]) -> None:
        from lakestream.deploy.workspace import CHECK_TIMEOUT

        self.spinner.set_visibility(True)
        self.message.classes(remove="text-negative text-positive")
        self.message.set_text(f"Checking (at most about {2 * CHECK_TIMEOUT:g} s)…")
        try:
            status = await run.io_bound(work)
        except ProfileError as error:
            self.message.set_text(str(error))
            self.message.classes(add="text-negative")
            return
        finally:
            self.spinner.set_visibility(False)
        self.status = status
        self.message.set_text(status.message)
        self.message.classes(add="text-positive" if status.ok else "text-negative")
        if status.ok:
            forget_browser()
            await self._browse()

    async def _browse(self) -> None:
        """A browser for the new connection, so that the pipeline settings offer its catalogs at once."""
        try:
            client = await run.io_bound(self.identity.client)
        except NotConnected:
            return
        _remember(context.client.id, client)

    async def check(self) -> None:
        from lakestream.deploy import workspace

        await self._run(lambda: workspace.check(self.identity))

    async def use_profile(self) -> None:
        from lakestream.deploy import workspace

        name = self.profile.value
        if not name:
            self.message.set_text("Choose a profile first")
            return
        await self._run(lambda: workspace.use_profile(self.identity, name))

    async def connect_with_token(self) -> None:
        from lakestream.deploy import workspace

        name, host, token = self.name.value or "", self.host.value or "", self.token.value or ""
        await self._run(lambda: workspace.connect_with_token(name, host, token))
        if self.status is not None and self.status.ok:
            self.token.set_value("")  # saved in the profile: it need not stay in the page


async def open_workspace_dialog(identity=None):
    """Open the connection dialog (for the request's user, or `identity`); returns the last connection
    status (or None) when closed."""
    dialog = WorkspaceDialog(identity)
    return await dialog.dialog


def table_picker_button(on_pick: Callable[[str], None], initial: Callable[[], str]) -> ui.button:
    """A small button that picks a Unity Catalog table and hands its full name to `on_pick`."""
    async def pick() -> None:
        browser = await catalog_browser()
        if browser is not None:
            picked = await pick_table(browser, initial())
            if picked is not None:
                on_pick(picked[0])

    return ui.button(icon="travel_explore", on_click=pick).props("flat round dense size=sm") \
        .tooltip("Choose a table of the workspace's Unity Catalog")


def schema_import_button(on_fields: Callable[[list[dict[str, str]]], None]) -> ui.button:
    """A button that imports a Unity Catalog table's columns ([{"name", "type"}]) into a columns list."""
    async def pick() -> None:
        browser = await catalog_browser()
        if browser is not None:
            picked = await pick_table(browser)
            if picked is not None:
                on_fields(picked[1])
                ui.notify(f"Imported {len(picked[1])} columns from {picked[0]}", type="positive")

    return ui.button("From a table", icon="table_view", on_click=pick).props("flat dense no-caps size=sm") \
        .tooltip("Replace these columns with a Unity Catalog table's").mark("import-table-schema")


async def pick_table(browser: CatalogBrowser, initial: str = "") -> tuple[str, list[dict[str, str]]] | None:
    """A catalog → schema → table picker showing the columns; returns (full name, schema fields) or None.

    Forms use it for Delta / Unity Catalog table fields, and to import a source's schema from a table.
    """
    parts = (initial.split(".") + ["", "", ""])[:3] if initial.count(".") == 2 else ["", "", ""]
    chosen = {"catalog": parts[0], "schema": parts[1], "table": parts[2]}
    with ui.dialog() as dialog, ui.card().classes("w-[560px] max-w-full").mark("table-picker"):
        ui.label("Choose a table").classes("text-h6")
        catalog = ui.select([], label="Catalog").bind_value(chosen, "catalog").classes("w-full").mark("pick-catalog")
        schema = ui.select([], label="Schema").bind_value(chosen, "schema").classes("w-full").mark("pick-schema")
        table = ui.select([], label="Table").bind_value(chosen, "table").classes("w-full").mark("pick-table")
        columns = ui.column().classes("w-full gap-0 text-sm font-mono").mark("pick-columns")
        message = ui.label("").classes("text-negative text-sm")

        async def load(select: ui.select, call, *args) -> None:
            try:
                names = await run.io_bound(call, *args)
            except CatalogError as error:
                message.set_text(str(error))
                return
            select.set_options(names, value=select.value if select.value in names else None)

        async def on_catalog(_=None):
            if chosen["catalog"]:
                await load(schema, browser.schemas, chosen["catalog"])

        async def on_schema(_=None):
            if chosen["catalog"] and chosen["schema"]:
                await load(table, browser.tables, chosen["catalog"], chosen["schema"])

        async def on_table(_=None):
            columns.clear()
            if all(chosen.values()):
                try:
                    found = await run.io_bound(browser.columns, ".".join(chosen.values()))
                except CatalogError as error:
                    message.set_text(str(error))
                    return
                with columns:
                    for column in found:
                        ui.label(f"{column.name}  {column.type}")

        catalog.on_value_change(on_catalog)
        schema.on_value_change(on_schema)
        table.on_value_change(on_table)
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
            ui.button("Use this table", on_click=lambda: dialog.submit(".".join(chosen.values()))
                      if all(chosen.values()) else None).mark("pick-ok")
    await load(catalog, browser.catalogs)
    await on_catalog()
    await on_schema()
    await on_table()
    full_name = await dialog
    if not full_name:
        return None
    fields = await run.io_bound(browser.schema_fields, full_name)
    return full_name, fields
