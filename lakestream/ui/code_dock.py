"""The Code tab of the bottom dock: generated code per target, regenerated off the event loop."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from lakestream.pipeline import Pipeline
from lakestream.ui import code_model
from lakestream.ui.code_model import TABS, CodeView
from lakestream.ui.guard import notify
from lakestream.ui.latest import LatestOnly

LANGUAGES = {"python": "Python", "sql": "SQL", "yaml": "YAML"}


class CodeDock:
    def __init__(self, on_select_node: Callable[[str], None]):
        self.on_select_node = on_select_node
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
                self.files = ui.select({}, on_change=self._file_changed).props("dense options-dense borderless") \
                    .classes("ls-file-select").mark("code-file")
                ui.button(icon="content_copy", on_click=self._copy).props("flat dense round").tooltip("Copy this file")
                ui.button(icon="download", on_click=self._download).props("flat dense round") \
                    .tooltip("Download every file (zip)").mark("code-download")
            self.reason = ui.label("").classes("ls-code-reason").mark("code-reason")
            self.message = ui.label("").classes("ls-code-message hidden").mark("code-message")
            # the click listener sits on a plain wrapper: the CodeMirror component does not pass DOM events on
            self.code_box = ui.element("div").classes("w-full ls-code")
        # The editor is made when there is first code to show: a page without code (an empty pipeline) never
        # loads CodeMirror, and a page that opens one shows its canvas before CodeMirror starts.
        self.editor: ui.codemirror | None = None

    def _ensure_editor(self) -> ui.codemirror:
        if self.editor is None:
            with self.code_box:
                self.editor = ui.codemirror("", language="SQL").classes("w-full h-full").mark("code-editor")
            self.editor.disable()
            # a click on code selects the node whose lines were clicked (CodeMirror knows the line)
            self.code_box.on("click", self._clicked, js_handler=(
                "(e) => { const v = getElement(%d).editor; if (!v) return;"
                " const pos = v.posAtCoords({x: e.clientX, y: e.clientY}); if (pos == null) return;"
                " emit(v.state.doc.lineAt(pos).number); }" % self.editor.id))
        return self.editor

    def schedule(self, pipeline: Pipeline) -> None:
        """Regenerate for this document in a worker thread; a newer document wins over a slower older one."""
        self.pipeline = pipeline
        tab = self.tab
        self.builds.request(lambda: code_model.build(pipeline, tab), self.show)

    def show(self, view: CodeView) -> None:
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
        editor = self._ensure_editor()
        editor.set_language(LANGUAGES.get(current.language, "Python"))
        editor.set_value(current.text)
        self.highlight(self.selected)

    def highlight(self, node_id: str | None) -> None:
        """Mark the selected node's lines and scroll them into view."""
        self.selected = node_id
        if not self.view or not self.view.files or self.editor is None:
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
