"""Versions panel: who saved which version when (and their message), any two versions or the working
copy side by side, code diff, restore; also the message dialog of "Save with a message".

Standalone NiceGUI functions over the core store API (no graph rules or diffing here):

    await versions_dialog(store, pipeline_id, current_version=doc.version, on_restored=open_doc,
                          working=doc_with_unsaved_edits)
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import context, run, ui

from lakestream.errors import UserError
from lakestream.pipeline import Pipeline
from lakestream.store import ConflictError, CorruptPipeline, Store, StoreError, VersionInfo
from lakestream.store.diff import PipelineDiff, diff, generated_code_diff
from lakestream.store.store import MESSAGE_LIMIT

STATUS_COLOURS = {"added": "#16a34a", "removed": "#dc2626", "changed": "#d97706", "moved": "#64748b"}
MAX_ROWS = 200  # a very long history shows its newest versions; the CLI lists them all
WORKING = 0  # the compare choice of the working copy (saved versions start at 1)
WORKING_TITLE = "Working copy (unsaved)"
_BOX = (430, 180)  # mini-graph size in px
_CANVAS_NODE_WIDTH = 180  # a node card's width on the canvas, in flow units
# Long changed values and code lines wrap inside the dialog instead of running off its right edge.
_CSS = """
.ls-diff-line { white-space: pre-wrap; overflow-wrap: anywhere; }
.ls-code-diff pre, .ls-code-diff code { white-space: pre-wrap !important; overflow-wrap: anywhere; }
"""
_STYLED: weakref.WeakSet = weakref.WeakSet()  # clients that have the CSS above


def _add_css() -> None:
    if context.client not in _STYLED:
        _STYLED.add(context.client)
        ui.add_css(_CSS)


def version_rows(infos: list[VersionInfo]) -> list[dict[str, Any]]:
    """The panel's rows (newest first): plain values ready to show."""
    rows = []
    for i in infos[:MAX_ROWS]:
        readable = not i.note.startswith("unreadable")
        rows.append({  # an unreadable version has no who, when or size to show
            "version": i.version, "when": i.saved_at.strftime("%Y-%m-%d %H:%M") if readable else "",
            "by": (i.saved_by or "unknown") if readable else "", "nodes": f"{i.node_count} nodes" if readable else "",
            "note": i.note, "message": i.message, "name": i.name, "readable": readable,
        })
    return rows


def title(doc: Pipeline, working: bool = False) -> str:
    """How the panel names one side of a comparison."""
    return f"{WORKING_TITLE}: {doc.name}" if working else f"Version {doc.version}: {doc.name}"


def graph_layout(pipeline: Pipeline, width: int = _BOX[0], height: int = _BOX[1]
                 ) -> tuple[dict[str, tuple[float, float]], float]:
    """(node id -> (x, y), node width) in a width x height box: the canvas positions scaled to fit,
    node cards scaled with them so that nodes apart on the canvas stay apart here."""
    if not pipeline.nodes:
        return {}, 0.0
    xs = [n.position.x for n in pipeline.nodes]
    ys = [n.position.y for n in pipeline.nodes]
    span_x, span_y = max(xs) - min(xs) + _CANVAS_NODE_WIDTH, max(ys) - min(ys) + 60
    scale = min((width - 10) / span_x, (height - 10) / span_y, 1.0)
    node_width = max(36.0, _CANVAS_NODE_WIDTH * scale)
    return {n.id: (5 + (n.position.x - min(xs)) * scale, 5 + (n.position.y - min(ys)) * scale)
            for n in pipeline.nodes}, node_width


def mini_graph(pipeline: Pipeline, status: dict[str, str], side: str) -> None:
    """The pipeline's graph with a coloured badge on each added/removed/changed/moved node."""
    layout, node_width = graph_layout(pipeline)
    centres = {k: (x + node_width / 2, y + 10) for k, (x, y) in layout.items()}
    lines = "".join(
        f'<line x1="{centres[e.source][0]:.1f}" y1="{centres[e.source][1]:.1f}" '
        f'x2="{centres[e.target][0]:.1f}" y2="{centres[e.target][1]:.1f}" stroke="#94a3b8" stroke-width="1.5"/>'
        for e in pipeline.edges if e.source in centres and e.target in centres)
    with ui.element("div").classes("relative border rounded bg-grey-1").style(
            f"width:{_BOX[0]}px;height:{_BOX[1]}px;overflow:hidden").mark(f"graph-{side}"):
        # only numbers go into this markup; every text below is a label (escaped by NiceGUI)
        ui.html(f'<svg width="{_BOX[0]}" height="{_BOX[1]}" style="position:absolute;left:0;top:0">{lines}</svg>',
                sanitize=False)
        for node in pipeline.nodes:
            x, y = layout[node.id]
            state = status.get(node.id)
            # unchanged nodes stay neutral so that only the status colours draw the eye
            border = STATUS_COLOURS[state] if state else "#cbd5e1"
            fill = f"linear-gradient({border}22,{border}22),#fff" if state else "#fff"  # opaque: hides edges
            strike = "line-through" if state == "removed" else "none"
            with ui.element("div").classes("absolute rounded text-[10px] px-1 truncate").style(
                    f"left:{x:.0f}px;top:{y:.0f}px;width:{node_width:.0f}px;border:2px solid {border};"
                    f"background:{fill};text-decoration:{strike}").mark(
                    f"node-{side}-{node.id}" + (f"-{state}" if state else "")):
                ui.label(node.title).classes("truncate").tooltip(f"{node.title} ({node.type})"
                                                                 + (f": {state}" if state else ""))


