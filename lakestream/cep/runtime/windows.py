"""Window patterns: sliding and tumbling count thresholds, velocity."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from operator import itemgetter

from .params import CountThresholdParams, VelocityParams

_START = itemgetter(0)


class SlidingCount:
    """Event fields: match flag. State: times of the matching events in the window, and the re-arm flag."""

    Params = CountThresholdParams

    id_from = None
    timed = False  # no deadlines: the driver skips its timer checks

    def __init__(self, params):
        self.window = params.window
        self.threshold = params.threshold

    def new_state(self):
        return {"q": [], "a": True}

    def size(self, state):
        return len(state["q"])

    def on_event(self, state, event):
        if not event[2]:
            return []
        ts = event[0]
        times = state["q"]
        times.append(ts)
        cut = bisect_right(times, ts - self.window)  # the window is (ts - window, ts]
        if cut:
            del times[:cut]
        count = len(times)
        if count < self.threshold:
            state["a"] = True
            return []
        if not state["a"]:
            return []
        state["a"] = False
        return [(ts - self.window, ts, count)]

    def on_time(self, state, now):
        return []

    def next_time(self, state):
        return None


class TumblingCount:
    """Event fields: match flag. State: [window start, count] of the windows not yet closed, by start.

    As Spark's `window()` count (the generated form): an event is late only when its window closed
    before its micro-batch, so an event older than others already counted still counts in its window.
    """

    Params = CountThresholdParams

    id_from = 0

    def __init__(self, params):
        self.window = params.window
        self.threshold = params.threshold

    def new_state(self):
        return {"w": []}

    def size(self, state):
        return len(state["w"])

    def late_time(self, event):
        """The time lateness is judged by: the end of the event's window."""
        ts = event[0]
        return ts - ts % self.window + self.window

    def on_event(self, state, event):
        if event[2]:
            ts = event[0]
            start = ts - ts % self.window  # windows are aligned to the epoch, as Spark's window()
            windows = state["w"]
            if windows and windows[-1][0] == start:
                windows[-1][1] += 1
            else:
                at = bisect_left(windows, start, key=_START)  # an older event may reopen no closed window
                if at < len(windows) and windows[at][0] == start:
                    windows[at][1] += 1
                else:
                    windows.insert(at, [start, 1])
        return []

    def on_time(self, state, now):
        windows = state["w"]
        out = []
        while windows and windows[0][0] + self.window <= now:
            start, count = windows.pop(0)
            if count >= self.threshold:
                out.append((start, start + self.window, count))
        return out

    def next_time(self, state):
        windows = state["w"]
        return windows[0][0] + self.window if windows else None


class Velocity:
    """Event fields: match flag, value. State: [ts, value] of matching events in the window, re-arm flag."""

    Params = VelocityParams

    id_from = None
    timed = False  # no deadlines: the driver skips its timer checks

    def __init__(self, params):
        self.window = params.window
        self.sum = params.metric == "sum"
        self.rate_threshold = params.rate_threshold
        self.units = params.window / params.per  # window length in `per` units

    def new_state(self):
        return {"q": [], "a": True}

    def size(self, state):
        return len(state["q"])

    def on_event(self, state, event):
        if not event[2]:
            return []
        ts = event[0]
        window = state["q"]
        window.append([ts, event[3]])
        limit = ts - self.window
        cut = 0
        while window[cut][0] <= limit:
            cut += 1
        if cut:
            del window[:cut]
        if self.sum:
            metric = math.fsum(v for _, v in window if v is not None)  # exact, so order never matters
        else:
            metric = float(len(window))
        rate = metric / self.units
        if rate < self.rate_threshold:
            state["a"] = True
            return []
        if not state["a"]:
            return []
        state["a"] = False
        return [(limit, ts, metric, rate)]

    def on_time(self, state, now):
        return []

    def next_time(self, state):
        return None

