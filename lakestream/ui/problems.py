"""The Problems tab: every validation issue; a click selects and centres the node and focuses the field."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from lakestream.pipeline import Pipeline
from lakestream.validate import Issue

ICONS = {"error": ("error", "text-negative"), "warning": ("warning", "text-warning"), "info": ("info", "text-info")}
_ORDER = {"error": 0, "warning": 1, "info": 2}


def summary(issues: list[Issue]) -> str:
    """'2 errors, 1 warning' or 'No problems'."""
    counts = {s: sum(1 for i in issues if i.severity == s) for s in ("error", "warning")}
    parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    return ", ".join(parts) or "No problems"


class ProblemsPanel:
    def __init__(self, on_pick: Callable[[Issue], None]):
        self.on_pick = on_pick
        self.container = ui.column().classes("w-full gap-0 ls-problems").mark("problems")
        self.shown: tuple | None = None

    def show(self, pipeline: Pipeline, issues: list[Issue]) -> None:
        # typing in a field usually leaves the problems as they were: then nothing is rebuilt or sent
        shown = tuple((i, pipeline.node(i.node_id).title if i.node_id in pipeline.node_by_id else None) for i in issues)
        if shown == self.shown:
            return
        self.shown = shown
        self.container.clear()
        with self.container:
            if not issues:
                with ui.row().classes("items-center gap-2 p-2"):
                    ui.icon("check_circle").classes("text-positive")
                    ui.label("No problems: the pipeline is valid.")
                return
            ui.label(summary(issues)).classes("text-xs text-grey-7 px-3 pt-1").mark("problems-summary")
            for issue in sorted(issues, key=lambda i: _ORDER.get(i.severity, 3)):
                icon, colour = ICONS.get(issue.severity, ICONS["info"])
                where = pipeline.node(issue.node_id).title if issue.node_id in pipeline.node_by_id else "Pipeline"
                with ui.row().classes("ls-problem items-start no-wrap w-full gap-2 cursor-pointer") \
                        .on("click", lambda i=issue: self.on_pick(i)) \
                        .mark("problem", f"problem-{issue.node_id or 'pipeline'}") as row:
                    ui.icon(icon).classes(f"{colour} text-lg")
                    with ui.column().classes("gap-0"):
                        ui.label(where).classes("text-weight-medium")
                        ui.label(issue.message)  # names the field as the form does ("Step 1: Name is required")
                        if issue.hint:
                            ui.label(issue.hint).classes("text-xs text-grey-7")
                row.props(f'data-severity="{issue.severity}"')
