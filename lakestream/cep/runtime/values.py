"""Value patterns: trends (runs of rising, falling or flat values) and outliers against a baseline."""

from __future__ import annotations

import math

from .params import OutlierParams, TrendParams


class Trend:
    """Event fields: value. State: the current run's start, first and previous value, length, emitted."""

    Params = TrendParams

    id_from = None
    timed = False  # no deadlines: the driver skips its timer checks

    def __init__(self, params):
        self.direction = params.direction
        self.length = params.length
        self.change = params.min_change_percent / 100.0
        self.tolerance = params.tolerance_percent / 100.0

    def new_state(self):
        return {"n": 0, "s": None, "f": None, "p": None, "e": False}

    def size(self, state):
        return 1

    def _continues(self, state, value):
        previous = state["p"]
        if self.direction == "up":
            return value > previous + abs(previous) * self.change
        if self.direction == "down":
            return value < previous - abs(previous) * self.change
        first = state["f"]
        return abs(value - first) <= abs(first) * self.tolerance

    def on_event(self, state, event):
        value = event[2]
        if value is None:
            return []
        ts = event[0]
        if state["n"] and self._continues(state, value):
            state["n"] += 1
        else:
            state.update(n=1, s=ts, f=value, e=False)
        state["p"] = value
        if state["n"] >= self.length and not state["e"]:
            state["e"] = True
            return [(self.direction, state["s"], ts, state["f"], value, state["n"])]
        return []

    def on_time(self, state, now):
        return []

    def next_time(self, state):
        return None


def quantile(ordered, q):
    """Linear interpolation between closest ranks (numpy's default) of a sorted list."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(ordered):
    return quantile(ordered, 0.5)


class Outlier:
    """Event fields: value. State: [ts, value] of the key's events inside the baseline window."""

    Params = OutlierParams

    id_from = None
    timed = False  # no deadlines: the driver skips its timer checks

    def __init__(self, params):
        self.window = params.baseline_window
        self.method = params.method
        self.threshold = params.threshold
        self.min_samples = params.min_samples

    def new_state(self):
        return {"q": []}

    def size(self, state):
        return len(state["q"])

    def score(self, baseline, x):
        """The outlier score of x against the baseline values, or None when it cannot alert."""
        if self.method == "zscore":
            n = len(baseline)
            mean = math.fsum(baseline) / n
            std = math.sqrt(math.fsum((v - mean) ** 2 for v in baseline) / n)
            return abs(x - mean) / std if std > 0 else None
        ordered = sorted(baseline)
        if self.method == "iqr":
            q1, q3 = quantile(ordered, 0.25), quantile(ordered, 0.75)
            spread = q3 - q1
            if spread <= 0:
                return None
            return max(q1 - x, x - q3, 0.0) / spread
        center = median(ordered)
        mad = median(sorted(abs(v - center) for v in ordered))
        return abs(x - center) / (1.4826 * mad) if mad > 0 else None

    def on_event(self, state, event):
        x = event[2]
        if x is None:
            return []
        ts = event[0]
        window = state["q"]
        limit = ts - self.window
        cut = 0
        while cut < len(window) and window[cut][0] <= limit:
            cut += 1
        if cut:
            del window[:cut]
        baseline = [v for t, v in window if t < ts]  # earlier events only: (ts - window, ts)
        window.append([ts, x])
        if len(baseline) < self.min_samples:
            return []
        score = self.score(baseline, x)
        if score is None or score <= self.threshold:
            return []
        return [(ts, x, len(baseline), score)]

    def on_time(self, state, now):
        return []

    def next_time(self, state):
        return None
