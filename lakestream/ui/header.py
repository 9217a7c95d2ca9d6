"""The header: pipeline name and save state, and every document action as a button with a tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import context, events, ui

from lakestream.ui import help as help_ui
from lakestream.ui.guard import guarded, notify
from lakestream.ui.workspace_dialog import open_workspace_dialog

if TYPE_CHECKING:
    from lakestream.ui.page import BuilderPage


MAX_IMPORT_BYTES = 20_000_000  # the largest .lakestream.json the import accepts


class Header:
    def __init__(self, page: BuilderPage):
        self.page = page
        self._dirty_shown = False
        self.client = context.client  # handlers may run outside the page's slot (background tasks)
        with ui.header().classes("ls-header items-center px-3 py-0 gap-1 no-wrap"):
            ui.icon("waves").classes("text-2xl text-sky-400")
            ui.label("LakeStream").classes("ls-brand q-mr-md")
            self.name = ui.button("", on_click=guarded(page.rename)).props("flat no-caps dense") \
                .classes("ls-name ellipsis").tooltip("Rename").mark("pipeline-name")
            self.state = ui.label("").classes("ls-save-state").mark("save-state")
            self.spinner = ui.spinner(size="sm", color="white").mark("busy")
            self.spinner.set_visibility(False)
            ui.space()
            self.undo_button = self._button("undo", "Undo (Ctrl+Z)", page.undo, "undo")
            self.redo_button = self._button("redo", "Redo (Ctrl+Shift+Z)", page.redo, "redo")
            ui.element("div").classes("ls-sep")
            self._button("content_copy", "Copy (Ctrl+C)", page.copy, "copy")
            self._button("content_paste", "Paste (Ctrl+V)", page.paste, "paste")
            self._button("pattern", "Paste a MATCH_RECOGNIZE query (or Ctrl+V one on the canvas)",
                         page.paste_query_dialog, "paste-query")
            self._button("library_add", "Duplicate (Ctrl+D)", page.duplicate, "duplicate")
            self._button("delete", "Delete the selection (Delete)", page.delete_selection, "delete")
            self._button("account_tree", "Auto-layout (Ctrl+L)", page.layout, "layout")
            ui.element("div").classes("ls-sep")
            self._button("note_add", "New pipeline", page.new, "new")
            self._button("folder_open", "Open…", page.open, "open")
            self._button("save", "Save (Ctrl+S)", page.save, "save")
            self._button("edit_note", "Save with a message…", page.save_with_message, "save-message")
            self._button("history", "Versions", page.versions, "versions")
            self._button("upload_file", "Import a .lakestream.json file", self.import_dialog, "import")
            self._button("download", "Export as .lakestream.json", page.export, "export")
            self._button("auto_awesome", "Templates", page.templates, "templates")
            self._button("query_stats", "Backtest over historical events", page.backtest, "backtest")
            ui.element("div").classes("ls-sep")
            self._button("cloud", "Databricks workspace connection", open_workspace_dialog, "workspace")
            ui.button("Deploy", icon="rocket_launch", on_click=guarded(page.deploy)) \
                .props("unelevated dense no-caps color=indigo-5 padding='2px 10px'").mark("action-deploy") \
                .tooltip("Deploy to a Databricks workspace (or see the dry-run plan)")
            ui.element("div").classes("ls-sep")
            self._button("keyboard", "Keyboard shortcuts (?)", help_ui.show_shortcuts, "shortcuts")

    def _button(self, icon: str, tip: str, action, mark: str) -> ui.button:
        return ui.button(icon=icon, on_click=guarded(action)).props("flat round dense").tooltip(tip) \
            .mark(f"action-{mark}")

    def busy(self, on: bool) -> None:
        """The header's progress indicator while the store works (open, save)."""
        self.spinner.set_visibility(on)

    def update(self) -> None:
        session = self.page.session
        if session.dirty != self._dirty_shown:
            # the browser asks before closing or reloading a tab with unsaved work (see page._KEY_GUARD)
            self._dirty_shown = session.dirty
            self.client.run_javascript(f"window.lakestreamDirty = {'true' if session.dirty else 'false'}")
        self.name.set_text(session.doc.name)
        if session.dirty:
            self.state.set_text("● Unsaved changes")
            self.state.classes(add="ls-dirty")
        else:
            self.state.set_text(f"Saved · version {session.doc.version}" if session.saved else "")
            self.state.classes(remove="ls-dirty")
        self.undo_button.set_enabled(session.history.can_undo)
        self.redo_button.set_enabled(session.history.can_redo)

    def import_dialog(self) -> None:
        with ui.dialog() as dialog, ui.card().mark("import-dialog"):
            ui.label("Import a pipeline").classes("text-h6")
            ui.label("Choose a .lakestream.json file. It is checked before anything changes.").classes("text-sm")

            async def received(e: events.UploadEventArguments) -> None:
                dialog.close()
                await self.page.import_text(await e.file.read(), e.file.name)

            def rejected() -> None:
                notify(f"That file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB, the import limit: nothing was "
                       "imported. A pipeline document is usually a few kB; check that you picked the right file.",
                       type="negative", timeout=8000)

            ui.upload(on_upload=guarded(received), on_rejected=rejected, auto_upload=True,
                      max_file_size=MAX_IMPORT_BYTES) \
                .props('accept=".json"').classes("w-full").mark("import-upload")
            ui.button("Cancel", on_click=dialog.close).props("flat")
        dialog.open()
