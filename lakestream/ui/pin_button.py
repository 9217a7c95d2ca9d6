"""The Timeline's Pin button: "these detections are right" pins the node's rows on the samples as its pattern test."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import run, ui

from lakestream.nodes.base import Category
from lakestream.pattern_tests import canonical, observed
from lakestream.pipeline import Pipeline
from lakestream.ui.guard import guarded, notify


class PinButton:
    """`current()` gives (document, node id); `on_pin(node_id, rows)` keeps the rows in the document (an undo step)."""

    def __init__(self, current: Callable[[], tuple[Pipeline | None, str | None]],
                 on_pin: Callable[[str, list[dict]], None] | None):
        self.current, self.on_pin = current, on_pin
        self.button = ui.button("Pin", icon="push_pin", on_click=guarded(self.pin)) \
            .props("flat dense no-caps").mark("timeline-pin") \
            .tooltip("These detections are right: keep them as this node's test (lakestream test checks them)")
        self.state = ui.label("").classes("text-xs").mark("timeline-pinned")
        self.show(None, None)

    def show(self, pipeline: Pipeline | None, node) -> None:
        """Visible for a pattern node replayed on the pipeline's own samples; says whether its rows are pinned."""
        visible = self.on_pin is not None and node is not None and node.spec.category is Category.PATTERN
        self.button.set_visibility(visible)
        pinned = pipeline.expectations.get(node.id) if visible and pipeline is not None else None
        self.state.set_text("" if pinned is None else f"{len(pinned)} row(s) pinned")
        self.state.set_visibility(pinned is not None)

    async def pin(self) -> None:
        pipeline, node_id = self.current()
        if pipeline is None or node_id is None:
            return
        rows = await run.io_bound(observed, pipeline, node_id)  # the replay lakestream test runs
        if rows is None:  # the server is shutting down
            return
        same = sorted(map(canonical, rows)) == sorted(map(canonical, pipeline.expectations.get(node_id, [None])))
        self.on_pin(node_id, rows)
        notify(f"{len(rows)} row(s) pinned as the expected detections" + (" (unchanged)" if same else ""),
               type="positive")
