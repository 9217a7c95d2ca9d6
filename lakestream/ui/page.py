"""The builder page: lays out header, palette, canvas, config panel and dock, and wires thin handlers.

Handlers translate an event into one core call (lakestream.editing, validate, codegen, store) and
then refresh the views; no graph rule or code building lives here.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from nicegui import run, ui
from nicegui.events import GenericEventArguments

from lakestream import editing, gallery
from lakestream.pipeline import DocumentError, Pipeline, load_pipeline
from lakestream.store import ConflictError, CorruptPipeline, Store, StoreError
from lakestream.ui import dialogs
from lakestream.ui import help as help_ui
from lakestream.ui.canvas import FlowCanvas
from lakestream.ui.code_dock import CodeDock
from lakestream.ui.config_panel import ConfigPanel
from lakestream.ui.graph_view import graph_payload
from lakestream.ui.guard import guarded, notify
from lakestream.ui.header import Header
from lakestream.ui.palette import Palette
from lakestream.ui.problems import ProblemsPanel, summary
from lakestream.ui.session import EditorSession
from lakestream.ui.timeline import TimelinePanel
from lakestream.validate import Issue

CSS = (Path(__file__).parent / "static" / "lakestream.css").read_text(encoding="utf-8")
# The builder's shortcuts, decided in the browser where the focus is known: Ctrl+S saves from anywhere (also
# from inside a form field, where the browser would open its "save page" dialog); the other commands act
# on the document only outside text fields, which keep their own Ctrl+Z/C/V. A focused button (the
# header's Undo after a click) does not swallow them. The page never moves the focus.
# Closing or reloading the tab with unsaved work asks first (the header keeps lakestreamDirty current).
_KEY_GUARD = """<script>
document.addEventListener('keydown', (e) => {
  if (e.altKey || e.repeat) return;
  const t = e.target, key = e.key.toLowerCase();
  const editing = t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
  if (e.ctrlKey || e.metaKey) {
    if (!['s', 'z', 'y', 'c', 'v', 'd', 'l'].includes(key)) return;
    if (key === 's' || key === 'd' || key === 'l') e.preventDefault();
    if (editing && key !== 's') return;
    if (key === 'z' || key === 'y') e.preventDefault();
    if (key === 'v') {  // the paste event (next) may carry a MATCH_RECOGNIZE query: then it wins over the node clip
      window.lakestreamPastedText = false;
      setTimeout(() => { if (!window.lakestreamPastedText) emitEvent('lakestream-key', {key: 'v', shift: e.shiftKey}); }, 0);
      return;
    }
    emitEvent('lakestream-key', {key: key, shift: e.shiftKey});
  } else if (e.key === '?' && !editing) {
    emitEvent('lakestream-key', {key: '?', shift: false});
  }
});
document.addEventListener('paste', (e) => {
  const t = e.target;
  if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
  const text = (e.clipboardData && e.clipboardData.getData('text/plain')) || '';
  if (!/MATCH_RECOGNIZE\\s*\\(/i.test(text)) return;
  window.lakestreamPastedText = true;
  e.preventDefault();
  emitEvent('lakestream-paste-text', {text: text.slice(0, 200000)});
});
window.addEventListener('beforeunload', (e) => { if (window.lakestreamDirty) { e.preventDefault(); e.returnValue = ''; } });
</script>"""


def safe_file_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip().replace(" ", "_")
    return cleaned[:80] or "pipeline"


class BuilderPage:
    """One browser tab of the builder."""

    def __init__(self, store: Store, request: Any = None):
        self.store = store
        self.request = request  # the forwarded headers carry the user's identity in App mode
        self.session = EditorSession.start()

    # --- layout -------------------------------------------------------------------------------
    def build(self) -> None:
        ui.add_css(CSS)
        ui.add_head_html(_KEY_GUARD)
        self.header = Header(self)
        with ui.left_drawer(value=True, bordered=True).props("width=272").classes("p-2 bg-white"):
            Palette(on_add=guarded(self.add_node), on_help=guarded(help_ui.show_node_help))
        with ui.right_drawer(value=True, bordered=True).props("width=360").classes("p-3 bg-white"):
            self.config = ConfigPanel(on_label=guarded(self.set_label), on_config=guarded(self.set_config),
                                      on_help=guarded(help_ui.show_node_help),
                                      on_pipeline=guarded(self.set_pipeline_field),
                                      on_samples=guarded(self.set_samples))
        # the dock keeps its height in pixels (room for the code at 1366x768); the canvas takes the rest
        with ui.splitter(horizontal=True, reverse=True, value=360, limits=(120, 2000)) \
                .props("unit=px").classes("w-full h-full ls-splitter").mark("dock-splitter") as splitter:
            with splitter.separator:
                ui.element("div").classes("ls-splitter-grip").tooltip("Drag to resize the canvas and the dock")
            with splitter.before:
                with ui.element("div").classes("ls-canvas-area"):
                    self.canvas = FlowCanvas()
                    for event, handler in (
                        ("node-dropped", self.on_drop), ("connect", self.on_connect),
                        ("nodes-moved", self.on_moved), ("nodes-deleted", self.on_nodes_deleted),
                        ("edges-deleted", self.on_edges_deleted), ("selection-changed", self.on_selection),
                    ):
                        self.canvas.on(event, guarded(handler))  # all listeners before the page is shown
                    self.empty_state = self._empty_state()
            with splitter.after:
                with ui.column().classes("w-full h-full gap-0 ls-dock"):
                    with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
                        code_tab = ui.tab("code", "Code")
                        self.problems_tab = ui.tab("problems", "Problems").mark("problems-tab")
                        timeline_tab = ui.tab("timeline", "Timeline").mark("timeline-tab")
                    with ui.tab_panels(tabs, value=code_tab).classes("w-full grow").props("keep-alive") as panels:
                        with ui.tab_panel(code_tab).classes("p-0 h-full"):
                            self.code = CodeDock(on_select_node=guarded(self.select_node),
                                                 on_apply=guarded(self.apply_code_edit),
                                                 on_convert=guarded(self.convert_to_sql_transform))
                        with ui.tab_panel(self.problems_tab).classes("p-0"):
                            self.problems = ProblemsPanel(on_pick=guarded(self.pick_problem))
                        with ui.tab_panel(timeline_tab).classes("p-0 h-full"):
                            self.timeline = TimelinePanel(on_samples=guarded(self.set_samples),
                                                          on_pin=guarded(self.pin_rows))
                    tabs.on_value_change(lambda e: self.timeline.show_tab(e.value == "timeline"))
                    self.dock_panels = panels
        ui.on("lakestream-key", guarded(self.on_key))  # see _KEY_GUARD
        ui.on("lakestream-paste-text", guarded(lambda e: self.paste_query(str(e.args.get("text", "")))))
        self.refresh(rebuild_config=True)

    def _empty_state(self) -> ui.element:
        with ui.element("div").classes("ls-empty") as overlay:
            with ui.card().classes("items-center text-center").mark("empty-state"):
                ui.icon("account_tree").classes("text-5xl text-indigo-4")
                ui.label("Start your pipeline").classes("text-h6")
                ui.label("Drag a source from the palette and drop it here, or start from a template.") \
                    .classes("text-grey-8")
                with ui.row():
                    ui.button("Open a template", icon="auto_awesome", on_click=guarded(self.templates)) \
                        .props("unelevated no-caps color=primary").mark("empty-templates")
                    ui.button("Add a Kafka source", icon="add", on_click=guarded(lambda: self.add_node("kafka_source"))) \
                        .props("outline no-caps").mark("empty-add-source")
                with ui.expansion("Getting started", icon="school").classes("w-full text-left"):
                    for number, step in enumerate(help_ui.GETTING_STARTED, 1):
                        ui.label(f"{number}. {step}").classes("text-sm text-left")
        return overlay

    # --- state -> views -----------------------------------------------------------------------
    @property
    def doc(self) -> Pipeline:
        return self.session.doc

    def refresh(self, *, fit: bool = False, rebuild_config: bool = False, select: list[str] | None = None,
                replace: bool = False) -> None:
        doc, issues = self.doc, self.session.issues
        extra: dict[str, Any] = {"fit": fit, "replace": replace}  # replace: a new document, nothing kept
        if select is not None:
            extra["select"] = select
        self.canvas.sync(graph_payload(doc, issues, **extra))
        self.empty_state.set_visibility(not doc.nodes)
        self.problems.show(doc, issues)
        self.problems_tab.props(f'label="Problems · {summary(issues)}"')
        self.header.update()
        if rebuild_config:
            self.config.show(doc, self.session.selected_node, issues)
        else:
            self.config.refresh_errors(doc, issues)
        self.code.selected = self.session.selected_node
        self.code.schedule(doc)
        self.timeline.schedule(doc, self.session.selected_node)

    def apply(self, document: Pipeline, key: Any = None, **refresh: Any) -> None:
        self.session.apply(document, key)
        self.refresh(**refresh)

    # --- canvas events ------------------------------------------------------------------------
    def add_node(self, type_id: str, x: float | None = None, y: float | None = None) -> str:
        if x is None or y is None:  # click-to-add: right of the rightmost node
            x = max((n.position.x for n in self.doc.nodes), default=-editing.LAYER_GAP_X) + editing.LAYER_GAP_X
            y = 0.0
        document, node_id = editing.add_node(self.doc, type_id, x, y)
        self.session.apply(document)
        self.session.selection = [node_id]
        self.refresh(rebuild_config=True, select=[node_id])  # the new node, selected: no toast needed
        return node_id

    def on_drop(self, e: Any) -> None:
        self.add_node(str(e.args.get("type", "")), float(e.args.get("x", 0)), float(e.args.get("y", 0)))

    def on_connect(self, e: Any) -> None:
        args = e.args
        try:
            document, _ = editing.connect(self.doc, args["source"], args.get("sourceHandle") or "out",
                                          args["target"], args.get("targetHandle") or "in")
        except editing.EditError as error:
            notify(f"Connection refused: {error}", type="warning")
            return
        self.apply(document)  # the edge appears: no toast needed

    def on_moved(self, e: Any) -> None:
        moves = {m["id"]: (float(m["x"]), float(m["y"])) for m in e.args.get("nodes", [])}
        self.apply(editing.move_nodes(self.doc, moves))

    def on_nodes_deleted(self, e: Any) -> None:
        self.delete(nodes=e.args.get("nodes", []))

    def on_edges_deleted(self, e: Any) -> None:
        self.delete(edges=e.args.get("edges", []))

    def delete(self, nodes: list[str] = (), edges: list[str] = ()) -> None:  # type: ignore[assignment]
        document = editing.delete(self.doc, nodes, edges)
        if document == self.doc:
            return
        removed = len(self.doc.nodes) - len(document.nodes)
        self.session.apply(document)
        self.refresh(rebuild_config=bool(removed))
        notify(f"Deleted {removed} node(s)" if removed else "Connection deleted", type="info")

    def on_selection(self, e: Any) -> None:
        before = self.session.selected_node
        self.session.selection = [n for n in e.args.get("nodes", []) if n in self.doc.node_by_id]
        if self.session.selected_node != before:
            self.config.show(self.doc, self.session.selected_node, self.session.issues)
            self.timeline.schedule(self.doc, self.session.selected_node)
        self.code.highlight(self.session.selected_node)

    def select_node(self, node_id: str, field: str | None = None) -> None:
        if node_id not in self.doc.node_by_id:
            return
        self.session.selection = [node_id]
        self.canvas.focus_node(node_id)
        self.config.show(self.doc, node_id, self.session.issues)
        self.config.focus_field(field)
        self.code.highlight(node_id)
        self.timeline.schedule(self.doc, node_id)

    def pick_problem(self, issue: Issue) -> None:
        if issue.node_id:
            self.select_node(issue.node_id, issue.field)
        elif issue.hint:
            notify(issue.hint, type="info")

    # --- code dock ----------------------------------------------------------------------------
    async def apply_code_edit(self, target: str, path: str, text: str, edited: Pipeline) -> None:
        """Plan an edit of generated code (lakestream.code_edit), preview it, and apply it as one undo step."""
        from lakestream.code_edit import plan_code_edit
        from lakestream.ui.code_dock import preview_dialog

        if edited != self.doc:
            self.code.show_error("The pipeline changed on the canvas while you edited its code: Cancel, then Edit "
                                 "again", None)
            return
        document = self.doc
        plan = await run.io_bound(plan_code_edit, document, target, path, text)
        if plan.after is None:
            self.code.show_error(plan.error or "This edit does not map onto the canvas", plan.line, plan.node_id)
            return
        if plan.unchanged:
            self.code.cancel_edit()
            notify("No change on the canvas (comments and layout of the code are not kept)", type="info")
            return
        if not await preview_dialog(plan.preview(), plan.notes):
            return
        if self.doc is not document:  # changed while the preview was open
            self.code.show_error("The pipeline changed while the preview was open: Apply again", None)
            return
        self.session.apply(plan.after)
        self.code.cancel_edit()
        self.refresh(rebuild_config=True)
        notify("Code edit applied (Undo restores the canvas before it)", type="positive")

    def convert_to_sql_transform(self, node_id: str) -> None:
        """The code dock's offer: the node becomes a SQL transform node holding its SQL (one undo step)."""
        from lakestream.code_edit import to_sql_transform

        document = to_sql_transform(self.doc, node_id)  # a UserError (no SQL form) is a toast
        self.session.apply(document)
        self.session.selection = [node_id]
        self.code.cancel_edit()
        self.refresh(rebuild_config=True, select=[node_id])
        notify(f"{document.node_by_id[node_id].title} is now a SQL transform node: edit its query in the form, "
               "or its SQL in the SDP SQL tab", type="positive")

    # --- config panel -------------------------------------------------------------------------
    def set_label(self, node_id: str, label: str) -> None:
        self.apply(editing.set_label(self.doc, node_id, label), key=("label", node_id))

    def set_config(self, node_id: str, config: dict[str, Any], path: Any, structural: bool) -> None:
        # typing in one field is one undo step; a list add/remove is its own step
        key = None if structural else ("config", node_id, tuple(path))
        self.apply(editing.set_config(self.doc, node_id, config), key=key, rebuild_config=structural)

    def set_samples(self, source_id: str, rows: list[dict] | None) -> None:
        self.apply(editing.set_samples(self.doc, source_id, rows))

    def pin_rows(self, node_id: str, rows: list[dict]) -> None:
        self.apply(editing.set_expectations(self.doc, node_id, rows))

    async def backtest(self) -> None:
        from lakestream.ui.backtest_dialog import open_backtest_dialog

        await open_backtest_dialog(self.doc, self.store)

    def set_pipeline_field(self, name: str, value: Any) -> None:
        change = {"settings": {name.split(".", 1)[1]: value}} if name.startswith("settings.") else {name: value}
        self.apply(editing.update_pipeline(self.doc, **change), key=("pipeline", name))

    # --- header actions -----------------------------------------------------------------------
    def undo(self) -> None:
        if self.session.undo():
            self.refresh(rebuild_config=True)
        else:
            notify("Nothing to undo", type="info")

    def redo(self) -> None:
        if self.session.redo():
            self.refresh(rebuild_config=True)
        else:
            notify("Nothing to redo", type="info")

    def copy(self) -> None:
        if not self.session.selection:
            notify("Select nodes to copy", type="info")
            return
        self.session.clip = editing.copy(self.doc, self.session.selection)
        notify(f"Copied {len(self.session.clip.nodes)} node(s)", type="positive")

    def paste(self) -> None:
        if not self.session.clip:
            notify("Nothing to paste: copy nodes first", type="info")
            return
        document, ids = editing.paste(self.doc, self.session.clip)
        self.session.apply(document)
        self.session.selection = ids
        self.refresh(rebuild_config=True, select=ids)
        notify(f"Pasted {len(ids)} node(s)", type="positive")

    async def paste_query_dialog(self) -> None:
        from lakestream.ui.paste_dialog import ask_query

        text = await ask_query()
        if text is not None:
            self.paste_query(text)

    def paste_query(self, text: str) -> None:
        """A MATCH_RECOGNIZE query onto the canvas (lakestream.code_edit.paste): one undo step."""
        from lakestream.code_edit.paste import paste_match_recognize
        from lakestream.ui.paste_dialog import report

        result = paste_match_recognize(self.doc, text)
        if result.document is None:
            notify(f"Not added: {result.error}", type="negative", timeout=8000)
            return
        self.session.apply(result.document)
        self.session.selection = [result.node_ids[-1]]
        self.refresh(fit=True, rebuild_config=True, select=[result.node_ids[-1]])
        notify("Added the MATCH_RECOGNIZE query as a source placeholder and a Row pattern node", type="positive")
        if result.messages:
            report(result.messages)

    def duplicate(self) -> None:
        if not self.session.selection:
            notify("Select nodes to duplicate", type="info")
            return
        document, ids = editing.duplicate(self.doc, self.session.selection)
        self.session.apply(document)
        self.session.selection = ids
        self.refresh(rebuild_config=True, select=ids)
        notify(f"Duplicated {len(ids)} node(s)", type="positive")

    def delete_selection(self) -> None:
        self.delete(nodes=list(self.session.selection))

    def layout(self) -> None:
        self.apply(editing.auto_layout(self.doc), fit=True)

    async def rename(self) -> None:
        name = await dialogs.ask_text("Rename pipeline", self.doc.name)
        if name is not None:
            self.apply(editing.rename(self.doc, name))
            notify(f"Renamed to {self.doc.name}", type="positive")

    async def _may_discard(self) -> bool:
        """True when the present document may be replaced: nothing unsaved, saved now, or discarded."""
        if not self.session.dirty:
            return True
        choice = await dialogs.unsaved_changes()
        if choice == "save":
            await self.save()
            return not self.session.dirty  # a refused or failed save keeps the work on screen
        return choice == "discard"

    def _open_document(self, document: Pipeline, saved: bool) -> None:
        before = self.session.snapshot()
        self.session.open(document, saved=saved)
        self.code.cancel_edit()  # an edit of the previous document's code does not apply to this one
        try:
            self.refresh(fit=True, rebuild_config=True, select=[], replace=True)
        except Exception:  # the views could not show it: back to the document the canvas still shows
            self.session.restore(before)
            self.refresh(fit=True, rebuild_config=True, select=[], replace=True)
            raise

    async def new(self) -> None:
        if await self._may_discard():
            self._open_document(Pipeline(), saved=False)
            notify("New pipeline", type="positive")

    async def open(self) -> None:
        if not await self._may_discard():
            return
        summaries = await run.io_bound(self.store.list)
        dialogs.open_dialog(summaries, guarded(self.open_id), on_repair=guarded(self.repair))

    async def open_id(self, pipeline_id: str) -> None:
        self.header.busy(True)
        try:
            document = await run.io_bound(self.store.get, pipeline_id)
        except CorruptPipeline as error:  # its latest version cannot be read: offer an earlier one
            self.header.busy(False)
            notify(str(error), type="negative")
            await self.repair(pipeline_id)
            return
        finally:
            self.header.busy(False)
        self._open_document(document, saved=True)
        notify(f"Opened {document.name}", type="positive")

    def open_link(self, pipeline_id: str) -> None:
        """Open a pipeline named in the page's address; a bad id is a toast, the page stays usable."""
        try:
            document = self.store.get(pipeline_id)
        except CorruptPipeline as error:
            notify(f"Cannot open the linked pipeline: {error}", type="negative")
            ui.timer(0.1, guarded(lambda: self.repair(pipeline_id)), once=True)  # once the page is shown
            return
        except StoreError as error:
            notify(f"Cannot open the linked pipeline: {error}", type="negative")
            return
        self._open_document(document, saved=True)

    async def save_with_message(self) -> None:
        from lakestream.ui.versions import ask_message  # the store area's dialog

        message = await ask_message()
        if message is not None:
            await self.save(message=message)

    async def save(self, *, message: str = "") -> None:
        document = self.doc
        self.header.busy(True)
        try:
            if document.version == 0:
                saved = await run.io_bound(lambda: self.store.create(document, message=message))
            else:
                saved = await run.io_bound(lambda: self.store.save(document, document.version, message=message))
        except ConflictError as conflict:
            await self._resolve_conflict(conflict, message)
            return
        except StoreError as error:
            notify(f"Not saved: {error}", type="negative")
            return
        finally:
            self.header.busy(False)
        self.session.mark_saved(saved)
        self.header.update()
        notify(f"Saved {saved.name} (version {saved.version})", type="positive")

    async def _resolve_conflict(self, conflict: ConflictError, message: str = "") -> None:
        choice = await dialogs.conflict_dialog(str(conflict))
        if choice == "reload":
            self._open_document(conflict.theirs, saved=True)
            notify("Reloaded the latest version", type="info")
        elif choice == "copy":
            saved = await run.io_bound(self.store.save_as, conflict.mine, f"{conflict.mine.name} (copy)")
            self._open_document(saved, saved=True)
            notify(f"Saved as a copy: {saved.name}", type="positive")
        elif choice == "overwrite":
            saved = await run.io_bound(lambda: self.store.save(conflict.mine, conflict.theirs.version, message=message))
            self.session.mark_saved(saved)
            self.header.update()
            notify(f"Saved (version {saved.version})", type="positive")

    def export(self) -> None:
        ui.download.content(self.doc.to_json().encode("utf-8"), f"{safe_file_name(self.doc.name)}.lakestream.json",
                            "application/json")
        notify("Exported", type="positive")

    async def import_text(self, text: str | bytes, file_name: str = "file") -> bool:
        """Load a document; a bad file shows every problem and changes nothing."""
        try:
            document = load_pipeline(text)
        except DocumentError as error:
            dialogs.problems_dialog(f"{file_name} is not a valid pipeline",
                                    [f"{p}: {m}" if p else m for p, m in error.problems])
            notify(f"Import failed: {file_name} is not a valid pipeline", type="negative")
            return False
        if not await self._may_discard():
            return False
        # an imported file becomes a new pipeline of this store (its own id and version history)
        self._open_document(document.model_copy(update={"id": Pipeline().id, "version": 0}), saved=False)
        notify(f"Imported {document.name}", type="positive")
        return True

    async def templates(self) -> None:
        cards = await run.io_bound(gallery.list_templates)

        async def pick(card: gallery.TemplateCard) -> None:
            if await self._may_discard():
                self._open_document(gallery.instantiate(card), saved=False)
                notify(f"Started from the template {card.name}", type="positive")

        dialogs.gallery_dialog(cards, guarded(pick))

    async def versions(self) -> None:
        if self.doc.version == 0:
            notify("Save the pipeline first: versions start with the first save", type="info")
            return
        await self._versions_of(self.doc.id, self.doc.version, working=self.doc if self.session.dirty else None,
                                may_restore=self._may_discard)

    async def repair(self, pipeline_id: str) -> None:
        """The versions of a pipeline whose latest version cannot be read, to restore a readable one (Open
        has already asked about unsaved work)."""
        latest = await run.io_bound(self.store.latest_version, pipeline_id)
        await self._versions_of(pipeline_id, latest)

    async def _versions_of(self, pipeline_id: str, current_version: int, working: Pipeline | None = None,
                           may_restore: Any = None) -> None:
        from lakestream.ui.versions import versions_dialog  # the store area's panel

        def restored(document: Pipeline) -> None:
            self._open_document(document, saved=True)
            notify(f"Restored as version {document.version}", type="positive")

        await versions_dialog(self.store, pipeline_id, current_version=current_version, on_restored=restored,
                              code_target=self.code.tab, working=working, may_restore=may_restore)

    async def deploy(self) -> None:
        from lakestream.ui.deploy_dialog import open_deploy_dialog  # the deploy area's dialog

        await open_deploy_dialog(self.doc, store=self.store, request=self.request)

    # --- keyboard -----------------------------------------------------------------------------
    async def on_key(self, e: GenericEventArguments) -> None:
        """A shortcut the page's key listener passed on ({key, shift}); see _KEY_GUARD."""
        key, shift = str(e.args.get("key", "")), bool(e.args.get("shift"))
        if key == "?":
            help_ui.show_shortcuts()
            return
        actions = {"s": self.save, "y": self.redo, "c": self.copy, "v": self.paste, "d": self.duplicate,
                   "l": self.layout, "z": self.redo if shift else self.undo}
        action = actions.get(key)
        if action is not None:
            result = action()
            if inspect.isawaitable(result):
                await result
