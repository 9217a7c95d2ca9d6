"""The Timeline's "Why no match?" panel: pick a key, read the step it stopped at and the reason (thin: the
reasons come from the node's trace, lakestream/cep/explain.py, through the timeline model)."""

from __future__ import annotations

from datetime import datetime, timezone

from nicegui import ui

from lakestream.cep.timeline import Lane, Timeline

KIND_WORDS = {"matched": "Matched", "held": "Waiting for the watermark", "late": "Late", "waiting": "Waiting",
              "expired": "Time bound exceeded", "broken": "Contiguity broken", "superseded": "Superseded",
              "discarded": "Condition false", "skipped": "Condition false", "answered": "Answered in time",
              "suppressed": "Already alerted", "duplicate": "Duplicate", "none": "Nothing to explain"}


def partial_text(lane: Lane) -> list[str]:
    """One line per partial match: which event time filled which step, and how it ended."""
    lines = []
    for p in lane.partials:
        steps = ", ".join(f"step {n}{' ' + repr(label) if label else ''} at {_clock(t)}" for n, label, t in p.steps)
        lines.append(f"partial match {p.number} ({p.status}): {steps or 'no step filled'}")
    return lines


def _clock(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%H:%M:%S")


class WhyPanel:
    """A key picker and the reason for the picked key; hidden when the timeline has no explained lane."""

    def __init__(self):
        self.lanes: dict[str, Lane] = {}
        with ui.row().classes("w-full items-start no-wrap gap-3 px-2 py-1 ls-timeline-why") as self.box:
            self.key = ui.select([], label="Why no match? Key", with_input=True,
                                 on_change=lambda e: self.explain(e.value)) \
                .props("dense outlined options-dense").classes("w-56").mark("timeline-why-key")
            with ui.column().classes("gap-0 grow"):
                self.kind = ui.label("").classes("text-sm text-weight-medium").mark("timeline-why-kind")
                self.reason = ui.label("").classes("text-sm").style("white-space: pre-wrap") \
                    .mark("timeline-why")
                self.partials = ui.label("").classes("text-xs text-grey-8").style("white-space: pre-wrap") \
                    .mark("timeline-why-partials")
        self.box.set_visibility(False)

    def show(self, timeline: Timeline | None) -> None:
        lanes = {lane.key: lane for lane in (timeline.lanes if timeline else []) if lane.why is not None}
        self.lanes = lanes
        self.box.set_visibility(bool(lanes))
        keep = self.key.value if self.key.value in lanes else None
        self.key.set_options(list(lanes), value=keep)
        self.explain(keep)

    def pick(self, key) -> None:
        """A key clicked in the chart: show its reason (a key that has no explained lane is ignored)."""
        if isinstance(key, str) and key in self.lanes:
            self.key.set_value(key)  # its change handler explains it

    def explain(self, key: str | None) -> None:
        lane = self.lanes.get(key) if key is not None else None
        if lane is None:
            self.kind.set_text("")
            self.reason.set_text("Pick a key to see the step it stopped at and why." if self.lanes else "")
            self.partials.set_text("")
            return
        why = lane.why
        step = f" · stopped at step {why.step}" if why.step and why.kind != "matched" else ""
        self.kind.set_text(f"{KIND_WORDS.get(why.kind, why.kind.capitalize())}{step}")
        self.reason.set_text(why.text)
        self.partials.set_text("\n".join(partial_text(lane)))