def change_list(result: PipelineDiff) -> None:
    """The field-level differences, one line each (wrapped when long)."""
    with ui.column().classes("gap-0 w-full").mark("diff-lines"):
        for line in result.lines():
            colour = {"+": "text-green-9", "-": "text-red-9", "~": "text-orange-10"}.get(line[:1], "")
            ui.label(line).classes(f"ls-mono ls-diff-line w-full text-xs {colour}")


def compare_view(old: Pipeline, new: Pipeline, *, code_target: str = "auto",
                 working: tuple[bool, bool] = (False, False)) -> None:
    """Two versions side by side (graph badges), the changes list, and the generated-code diff on demand.
    `working` says which side is the editor's unsaved working copy."""
    _add_css()
    pairs = ((old, working[0]), (new, working[1]))
    titles = [title(doc, is_working) for doc, is_working in pairs]
    names = tuple("the working copy" if is_working else f"version {doc.version} of {doc.name!r}"
                  for doc, is_working in pairs)
    result = diff(old, new)
    status = result.node_status()
    with ui.row().classes("w-full gap-4 no-wrap"):
        for doc, side, heading in ((old, "old", titles[0]), (new, "new", titles[1])):
            with ui.column().classes("gap-1"):
                ui.label(heading).classes("text-subtitle2").mark(f"title-{side}")
                mini_graph(doc, {k: v for k, v in status.items() if (v == "removed") == (side == "old")}, side)
    with ui.row().classes("gap-3 text-xs"):
        for state, colour in STATUS_COLOURS.items():
            ui.label(state).style(f"border-left:10px solid {colour};padding-left:4px")
    change_list(result)
    code_area = ui.column().classes("w-full")

    async def show_code() -> None:
        code_area.clear()
        with code_area:
            try:
                text = await run.io_bound(generated_code_diff, old, new, code_target, names=names)
            except UserError as error:
                ui.label(f"Code generation unavailable: {error}").classes("text-negative").mark("code-diff-error")
                return
            if not text:
                ui.label("The generated code is the same.").mark("code-diff-same")
            else:
                with ui.scroll_area().classes("w-full h-80 border rounded"):
                    ui.code(text, language="diff").classes("w-full text-xs ls-code-diff").mark("code-diff")

    ui.button("Compare generated code", icon="code", on_click=show_code).props("flat dense").mark("show-code-diff")


async def ask_message(title_text: str = "Save with a message") -> str | None:
    """The optional message of a save (None: cancelled); at most MESSAGE_LIMIT characters."""
    with ui.dialog() as dialog, ui.card().classes("min-w-[440px]").mark("message-dialog"):
        ui.label(title_text).classes("text-h6")
        field = ui.textarea("What changed? (optional)").props(f"autogrow autofocus counter maxlength={MESSAGE_LIMIT}") \
            .classes("w-full").mark("message-input")
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat").mark("message-cancel")
            ui.button("Save", on_click=lambda: dialog.submit(field.value or "")) \
                .props("unelevated color=primary").mark("message-save")
    result = await dialog
    dialog.delete()
    return result


def _version_list(rows: list[dict[str, Any]], restorable: Callable[[dict[str, Any]], bool],
                  restore: Callable[[int], Awaitable[None]]) -> None:
    """Who saved which version when, its note and its message; Restore on the versions that can be."""
    with ui.scroll_area().classes("w-full h-48 shrink-0 border rounded"):
        for row in rows:
            with ui.row().classes("w-full items-center gap-3 no-wrap ls-version-row") \
                    .props(f'data-version={row["version"]}').mark(f"version-{row['version']}"):
                ui.label(f"v{row['version']}").classes("text-weight-medium w-10")
                ui.label(row["when"]).classes("text-xs w-32")
                ui.label(row["by"]).classes("text-xs w-48 truncate")
                ui.label(row["nodes"]).classes("text-xs w-16")
                ui.label(row["note"]).classes("text-xs text-grey-7 grow truncate").tooltip(row["note"])
                if restorable(row):
                    ui.button("Restore", on_click=lambda v=row["version"]: restore(v)) \
                        .props("flat dense size=sm").mark(f"restore-{row['version']}")
            if row["message"]:
                ui.label(row["message"]).classes("text-sm ls-diff-line pl-14 pb-1 text-grey-9") \
                    .mark(f"version-{row['version']}-message")


