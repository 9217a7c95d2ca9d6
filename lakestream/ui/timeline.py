"""The Timeline tab of the bottom dock: the selected node replayed on sample events, lane per key."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import run, ui

from lakestream.cep.timeline import Timeline, build_timeline, load_sample, upstream_sources
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline
from lakestream.ui.guard import guarded, log, notify
from lakestream.ui.latest import LatestOnly
from lakestream.ui.pin_button import PinButton
from lakestream.ui.schema_dialog import upload_field
from lakestream.ui.timeline_svg import render

DEBOUNCE_S = 0.15
HINT = "Select a pattern node to test it on sample events."


def sample_text(rows: list[dict]) -> str:
    """A source's sample events as the dialog shows them: one JSON object per line."""
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)


class TimelinePanel:
    """`on_samples(source_id, rows or None)` keeps a source's sample events in the document (an undo step)."""

    def __init__(self, on_samples: Callable[[str, list[dict] | None], None],
                 on_pin: Callable[[str, list[dict]], None] | None = None):
        self.active = False  # the tab is shown: only then does it replay
        self.on_samples = on_samples
        self.pipeline: Pipeline | None = None
        self.node_id: str | None = None
        self.timeline: Timeline | None = None
        with ui.column().classes("w-full gap-0 ls-timeline"):
            with ui.row().classes("w-full items-center no-wrap gap-3 px-2 ls-code-bar"):
                self.title = ui.label("").classes("text-weight-medium").mark("timeline-title")
                self.summary = ui.label("").classes("text-sm").mark("timeline-summary")
                self.detail = ui.label("").classes("text-xs text-grey-7 ellipsis grow").mark("timeline-detail")
                spinner = ui.spinner(size="sm").classes("hidden")
                self.replays = LatestOnly(spinner, "replay timeline", debounce_s=DEBOUNCE_S)
                self.load_button = ui.button("Sample events", icon="edit_note", on_click=guarded(self.open_loader)) \
                    .props("flat dense no-caps").mark("timeline-load")
                self.pin = PinButton(lambda: (self.pipeline, self.node_id), on_pin)
            self.message = ui.label(HINT).classes("ls-code-message").mark("timeline-message")
            self.chart = ui.html("", sanitize=False).classes("w-full px-2").mark("timeline-chart")  # render() escapes
            self.table = ui.table(columns=[], rows=[]).props("dense flat wrap-cells").classes("w-full px-2 ls-timeline-rows") \
                .mark("timeline-rows")
            self.table.set_visibility(False)

    # --- replay -------------------------------------------------------------------------------
    def schedule(self, pipeline: Pipeline, node_id: str | None) -> None:
        """Replay for this document (with its samples) and node in a worker thread (only while the tab shows)."""
        self.pipeline, self.node_id = pipeline, node_id
        if self.active:
            self.replays.request(lambda: _replay(pipeline, node_id), self.show)
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
        self.detail.props["title"] = self.detail.text  # the whole line, where the dock is too narrow for it
        self.detail.update()
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
        self.pin.show(self.pipeline, node if shown and timeline.sample != "example" else None)

    # --- sample events ------------------------------------------------------------------------
    async def open_loader(self) -> None:
        if self.pipeline is None or self.node_id is None:
            notify(HINT, type="info")
            return
        sources = {s: self.pipeline.node(s).title for s in upstream_sources(self.pipeline, self.node_id)}
        if not sources:
            notify("Connect a source to this node first: sample events are loaded per source", type="info")
            return
        await sample_events_dialog(self.pipeline, sources, self.on_samples)


async def sample_events_dialog(pipeline: Pipeline, sources: dict[str, str],
                               on_samples: Callable[[str, list[dict] | None], None]) -> None:
    """Show, edit, paste, upload or remove the sample events of one of `sources` (id -> title)."""
    with ui.context.client.layout, ui.dialog() as dialog, \
            ui.card().classes("w-[640px] max-w-full").mark("timeline-dialog"):
        ui.label("Sample events").classes("text-h6")
        ui.label("One JSON object per line (or a .jsonl / .csv file), with the source's columns. "
                 "Events arrive in this order; the watermark moves after each one. They are saved with the "
                 "pipeline.").classes("text-sm text-grey-8")
        first = next((s for s in sources if s in pipeline.samples), next(iter(sources)))
        source = ui.select(sources, value=first, label="Source").classes("w-full").mark("timeline-source")
        text = ui.textarea("Events (JSON lines)", value=sample_text(pipeline.samples.get(first, []))) \
            .props("outlined autogrow input-style='min-height: 140px; max-height: 320px'") \
            .classes("w-full ls-mono").mark("timeline-events")
        source.on_value_change(lambda e: text.set_value(sample_text(pipeline.samples.get(e.value, []))))

        async def use(content: str, as_csv: bool = False) -> None:
            # parsing megabytes of events off the event loop: other users' pages stay responsive
            rows = await run.io_bound(load_sample, pipeline, source.value, content, as_csv)  # UserError: toast
            if rows is None:  # the server is shutting down
                return
            dialog.close()
            on_samples(source.value, rows)
            notify(f"{len(rows)} sample event(s) for {sources[source.value]}", type="positive")

        def remove() -> None:
            dialog.close()
            on_samples(source.value, None)

        upload_field(use, "timeline-upload")
        with ui.row().classes("w-full justify-end"):
            ui.button("Remove these samples", on_click=guarded(remove)).props("flat no-caps").mark("timeline-clear")
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
            ui.button("Use these events", on_click=guarded(lambda: use(text.value or ""))) \
                .props("unelevated no-caps color=primary").mark("timeline-use")
    await dialog  # until it is closed
    dialog.delete()


def _detail(timeline: Timeline) -> str:
    parts = []
    if timeline.key_columns:
        parts.append("key " + ", ".join(timeline.key_columns))
    if timeline.watermark_delay:
        parts.append(f"watermark delay {timeline.watermark_delay}")
    if timeline.sample == "example":
        parts.append(f"the node type's example events ({', '.join(timeline.sample_columns)}), as this pipeline has "
                     "no sample events for its sources: add them with Sample events")
    else:
        counts = ", ".join(f"{title}: {n}" for title, n in timeline.sample_sources.items())
        parts.append(f"the pipeline's sample events ({counts})")
    return " · ".join(parts)


def _cell(value):
    return "NULL" if value is None else value


def _replay(pipeline: Pipeline, node_id: str | None) -> Timeline:
    """The timeline of a node (run in a worker thread); a failure is a bug, logged and said calmly."""
    try:
        return build_timeline(pipeline, node_id)
    except Exception as error:
        log.error("timeline replay of %s failed", node_id, exc_info=error)
        return Timeline(node_id, f"The replay failed unexpectedly ({type(error).__name__}); it was logged.", error=True)
