"""Geofence: inside/outside a circle (haversine) or polygon (ray casting, boundary inside) per key."""

from __future__ import annotations

import math

from .params import GeofenceParams

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def in_polygon(lat, lon, vertices):
    """Point in polygon by ray casting on (lon, lat) as plane coordinates; points on an edge are inside."""
    inside = False
    n = len(vertices)
    for i in range(n):
        y1, x1 = vertices[i]
        y2, x2 = vertices[(i + 1) % n]
        cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
        if cross == 0 and min(x1, x2) <= lon <= max(x1, x2) and min(y1, y2) <= lat <= max(y1, y2):
            return True  # on the boundary
        if (y1 > lat) != (y2 > lat):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_at:
                inside = not inside
    return inside


class Geofence:
    """Event fields: lat, lon. State: inside or not, entry time, dwell emitted, last inside position."""

    Params = GeofenceParams

    id_from = None

    def __init__(self, params):
        shape = params.shape
        self.circle = shape if shape["kind"] == "circle" else None
        self.vertices = None if self.circle else [tuple(v) for v in shape["vertices"]]
        self.trigger = params.trigger
        self.dwell_time = params.dwell_time

    def contains(self, lat, lon):
        if self.circle:
            c = self.circle
            return haversine_m(c["center_lat"], c["center_lon"], lat, lon) <= c["radius_m"]
        return in_polygon(lat, lon, self.vertices)

    def new_state(self):
        return {"in": False, "entry": None, "dw": False, "lat": None, "lon": None}

    def size(self, state):
        return 1

    def on_event(self, state, event):
        ts, lat, lon = event[0], event[2], event[3]
        if lat is None or lon is None:
            return []
        inside = self.contains(lat, lon)
        was = state["in"]
        state["in"] = inside
        out = []
        if inside and not was:
            state["entry"], state["dw"] = ts, False
            if self.trigger == "enter":
                out.append(("ENTER", ts, lat, lon))
        elif was and not inside:
            state["entry"] = None
            if self.trigger == "exit":
                out.append(("EXIT", ts, lat, lon))
        if inside:
            state["lat"], state["lon"] = lat, lon
        return out

    def _deadline(self, state):
        if self.trigger != "dwell" or state["entry"] is None or state["dw"]:
            return None
        return state["entry"] + self.dwell_time

    def on_time(self, state, now):
        deadline = self._deadline(state)
        if deadline is None or deadline > now:
            return []
        state["dw"] = True
        return [("DWELL", deadline, state["lat"], state["lon"])]

    def next_time(self, state):
        return self._deadline(state)
