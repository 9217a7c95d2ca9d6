"""The Timeline tab of the bottom dock: the selected node replayed on sample events, lane per key."""

from __future__ import annotations

from nicegui import events, run, ui

from lakestream.cep.timeline import Timeline, build_timeline, load_sample, upstream_sources
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline
from lakestream.ui.guard import guarded, log, notify
from lakestream.ui.latest import LatestOnly
from lakestream.ui.timeline_svg import render

DEBOUNCE_S = 0.15
HINT = "Select a pattern node to test it on sample events."


class TimelinePanel:
    def __init__(self):
        self.active = False  # the tab is shown: only then does it replay
        self.samples: dict[str, list[dict]] = {}  # source node id -> the user's sample events
        self.pipeline: Pipeline | None = None
        self.node_id: str | None = None
        self.timeline: Timeline | None = None
        self._pipeline_id: str | None = None
        with ui.column().classes("w-full gap-0 ls-timeline"):
            with ui.row().classes("w-full items-center no-wrap gap-3 px-2 ls-code-bar"):
                self.title = ui.label("").classes("text-weight-medium").mark("timeline-title")
                self.summary = ui.label("").classes("text-sm").mark("timeline-summary")
                self.detail = ui.label("").classes("text-xs text-grey-7 ellipsis grow").mark("timeline-detail")
                spinner = ui.spinner(size="sm").classes("hidden")
                self.replays = LatestOnly(spinner, "replay timeline", debounce_s=DEBOUNCE_S)
                self.load_button = ui.button("Sample events", icon="edit_note", on_click=guarded(self.open_loader)) \
                    .props("flat dense no-caps").mark("timeline-load")
            self.message = ui.label(HINT).classes("ls-code-message").mark("timeline-message")
            self.chart = ui.html("", sanitize=False).classes("w-full px-2").mark("timeline-chart")  # render() escapes
            self.table = ui.table(columns=[], rows=[]).props("dense flat wrap-cells").classes("w-full px-2 ls-timeline-rows") \
                .mark("timeline-rows")
            self.table.set_visibility(False)

    # --- replay -------------------------------------------------------------------------------
    def schedule(self, pipeline: Pipeline, node_id: str | None) -> None:
        """Replay for this document and node in a worker thread (only while the tab shows); newer wins."""
        if pipeline.id != self._pipeline_id:  # another pipeline: its sources are others
            self.samples, self._pipeline_id = {}, pipeline.id
        self.pipeline, self.node_id = pipeline, node_id
        if self.active:
            samples = dict(self.samples)
            self.replays.request(lambda: _replay(pipeline, node_id, samples), self.show)
        else:
            self.replays.supersede()  # a replay still running is of an older document

    def show_tab(self, active: bool) -> None:
        self.active = active
        if active and self.pipeline is not None:
            self.schedule(self.pipeline, self.node_id)

    def show(self, timeline: Timeline) -> None:
        self.timeline = timeline
        node = self.pipeline.node(timeline.node_id) if self.pipeline and timeline.node_id in self.pipeline.node_by_id \
            else None
        self.title.set_text(f"Timeline · {node.title}" if node else "Timeline")
        shown = not timeline.error and (timeline.lanes or timeline.rows)
        self.summary.set_text(timeline.summary if shown else "")
        self.detail.set_text(_detail(timeline) if shown else "")
        self.message.set_text(timeline.message)
        self.message.set_visibility(bool(timeline.message))
        self.message.classes(remove="text-negative")
        if timeline.error:
            self.message.classes(add="text-negative")
        self.chart.set_content(render(timeline) if shown else "")
        self.table.columns = [{"name": c, "label": c, "field": c, "align": "left"} for c in timeline.columns]
        self.table.rows = [{c: _cell(row.get(c)) for c in timeline.columns} for row in timeline.rows] if shown else []
        self.table.set_visibility(bool(shown and timeline.rows))
        self.load_button.set_visibility(node is not None and node.spec.category not in (Category.SOURCE, Category.SINK))

    # --- sample events ------------------------------------------------------------------------
    async def open_loader(self) -> None:
        if self.pipeline is None or self.node_id is None:
            notify(HINT, type="info")
            return
        pipeline, node_id = self.pipeline, self.node_id
        sources = {s: pipeline.node(s).title for s in upstream_sources(pipeline, node_id)}
        if not sources:
            notify("Connect a source to this node first: sample events are loaded per source", type="info")
            return
        with ui.dialog() as dialog, ui.card().classes("w-[640px] max-w-full").mark("timeline-dialog"):
            ui.label("Sample events").classes("text-h6")
            ui.label("One JSON object per line (or a .jsonl / .csv file), with the source's columns. "
                     "Events arrive in this order; the watermark moves after each one.").classes("text-sm text-grey-8")
            source = ui.select(sources, value=next(iter(sources)), label="Source").classes("w-full") \
                .mark("timeline-source")
            text = ui.textarea("Events (JSON lines)").props("outlined autogrow input-style='min-height: 140px'") \
                .classes("w-full ls-mono").mark("timeline-events")

            async def use(content: str, as_csv: bool = False) -> None:
                # parsing megabytes of events off the event loop: other users' pages stay responsive
                rows = await run.io_bound(load_sample, pipeline, source.value, content, as_csv)  # UserError: toast
                if rows is None:  # the server is shutting down
                    return
                self.samples[source.value] = rows
                dialog.close()
                notify(f"{len(rows)} sample event(s) for {sources[source.value]}", type="positive")
                self.schedule(self.pipeline, self.node_id)

            async def uploaded(e: events.UploadEventArguments) -> None:
                raw = await e.file.read()
                try:
                    content = raw.decode("utf-8")
                except UnicodeDecodeError:
                    notify(f"{e.file.name} is not UTF-8 text", type="negative")
                    return
                await use(content, as_csv=e.file.name.lower().endswith(".csv"))

            ui.upload(on_upload=guarded(uploaded), auto_upload=True, max_file_size=5_000_000, label="or a file") \
                .props('accept=".jsonl,.json,.csv,.txt" flat dense').classes("w-full").mark("timeline-upload")
            with ui.row().classes("w-full justify-end"):
                ui.button("Use the example events", on_click=guarded(lambda: self._clear(source.value, dialog))) \
                    .props("flat no-caps").mark("timeline-clear")
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
                ui.button("Use these events", on_click=guarded(lambda: use(text.value or ""))) \
                    .props("unelevated no-caps color=primary").mark("timeline-use")
        await dialog  # until it is closed
        dialog.delete()

    def _clear(self, source_id: str, dialog: ui.dialog) -> None:
        self.samples.pop(source_id, None)
        dialog.close()
        self.schedule(self.pipeline, self.node_id)


def _detail(timeline: Timeline) -> str:
    parts = []
    if timeline.key_columns:
        parts.append("key " + ", ".join(timeline.key_columns))
    if timeline.watermark_delay:
        parts.append(f"watermark delay {timeline.watermark_delay}")
    if timeline.sample == "example":
        parts.append(f"the node type's example events ({', '.join(timeline.sample_columns)}): load your own with "
                     "Sample events")
    else:
        parts.append("your sample events")
    return " · ".join(parts)


def _cell(value):
    return "NULL" if value is None else value


def _replay(pipeline: Pipeline, node_id: str | None, samples: dict[str, list[dict]]) -> Timeline:
    """The timeline of a node (run in a worker thread); a failure is a bug, logged and said calmly."""
    try:
        return build_timeline(pipeline, node_id, samples)
    except Exception as error:
        log.error("timeline replay of %s failed", node_id, exc_info=error)
        return Timeline(node_id, f"The replay failed unexpectedly ({type(error).__name__}); it was logged.", error=True)