async def versions_dialog(store: Store, pipeline_id: str, *, current_version: int,
                          on_restored: Callable[[Pipeline], Awaitable[None] | None] | None = None,
                          code_target: str = "auto", working: Pipeline | None = None,
                          may_restore: Callable[[], Awaitable[bool]] | None = None) -> None:
    """Open the versions of a pipeline: compare any two (or the working copy with any version), restore
    one as a new version.

    `current_version` is the version open in the editor (for a pipeline whose latest version cannot be
    read: that latest number): restoring on top of a newer save is refused with the store's conflict
    message. `working` is the editor's document when it has unsaved edits: it is offered as "Working
    copy (unsaved)" and compared with the latest version first. `may_restore()` is asked before a
    restore (the editor's "discard unsaved changes?"); `on_restored(saved)` gets the restored document.
    """
    _add_css()
    try:
        infos = await run.io_bound(store.versions, pipeline_id)
    except StoreError as error:
        ui.notify(str(error), type="negative")
        return
    rows = version_rows(infos)
    if rows[0]["readable"]:  # its header reads; the comparison needs the whole file, so check it now
        try:
            await run.io_bound(store.get_version, pipeline_id, rows[0]["version"])
        except CorruptPipeline as error:
            rows[0].update(readable=False, note=f"unreadable: {error.reason}")
    readable = [r for r in rows if r["readable"]]
    damaged = None if rows[0]["readable"] else rows[0]
    choices = {**({WORKING: WORKING_TITLE} if working is not None else {}),
               **{r["version"]: f"v{r['version']} · {r['when']} · {r['by']}" for r in readable}}
    saved_versions = [r["version"] for r in readable]
    if working is not None:
        state = {"old": saved_versions[0] if saved_versions else WORKING, "new": WORKING}
    else:
        state = {"old": saved_versions[1] if len(saved_versions) > 1 else saved_versions[0] if saved_versions
                 else None, "new": saved_versions[0] if saved_versions else None}

    async def side(key: int) -> Pipeline:
        return working if key == WORKING else await run.io_bound(store.get_version, pipeline_id, key)

    @ui.refreshable
    async def comparison() -> None:
        if state["old"] is None:
            ui.label("No version of this pipeline can be read.").classes("text-negative")
            return
        try:
            old, new = await side(state["old"]), await side(state["new"])
        except StoreError as error:
            ui.label(str(error)).classes("text-negative ls-diff-line")
            return
        compare_view(old, new, code_target=code_target, working=(state["old"] == WORKING, state["new"] == WORKING))

    async def pick(which: str, value: int) -> None:
        state[which] = value
        await comparison.refresh()

    async def restore(version: int) -> None:
        if may_restore is not None and not await may_restore():
            return
        try:
            saved = await run.io_bound(store.restore_version, pipeline_id, version, current_version)
        except ConflictError as conflict:
            ui.notify(f"{conflict} Reload it before restoring.", type="warning", multi_line=True)
            return
        except StoreError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify(f"Restored version {version} as version {saved.version}", type="positive")
        dialog.close()
        if on_restored is not None:
            result = on_restored(saved)
            if inspect.isawaitable(result):
                await result

    def restorable(row: dict[str, Any]) -> bool:
        # restoring the latest version as it is would only repeat it
        return row["readable"] and row["version"] != rows[0]["version"]

    name = readable[0]["name"] if readable else f"pipeline {pipeline_id[:8]}"
    with ui.dialog() as dialog, ui.card().classes("min-w-[720px] max-w-[960px]").mark("versions-dialog"):
        ui.label(f"Versions of {name}").classes("text-h6")
        if damaged is not None:
            reason = damaged["note"].removeprefix("unreadable: ")
            ui.label(f"Version {damaged['version']} cannot be read: {reason}. Restore an earlier version to repair "
                     f"the pipeline: it is saved as version {damaged['version'] + 1}, and nothing is deleted.") \
                .classes("text-sm text-negative ls-diff-line").mark("versions-damaged")
        _version_list(rows, restorable, restore)
        with ui.row().classes("items-center gap-2"):
            ui.select(choices, value=state["old"], label="Compare",
                      on_change=lambda e: pick("old", e.value)).props("dense").mark("compare-old")
            ui.label("with")
            ui.select(choices, value=state["new"], label="",
                      on_change=lambda e: pick("new", e.value)).props("dense").mark("compare-new")

        compare_box = ui.column().classes("w-full")
        ui.button("Close", on_click=dialog.close).props("flat").mark("versions-close")
    dialog.open()  # shown at once; the comparison fills in when the two versions are read
    with compare_box:
        await comparison()
