"""The Code tab of the bottom dock: generated code per target, regenerated off the event loop, and its
edit mode (Edit, then Apply with a preview of the canvas change, or Cancel)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from lakestream.pipeline import Pipeline
from lakestream.ui import code_model
from lakestream.ui.code_model import TABS, CodeView
from lakestream.ui.guard import notify
from lakestream.ui.latest import LatestOnly

LANGUAGES = {"python": "Python", "sql": "SQL", "yaml": "YAML"}


class CodeDock:
    def __init__(self, on_select_node: Callable[[str], None],
                 on_apply: Callable[[str, str, str, Pipeline], Awaitable[Any]] | None = None,
                 on_convert: Callable[[str], Any] | None = None):
        self.on_select_node = on_select_node
        self.on_convert = on_convert  # node id -> the page turns it into a SQL transform node
        self.offered: str | None = None
        self.on_apply = on_apply  # (target, file path, edited text, document edited) -> the page plans and applies
        self.editing: Pipeline | None = None  # in edit mode: the document whose code is being edited
        self.tab = "auto"
        self.view: CodeView | None = None
        self.file_index = 0
        self.selected: str | None = None
        self.pipeline: Pipeline | None = None
        # a column: the bar, the router's reason (wrapped in full, never cut), and the code taking the rest
        with ui.column().classes("w-full h-full no-wrap gap-0 ls-code-dock"):
            with ui.row().classes("w-full items-center no-wrap gap-2 ls-code-bar"):
                self.tabs = ui.toggle({t: title for t, title in TABS}, value="auto", on_change=self._tab_changed) \
                    .props("dense no-caps unelevated toggle-color=primary").classes("ls-code-tabs").mark("code-tabs")
                self.badge = ui.badge("").classes("ls-target-badge").mark("code-target")
                ui.space()
                self.builds = LatestOnly(ui.spinner(size="sm").classes("hidden"), "regenerate code")
                self.editing_badge = ui.badge("Editing").classes("ls-code-editing-badge") \
                    .tooltip("Apply… shows what changes on the canvas; Cancel keeps the pipeline").mark("code-editing")
                self.edit_button = ui.button("Edit", icon="edit", on_click=self.start_edit) \
                    .props("flat dense no-caps no-wrap").classes("ls-code-edit-btn").tooltip("Edit this code: the canvas follows when you apply") \
                    .mark("code-edit")
                self.apply_button = ui.button("Apply…", icon="check", on_click=self._apply) \
                    .props("unelevated dense no-caps no-wrap color=primary").classes("ls-code-apply-btn") \
                    .tooltip("Preview what changes on the canvas, then apply it (one undo step)").mark("code-apply")
                self.cancel_button = ui.button("Cancel", on_click=self.cancel_edit).props("flat dense no-caps no-wrap") \
                    .classes("ls-code-cancel-btn") \
                    .tooltip("Leave the edit mode; the canvas keeps its pipeline").mark("code-cancel")
                self.files = ui.select({}, on_change=self._file_changed).props("dense options-dense borderless") \
                    .classes("ls-file-select").mark("code-file")
                ui.button(icon="content_copy", on_click=self._copy).props("flat dense round").tooltip("Copy this file")
                ui.button(icon="download", on_click=self._download).props("flat dense round") \
                    .tooltip("Download every file (zip)").mark("code-download")
            self.reason = ui.label("").classes("ls-code-reason").mark("code-reason")
            self.message = ui.label("").classes("ls-code-message hidden").mark("code-message")
            with ui.row().classes("w-full items-center no-wrap gap-2 ls-code-edit-error") as self.edit_error_row:
                self.edit_error = ui.label("").classes("grow").mark("code-edit-error")
                self.offer_button = ui.button("Turn into a SQL transform node", icon="code",
                                              on_click=self._convert).props("outline dense no-caps color=negative") \
                    .classes("ls-code-offer").mark("code-offer")
            self.edit_error_row.set_visibility(False)
            # the click listener sits on a plain wrapper: the CodeMirror component does not pass DOM events on
            with ui.element("div").classes("w-full ls-code") as self.code_box:
                self.editor = ui.codemirror("", language="SQL").classes("w-full h-full").mark("code-editor")
        self.editor.disable()
        self._show_edit_mode()
        # a click on code selects the node whose lines were clicked (CodeMirror knows the line)
        self.code_box.on("click", self._clicked, js_handler=(
            "(e) => { const v = getElement(%d).editor; if (!v) return;"
            " const pos = v.posAtCoords({x: e.clientX, y: e.clientY}); if (pos == null) return;"
            " emit(v.state.doc.lineAt(pos).number); }" % self.editor.id))

    def schedule(self, pipeline: Pipeline) -> None:
        """Regenerate for this document in a worker thread; a newer document wins over a slower older one."""
        self.pipeline = pipeline
        tab = self.tab
        self.builds.request(lambda: code_model.build(pipeline, tab), self.show)

    def show(self, view: CodeView) -> None:
        if self.editing is not None:  # the user's text stays; Apply compares with the document being edited
            return
        self.view = view
        if view.error:
            self.message.set_text(view.error)
            self.message.classes(remove="hidden")
            self.code_box.set_visibility(False)
            self.badge.set_text("")
            self.badge.set_visibility(False)
            self.reason.set_text("")
            self.reason.set_visibility(False)
            self.files.set_options({})
            self._show_edit_mode()
            return
        self.message.classes(add="hidden")
        self.code_box.set_visibility(True)
        self.badge.set_text(view.target.upper())
        self.badge.set_visibility(True)
        self.reason.set_text(view.reason + (f" · {len(view.warnings)} warning(s)" if view.warnings else ""))
        self.reason.set_visibility(True)
        self.reason.tooltip("\n".join(view.warnings)) if view.warnings else None
        self.file_index = min(self.file_index, len(view.files) - 1) if view.files else 0
        self.files.set_options({i: f.path for i, f in enumerate(view.files)}, value=self.file_index)
        self._render_file()

    def _render_file(self) -> None:
        if not self.view or not self.view.files:
            return
        current = self.view.files[self.file_index]
        self.editor.set_language(LANGUAGES.get(current.language, "Python"))
        self.editor.set_value(current.text)
        self.highlight(self.selected)
        self._show_edit_mode()

    # --- edit mode ------------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        """The shown file holds nodes' code (SQL or Python), not a shipped runtime module."""
        return bool(self.view and self.view.files and not self.view.error
                    and self.view.files[self.file_index].spans and self.on_apply is not None)

    def _show_edit_mode(self) -> None:
        editing = self.editing is not None
        self.edit_button.set_visibility(not editing and self.editable)
        self.apply_button.set_visibility(editing)
        self.editing_badge.set_visibility(editing)
        self.cancel_button.set_visibility(editing)
        self.tabs.set_enabled(not editing)
        self.files.set_enabled(not editing)
        if not editing:
            self.edit_error_row.set_visibility(False)

    def start_edit(self) -> None:
        if not self.editable or self.pipeline is None:
            return
        self.editing = self.pipeline
        self.editor.decorations = []
        self.editor.enable()
        self.code_box.classes(add="ls-code-editing")
        self._show_edit_mode()

    def cancel_edit(self) -> None:
        """Leave the edit mode, dropping the edited text; the latest generated code is shown again."""
        if self.editing is None:
            return
        self.editing = None
        self.editor.disable()
        self.code_box.classes(remove="ls-code-editing")
        self._show_edit_mode()
        if self.pipeline is not None:
            self.schedule(self.pipeline)

    def show_error(self, message: str, line: int | None, offer: str | None = None) -> None:
        """An edit that cannot apply: the message above the code, and at its line (nothing changes); `offer`: the
        node that may become a SQL transform node instead."""
        self.edit_error.set_text(message)
        self.offered = offer
        self.offer_button.set_visibility(offer is not None and self.on_convert is not None)
        self.edit_error_row.set_visibility(True)
        text = self.editor.value or ""
        lines = text.split("\n")
        if line is not None and 1 <= line <= len(lines):
            end = sum(len(x) + 1 for x in lines[:line]) - 1
            self.editor.decorations = [{"kind": "line", "line": line, "class": "ls-code-error-line"},
                                       {"kind": "widget", "position": end, "text": f"  ⚠ {message}",
                                        "class": "ls-code-error-widget"}]
            self.editor.reveal_line(line)
        else:
            self.editor.decorations = []

    def _convert(self) -> None:
        if self.offered is not None and self.on_convert is not None:
            self.on_convert(self.offered)

    async def _apply(self) -> None:
        if self.editing is None or not self.view or not self.view.files or self.on_apply is None:
            return
        current = self.view.files[self.file_index]
        await self.on_apply(self.view.target, current.path, self.editor.value or "", self.editing)

    def highlight(self, node_id: str | None) -> None:
        """Mark the selected node's lines and scroll them into view."""
        self.selected = node_id
        if not self.view or not self.view.files:
            return
        current = self.view.files[self.file_index]
        lines = current.lines_of(node_id) if node_id else []
        self.editor.decorations = [{"kind": "line", "line": n, "class": "ls-code-hl"} for n in lines]
        if lines:
            self.editor.reveal_line(lines[0])

    def _tab_changed(self, e) -> None:
        self.tab = e.value or "auto"
        self.file_index = 0
        if self.pipeline is not None:
            self.schedule(self.pipeline)

    def _file_changed(self, e) -> None:
        if e.value is not None and self.view and e.value != self.file_index:
            self.file_index = int(e.value)
            self._render_file()

    def _clicked(self, e) -> None:
        if not self.view or not self.view.files or not isinstance(e.args, int):
            return
        node_id = self.view.files[self.file_index].node_at(e.args)
        if node_id:
            self.on_select_node(node_id)

    def _copy(self) -> None:
        if self.view and self.view.files:
            ui.clipboard.write(self.view.files[self.file_index].text)
            notify("Code copied", type="positive")
        else:
            notify("No code to copy yet", type="warning")

    def _download(self) -> None:
        if not self.view or not self.view.files:
            notify(self.view.error if self.view and self.view.error else "No code to download yet", type="warning")
            return
        name = (self.pipeline.name if self.pipeline else "pipeline").strip() or "pipeline"
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60]
        ui.download.content(code_model.zip_bytes(self.view), f"{safe}-{self.view.target}.zip", "application/zip")
        notify("Code downloaded", type="positive")


async def preview_dialog(lines: list[str], notes: tuple[str, ...] = ()) -> bool:
    """What applying a code edit changes on the canvas; True when the user applies it."""
    styles = {"+": "text-positive", "-": "text-negative", "~": "text-amber-9"}
    with ui.dialog() as dialog, ui.card().classes("min-w-[520px] max-w-[900px]").mark("code-preview"):
        ui.label("Apply this code edit?").classes("text-h6")
        ui.label("The canvas changes as follows (one Undo restores it):").classes("text-sm text-grey-8")
        with ui.column().classes("gap-1 w-full ls-code-preview"):
            for line in lines:
                ui.label(line).classes(f"font-mono text-sm {styles.get(line[:1], '')}").mark("code-preview-line")
        for note in notes:
            ui.label(note).classes("text-xs text-grey-8").mark("code-preview-note")
        with ui.row().classes("w-full justify-end"):
            ui.button("Keep editing", on_click=lambda: dialog.submit(False)).props("flat no-caps") \
                .mark("code-preview-back")
            ui.button("Apply", icon="check", on_click=lambda: dialog.submit(True)) \
                .props("unelevated no-caps color=primary").mark("code-preview-apply")
    result = await dialog
    dialog.delete()
    return bool(result)
