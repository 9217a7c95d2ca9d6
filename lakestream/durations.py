"""Durations as users write them ("10 minutes", "30 s", "48 hours"), parsed and normalised."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS: dict[str, tuple[str, timedelta]] = {}
for _names, _canonical, _delta in (
    (("ms", "msec", "millisecond", "milliseconds"), "millisecond", timedelta(milliseconds=1)),
    (("s", "sec", "secs", "second", "seconds"), "second", timedelta(seconds=1)),
    (("m", "min", "mins", "minute", "minutes"), "minute", timedelta(minutes=1)),
    (("h", "hr", "hrs", "hour", "hours"), "hour", timedelta(hours=1)),
    (("d", "day", "days"), "day", timedelta(days=1)),
    (("w", "week", "weeks"), "week", timedelta(weeks=1)),
):
    for _name in _names:
        _UNITS[_name] = (_canonical, _delta)

_PATTERN = re.compile(r"^\s*(\d+)\s*([a-zA-Z]+)\s*$")

EXAMPLE = "a whole number and a unit, like '30 seconds', '10 minutes', '48 hours' or '1 day'"
MAX_DAYS = 36_500  # about 100 years: past any watermark or match window, and far inside what timedelta,
# Spark's intervals (int days, long microseconds) and timer arithmetic can hold
MAX = timedelta(days=MAX_DAYS)


def parse_duration(text: str) -> timedelta:
    """Return the duration `text` stands for; raise ValueError saying what a valid one looks like."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{_shown(text) if isinstance(text, str) else repr(text)} is not a duration: write {EXAMPLE}")
    digits = match.group(1).lstrip("0") or "0"
    amount = int(digits) if len(digits) <= 12 else None  # int() of thousands of digits is slow, then refused
    if amount == 0:
        raise ValueError(f"{_shown(text)} is not a duration: it must be longer than zero ({EXAMPLE})")
    unit = _UNITS[match.group(2).lower()][1]
    if amount is None or amount > MAX // unit:
        raise ValueError(f"{_shown(text)} is too long: a duration is at most {MAX_DAYS:,} days (about 100 years)")
    return amount * unit


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def normalise_duration(text: str) -> str:
    """Return the canonical spelling of a duration: '10 minutes', '1 hour'."""
    duration = parse_duration(text)
    match = _PATTERN.match(text)
    assert match is not None
    unit, size = _UNITS[match.group(2).lower()]
    amount = duration // size
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def duration_seconds(text: str) -> float:
    """Return the duration in seconds (fractions for milliseconds)."""
    return parse_duration(text).total_seconds()
