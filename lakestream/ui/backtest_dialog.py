"""The Backtest dialog: the pipeline's patterns over event files on the server, per hour/day, side by side with a
saved version or a field override; run in a worker thread, with progress and Cancel."""

from __future__ import annotations

import threading
from html import escape

from nicegui import run, ui

from lakestream.cep.backtest import BacktestResult, Cancelled, run_backtests, variants
from lakestream.errors import UserError
from lakestream.pipeline import Pipeline
from lakestream.store import Store
from lakestream.ui.guard import guarded, notify

COLORS = ("#3f51b5", "#f57c00")  # current, compared


def chart_svg(by: str, series: list[tuple[str, dict[str, int]]], width: int = 640, height: int = 180) -> str:
    """Grouped bars of detections per bucket, one colour per version, every label escaped."""
    buckets = sorted(set().union(*(counts for _, counts in series))) if series else []
    most = max((n for _, counts in series for n in counts.values()), default=0)
    if not buckets or not most:
        return f'<svg class="ls-bt-chart" width="{width}" height="40"><text x="8" y="24">No detections</text></svg>'
    top, bottom, left = 14, 34, 44
    slot = (width - left - 8) / len(buckets)
    bar = max(1.0, min(24.0, slot / (len(series) + 1)))
    parts = [f'<svg class="ls-bt-chart" width="{width}" height="{height}" role="img" '
             f'aria-label="detections per {escape(by)}">',
             f'<text x="2" y="{top + 4}" font-size="10">{most:,}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="#999"/>']
    plot = height - top - bottom
    for i, bucket in enumerate(buckets):
        x0 = left + i * slot
        for j, (label, counts) in enumerate(series):
            count = counts.get(bucket, 0)
            h = plot * count / most
            parts.append(f'<rect class="ls-bt-bar ls-bt-bar-{j}" x="{x0 + j * bar:.1f}" y="{height - bottom - h:.1f}" '
                         f'width="{bar * 0.9:.1f}" height="{h:.1f}" fill="{COLORS[j % 2]}" data-count="{count}">'
                         f'<title>{escape(label)} · {escape(bucket)}: {count:,}</title></rect>')
        if len(buckets) <= 12 or i % -(-len(buckets) // 12) == 0:
            text = bucket[5:16] if by == "hour" else bucket[:10]
            parts.append(f'<text x="{x0:.1f}" y="{height - bottom + 14}" font-size="10">{escape(text)}</text>')
    for j, (label, _) in enumerate(series):
        parts.append(f'<rect x="{left + j * 200}" y="{height - 12}" width="10" height="10" fill="{COLORS[j % 2]}"/>'
                     f'<text x="{left + j * 200 + 14}" y="{height - 3}" font-size="11">{escape(label[:30])}</text>')
    parts.append("</svg>")
    return "".join(parts)


async def open_backtest_dialog(pipeline: Pipeline, store: Store | None) -> None:
    cancel = threading.Event()
    state = {"progress": 0.0}
    with ui.context.client.layout, ui.dialog().props("persistent") as dialog, \
            ui.card().classes("w-[760px] max-w-full").mark("backtest-dialog"):
        ui.label("Backtest").classes("text-h6")
        ui.label("Run this pipeline's pattern nodes over historical events: JSON-lines or CSV files (or folders of "
                 "them) on the server, one micro-batch per file in name order.").classes("text-sm text-grey-8")
        paths = ui.input("Event files or folders (comma-separated paths)").classes("w-full").mark("backtest-paths")
        with ui.row().classes("w-full items-end gap-3 no-wrap"):
            by = ui.select({"hour": "per hour", "day": "per day"}, value="hour", label="Detections").classes("w-32").mark("backtest-by")
            mode = ui.select({"none": "no comparison", "override": "a field override", "version": "a saved version"},
                             value="none", label="Compare with").classes("w-48").mark("backtest-mode")
            other = ui.input("burst.threshold=5 or a version number").classes("grow").mark("backtest-other")
        with ui.row().classes("w-full items-center gap-2"):
            bar = ui.linear_progress(value=0, show_value=False).classes("grow").mark("backtest-progress")
            bar.set_visibility(False)
        results = ui.column().classes("w-full gap-1").mark("backtest-results")
        with ui.row().classes("w-full justify-end"):
            cancel_button = ui.button("Cancel run", on_click=cancel.set).props("flat no-caps") \
                .mark("backtest-cancel")
            cancel_button.set_visibility(False)
            ui.button("Close", on_click=lambda: (cancel.set(), dialog.close())).props("flat no-caps")
            start = ui.button("Run backtest").props("unelevated no-caps color=primary").mark("backtest-run")
        ticker = ui.timer(0.25, lambda: bar.set_value(state["progress"]), active=False)

        async def go() -> None:
            docs = variants(pipeline, store, mode.value, other.value)  # UserError: a toast
            chosen = [p.strip() for p in (paths.value or "").split(",") if p.strip()]
            if not chosen:
                raise UserError("Give the path of an events file or folder")
            cancel.clear()
            state["progress"] = 0.0
            start.disable()
            bar.set_visibility(True)
            cancel_button.set_visibility(True)
            ticker.activate()
            try:
                done = await run.io_bound(run_backtests, docs, chosen, by.value,
                                          lambda share: state.__setitem__("progress", share), cancel.is_set)
            except Cancelled:
                notify("The backtest was cancelled", type="info")
                return
            finally:
                ticker.deactivate()
                start.enable()
                bar.set_visibility(False)
                cancel_button.set_visibility(False)
            if done is not None:  # None: the server is shutting down
                show_results(results, done)

        start.on_click(guarded(go))
    await dialog
    cancel.set()
    dialog.delete()


def show_results(container: ui.column, done: list[tuple[str, BacktestResult]]) -> None:
    container.clear()
    first = done[0][1]
    with container:
        ui.label(f"{first.events:,} events · {first.seconds:.2f} s").classes("text-xs text-grey-7") \
            .mark("backtest-events")
        for node_id, node in first.nodes.items():
            counts = [(label, result.nodes[node_id]) for label, result in done if node_id in result.nodes]
            ui.label(f"{node.title}: " + "; ".join(f"{label}: {n.detections:,} detection(s)" for label, n in counts)) \
                .classes("text-weight-medium").mark("backtest-summary")
            ui.html(chart_svg(first.by, [(label, n.buckets) for label, n in counts]), sanitize=False) \
                .mark("backtest-chart")  # chart_svg escapes every label
            with ui.row().classes("w-full no-wrap gap-4 items-start"):
                for label, n in counts:
                    with ui.column().classes("gap-0 grow"):
                        ui.label(f"Top keys ({label})").classes("text-xs text-grey-8")
                        ui.label(", ".join(f"{k} ({c:,})" for k, c in n.top_keys) or "—").classes("text-sm") \
                            .mark("backtest-keys")
            if node.samples:
                ui.table(columns=[{"name": c, "label": c, "field": c, "align": "left"} for c in node.columns],
                         rows=[{c: "NULL" if r.get(c) is None else r.get(c) for c in node.columns}
                               for r in node.samples]).props("dense flat wrap-cells").classes("w-full") \
                    .mark("backtest-samples")
