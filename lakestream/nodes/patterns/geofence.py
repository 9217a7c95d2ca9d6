"""Geofence: entering, leaving or dwelling inside a circle or polygon, per key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from lakestream.cep.runtime.params import GeofenceParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration, Model
from lakestream.nodes.patterns.common import (
    PatternConfig, at, double, event_time_checks, key_schema, micros, numeric_checks, per_key,
)

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class Circle(Model):
    kind: Literal["circle"] = Field("circle", description="A circle around a centre point")
    center_lat: Latitude = Field(description="Latitude of the centre, in degrees")
    center_lon: Longitude = Field(description="Longitude of the centre, in degrees")
    radius_m: float = Field(gt=0, description="Radius in metres")


class Polygon(Model):
    kind: Literal["polygon"] = Field("polygon", description="A polygon given by its corners")
    vertices: tuple[tuple[Latitude, Longitude], ...] = Field(
        min_length=3, description="Corners as [lat, lon] pairs, in order (at least 3)"
    )


class Config(PatternConfig):
    lat_column: ColumnName = Field(description="Column with the latitude in degrees")
    lon_column: ColumnName = Field(description="Column with the longitude in degrees")
    shape: Annotated[Union[Circle, Polygon], Field(discriminator="kind")] = Field(
        description="The fence: a circle (centre and radius) or a polygon"
    )
    trigger: Literal["enter", "exit", "dwell"] = Field(description="What to report: entering, leaving, or staying")
    dwell_time: Duration | None = Field(None, description="How long a key must stay inside (trigger = dwell)")

    @model_validator(mode="after")
    def _dwell(self):
        if self.trigger == "dwell" and not self.dwell_time:
            raise ValueError("trigger = dwell needs dwell_time (how long a key must stay inside)")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("event", "string"),
        Column("ts", "timestamp"),
        Column("lat", "double"),
        Column("lon", "double"),
    )


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs)
    yield from numeric_checks(config, inputs, "lat_column")
    yield from numeric_checks(config, inputs, "lon_column")


DOCS = """\
Inside = haversine distance (earth radius 6,371,008.8 m) <= radius_m, or point in polygon by ray
casting with points on an edge or corner counting as inside. Each key starts outside. Events with
NULL lat or lon are ignored. enter: one ENTER row at each outside->inside event; exit: one EXIT row
at each inside->outside event; dwell: one DWELL row per stay, once the key has been inside
continuously for dwell_time: at the first event at or after entry + dwell_time, or by timer when
the watermark passes entry + dwell_time (ts = entry + dwell_time, lat/lon of the last event).
Events are processed in event-time order once the watermark reaches them; late events dropped.
match_id is `<key values joined by '|'>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'lat_column': 'lat',
    'lon_column': 'lon',
    'shape': {'kind': 'circle', 'center_lat': 52.37, 'center_lon': 4.9, 'radius_m': 500},
    'trigger': 'enter',
}

def bind(c: Config) -> Bound:
    params = GeofenceParams(shape=c.shape.model_dump(mode="json"), trigger=c.trigger, dwell_time=micros(c.dwell_time))
    return Bound(params, c.key_columns, {"in": (double(c.lat_column), double(c.lon_column))})


EXAMPLE_ROWS = (
    ("in", "card_id:string lat:double lon:double ts:timestamp", (
        ('c1', 52.4, 4.9, at("10:00")), ('c1', 52.371, 4.901, at("10:05")), ('c2', 52.5, 4.8, at("10:05")),
        ('c1', 52.372, 4.902, at("10:06")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"lat_column": "value", "lon_column": "value", "trigger": "dwell", "dwell_time": "30 seconds",
          "shape": {"kind": "circle", "center_lat": 0, "center_lon": 0, "radius_m": 1000}}, 1),),
    watermark="A dwell fires when the watermark passes entry time + dwell_time.",
)


NODE = NodeType(
    type="geofence",
    name="Geofence",
    category=Category.PATTERN,
    description="Detects keys entering, leaving or staying inside a circle or polygon.",
    icon="fence",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="inside/outside state per key (and a dwell timer)",
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
