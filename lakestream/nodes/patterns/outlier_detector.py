"""Outlier: a value far from the key's recent baseline (z-score, IQR or MAD)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from lakestream.cep.runtime.params import OutlierParams
from lakestream.nodes.base import SSS_ONLY, Bound, Category, Column, Finding, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Duration
from lakestream.nodes.patterns.common import (
    PatternConfig, at, double, event_time_checks, key_schema, micros, numeric_checks, per_key,
)


class Config(PatternConfig):
    value_column: ColumnName = Field(description="Numeric column checked for outliers")
    baseline_window: Duration = Field(description="How far back the key's earlier events form the baseline")
    method: Literal["zscore", "iqr", "mad"] = Field(
        description="zscore, interquartile range, or median absolute deviation"
    )
    threshold: float = Field(gt=0, description="k: how many deviations (or IQRs) away counts as an outlier")
    min_samples: int = Field(10, ge=2, le=100_000, description="Fewest baseline events needed before alerting")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return key_schema(config, inputs) + (
        Column("ts", "timestamp"),
        Column("value", "double"),
        Column("baseline_n", "bigint"),
        Column("score", "double"),
    )


def checks(config: Config, inputs: Inputs) -> Iterator[Finding]:
    yield from event_time_checks(config, inputs)
    yield from numeric_checks(config, inputs, "value_column")


DOCS = """\
Baseline = values of the key's earlier events (processed before this one) with ts in
(e.ts - baseline_window, e.ts); events with a NULL value are ignored entirely. With at least
min_samples baseline values: zscore: score = |x - mean| / stddev (population), outlier when
score > k (stddev 0: no alert); iqr: quartiles by linear interpolation (numpy's default), outlier
when x < Q1 - k*IQR or x > Q3 + k*IQR, score = distance from the nearer quartile / IQR (IQR 0:
no alert, like a zero stddev); mad:
score = |x - median| / (1.4826 * MAD), outlier when score > k (MAD 0: no alert). Every outlier
is emitted, and it still joins the baseline of later events. match_id is `<key>#<n>`.
"""

EXAMPLE = {
    'key_columns': ['card_id'],
    'event_time_column': 'ts',
    'watermark_delay': '1 minute',
    'value_column': 'amount',
    'baseline_window': '1 hour',
    'method': 'zscore',
    'threshold': 3,
}

def bind(c: Config) -> Bound:
    params = OutlierParams(baseline_window=micros(c.baseline_window), method=c.method, threshold=c.threshold,
                           min_samples=c.min_samples)
    return Bound(params, c.key_columns, {"in": (double(c.value_column),)})


EXAMPLE_ROWS = (
    ("in", "card_id:string amount:double ts:timestamp", (
        ('c1', 10.0, at("10:00")), ('c1', 12.0, at("10:03")), ('c1', 9.0, at("10:06")), ('c1', 11.0, at("10:09")),
        ('c1', 10.0, at("10:12")), ('c1', 12.0, at("10:15")), ('c1', 11.0, at("10:18")), ('c1', 9.0, at("10:21")),
        ('c1', 10.0, at("10:24")), ('c1', 11.0, at("10:27")), ('c1', 250.0, at("10:30")), ('c1', 11.5, at("10:33")),
    )),
)

PATTERN = per_key(
    bind,
    EXAMPLE_ROWS,
    (({"value_column": "value", "baseline_window": "30 seconds", "method": "mad", "threshold": 3}, 31),),
)


NODE = NodeType(
    type="outlier_detector",
    name="Outlier",
    category=Category.PATTERN,
    description="Flags values far from the key's recent baseline (z-score, IQR or MAD).",
    icon="scatter_plot",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="keeps each key's recent values as the baseline",
    checks=checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
