"""The timeline chart as SVG text: one lane per key, events and detections on a shared time axis (no nicegui).

Every user value (keys, row values, labels) is escaped here; the page shows the text with ui.html.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from lakestream.cep.timeline import Detection, Point, Timeline

WIDTH, LABEL_W, RIGHT, AXIS_H, LANE_H, LEGEND_H, WATERMARK_H = 1000, 150, 24, 34, 40, 26, 22
PORT_COLOURS = ("#4f46e5", "#0d9488", "#d97706", "#7c3aed")
DETECTION, LATE, HELD, WATERMARK = "#dc2626", "#9ca3af", "#b45309", "#0891b2"
PARTIAL = {"matched": "#16a34a", "open": "#2563eb"}  # any other end (expired, broken, superseded…): grey
_STEPS = (1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400)
_MAX_LABEL = 20


def _span(timeline: Timeline) -> tuple[float, float]:
    times = [p.t for lane in timeline.lanes for p in lane.events] + [w.t for w in timeline.watermarks]
    times += [d.t for lane in timeline.lanes for d in lane.detections if d.t is not None]
    low, high = min(times), max(times)
    pad = max((high - low) * 0.04, 30.0)
    return low - pad, high + pad


def _ticks(low: float, high: float) -> tuple[list[float], int]:
    step = next((s for s in _STEPS if (high - low) / s <= 8), _STEPS[-1])
    first = (int(low // step) + 1) * step
    return [float(t) for t in range(int(first), int(high) + 1, step)], step


def _clock(t: float, step: int) -> str:
    moment = datetime.fromtimestamp(t, tz=timezone.utc)
    return moment.strftime("%H:%M:%S" if step < 60 else "%H:%M" if step < 86400 else "%m-%d")


def _row_text(row: dict) -> str:
    return "\n".join(f"{k} = {'NULL' if v is None else v}" for k, v in row.items())


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def render(timeline: Timeline) -> str:
    """The SVG of a timeline with at least one placed event or detection; '' when there is nothing to place."""
    lanes = [lane for lane in timeline.lanes if lane.events or any(d.t is not None for d in lane.detections)]
    if not lanes:
        return ""
    low, high = _span(timeline)
    plot = WIDTH - LABEL_W - RIGHT

    def x(t: float) -> float:
        return round(LABEL_W + (t - low) / (high - low) * plot, 1)

    marks = WATERMARK_H if timeline.watermarks else 0
    top0 = AXIS_H + marks  # the lanes start below the watermark's own lane
    height = top0 + LANE_H * len(lanes) + LEGEND_H
    parts = [f'<svg class="ls-timeline-svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="Inter, Roboto, sans-serif" font-size="12">']
    parts += [f'<rect x="0" y="{top0 + i * LANE_H}" width="{WIDTH}" height="{LANE_H}" fill="#f8fafc"/>'
              for i in range(0, len(lanes), 2)]
    ticks, step = _ticks(low, high)
    for t in ticks:
        parts.append(f'<line x1="{x(t)}" x2="{x(t)}" y1="{AXIS_H - 6}" y2="{top0 + LANE_H * len(lanes)}" '
                     'stroke="#e2e8f0"/>')
        parts.append(f'<text x="{x(t)}" y="{AXIS_H - 10}" text-anchor="middle" fill="#64748b">'
                     f'{_clock(t, step)}</text>')
    day = datetime.fromtimestamp(low, tz=timezone.utc).strftime("%Y-%m-%d")
    parts.append(f'<text x="8" y="12" fill="#64748b">{escape(_short(" | ".join(timeline.key_columns)))}</text>'
                 f'<text x="8" y="{AXIS_H - 7}" fill="#94a3b8" font-size="11">{day} UTC</text>')
    ports = {port: PORT_COLOURS[i % len(PORT_COLOURS)] for i, port in enumerate(timeline.ports)}
    if marks:
        parts.append(_watermark(timeline, x, AXIS_H, top0 + LANE_H * len(lanes)))
    for index, lane in enumerate(lanes):
        top = top0 + index * LANE_H
        parts.append(f'<g class="ls-tl-lane" data-key="{escape(lane.key)}" style="cursor: pointer">'
                     f'<title>{escape(lane.key)}</title>'
                     f'<text x="8" y="{top + LANE_H / 2 + 4}" fill="#0f172a" font-weight="500">'
                     f'{escape(_short(lane.key))}</text></g>')
        parts.append(f'<line x1="{LABEL_W}" x2="{WIDTH - RIGHT}" y1="{top + 27}" y2="{top + 27}" stroke="#cbd5e1"/>')
        parts += [_partial(p, x, top + 27) for p in lane.partials if len(p.steps) > 1]
        parts += [_event(p, x(p.t), top + 27, ports.get(p.port, PORT_COLOURS[0]), len(ports) > 1)
                  for p in lane.events]
        parts += [_detection(d, x(d.t), top + 11) for d in lane.detections if d.t is not None]
    parts.append(_legend(top0 + LANE_H * len(lanes) + 18, ports, bool(marks)))
    parts.append("</svg>")
    return "".join(parts)


def _watermark(timeline: Timeline, x, top: float, bottom: float) -> str:
    """The watermark's own lane: a tick where it moved to after each arrival, a line across at its final value."""
    y = top + WATERMARK_H / 2
    out = [f'<g class="ls-tl-watermark"><text x="8" y="{y + 4}" fill="{WATERMARK}" font-size="11">watermark</text>']
    points = [(x(w.t), w) for w in timeline.watermarks]
    if len(points) > 1:
        path = " ".join(f"{px},{y}" for px, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{WATERMARK}" stroke-opacity="0.35"/>')
    for px, w in points:
        out.append(f'<g class="ls-tl-wm"><title>{escape(f"after arrival {w.arrival} the watermark is {w.ts}")}</title>'
                   f'<path d="M{px},{y - 5} L{px},{y + 5}" stroke="{WATERMARK}" stroke-width="2"/></g>')
    last = points[-1][0]
    out.append(f'<g class="ls-tl-wm-final"><title>{escape(f"final watermark {timeline.final_watermark}: events after it are held")}'
               f'</title><line x1="{last}" x2="{last}" y1="{y}" y2="{bottom}" stroke="{WATERMARK}" stroke-dasharray="4 3"/>'
               '</g></g>')
    return "".join(out)


def _partial(lane_partial, x, cy: float) -> str:
    """A partial match: its filled steps joined, green when it matched, blue while open, grey when it ended."""
    colour = PARTIAL.get(lane_partial.status, LATE)
    path = " ".join(f"{x(t)},{cy}" for _, _, t in lane_partial.steps)
    title = f"partial match {lane_partial.number}: {lane_partial.status}" + (
        f" — {lane_partial.reason}" if lane_partial.reason else "")
    return (f'<g class="ls-tl-partial" data-status="{escape(lane_partial.status)}"><title>{escape(title)}</title>'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="4" stroke-opacity="0.45" '
            'stroke-linecap="round"/></g>')


def _fate(point: Point) -> str:
    return "".join(f"\n• {n}" for n in point.notes)


def _step_label(point: Point, cx: float, cy: float) -> str:
    if not point.steps:
        return ""
    return (f'<text class="ls-tl-step" x="{cx}" y="{cy + 15}" text-anchor="middle" fill="#334155" font-size="9">'
            f'{escape(_short(",".join(s.split(" ")[0] for s in point.steps)))}</text>')


def _event(point: Point, cx: float, cy: float, colour: str, show_port: bool) -> str:
    where = f" · input {point.port}" if show_port else ""
    if point.held:
        title = f"{point.ts}{where} · HELD: waiting for the watermark to pass it{_fate(point)}\n{_row_text(point.row)}"
        return (f'<g class="ls-tl-event ls-tl-held"><title>{escape(title)}</title>'
                f'<circle cx="{cx}" cy="{cy}" r="6" fill="#fff7ed" stroke="{HELD}" stroke-width="1.5" '
                f'stroke-dasharray="2 2"/><text x="{cx}" y="{cy - 9}" text-anchor="middle" fill="{HELD}" '
                'font-size="9">held</text></g>')
    if point.late:
        title = (f"{point.ts}{where} · LATE: dropped (at or before the watermark when it arrived){_fate(point)}\n"
                 f"{_row_text(point.row)}")
        return (f'<g class="ls-tl-event ls-tl-late"><title>{escape(title)}</title>'
                f'<circle cx="{cx}" cy="{cy}" r="6" fill="#f3f4f6" stroke="{LATE}" stroke-width="1.5"/>'
                f'<path d="M{cx - 3.5},{cy - 3.5} L{cx + 3.5},{cy + 3.5} M{cx + 3.5},{cy - 3.5} L{cx - 3.5},{cy + 3.5}" '
                f'stroke="{LATE}" stroke-width="1.5"/></g>')
    title = f"{point.ts}{where}{_fate(point)}\n{_row_text(point.row)}"
    return (f'<g class="ls-tl-event"><title>{escape(title)}</title>'
            f'<circle cx="{cx}" cy="{cy}" r="5.5" fill="{colour}" stroke="#fff" stroke-width="1.5"/>'
            f'{_step_label(point, cx, cy)}</g>')


def _detection(detection: Detection, cx: float, cy: float) -> str:
    title = f"Detection at {detection.ts}\n{_row_text(detection.row)}"
    label = (f'<text x="{cx + 9}" y="{cy + 4}" fill="{DETECTION}" font-size="11">{escape(_short(detection.label))}</text>'
             if detection.label else "")
    return (f'<g class="ls-tl-detection"><title>{escape(title)}</title>'
            f'<line x1="{cx}" x2="{cx}" y1="{cy}" y2="{cy + 16}" stroke="{DETECTION}" stroke-dasharray="2 2"/>'
            f'<path d="M{cx},{cy - 7} L{cx + 7},{cy} L{cx},{cy + 7} L{cx - 7},{cy} Z" fill="{DETECTION}"/>{label}</g>')


def _legend(y: float, ports: dict[str, str], watermark: bool = False) -> str:
    items = [(f"event{'' if len(ports) < 2 else ' on ' + port}", f'<circle r="5" fill="{colour}"/>')
             for port, colour in (ports.items() if len(ports) > 1 else [("", PORT_COLOURS[0])])]
    items.append(("late event (dropped)", f'<circle r="5" fill="#f3f4f6" stroke="{LATE}"/>'
                                          f'<path d="M-3,-3 L3,3 M3,-3 L-3,3" stroke="{LATE}"/>'))
    items.append(("detection", f'<path d="M0,-6 L6,0 L0,6 L-6,0 Z" fill="{DETECTION}"/>'))
    if watermark:
        items.append(("held: waiting for the watermark",
                      f'<circle r="5" fill="#fff7ed" stroke="{HELD}" stroke-dasharray="2 2"/>'))
        items.append(("partial match", f'<path d="M-6,0 L6,0" stroke="{PARTIAL["open"]}" stroke-width="4" '
                                       'stroke-opacity="0.45"/>'))
    out, left = [], LABEL_W
    for text, mark in items:
        out.append(f'<g transform="translate({left},{y - 4})">{mark}</g>'
                   f'<text x="{left + 10}" y="{y}" fill="#475569">{escape(text)}</text>')
        left += 24 + 7 * len(text)
    return "".join(out)
