"""Templates render values as data, JSON templates keep their structure, records fit Spark types."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from lakestream.connectors.placeholders import is_json_template, placeholders, render, render_json_text

HOSTILE = ["'", '"', '"""', "\\", "line1\nline2", "'); DROP TABLE x; --", "{{ }}", "${x}", "{card}", "ü€😀"]


def test_render_replaces_columns_and_keeps_other_braces():
    template = "Card {card} spent {amount} {{literal}} {not a placeholder} {missing}"
    assert placeholders(template) == ["card", "amount", "missing"]
    assert render(template, {"card": "c1", "amount": 12.5}) == "Card c1 spent 12.5 {literal} {not a placeholder} "


def test_render_cannot_reach_attributes_or_format_specs():
    row = {"card": "c1"}
    assert render("{card.__class__} {card[0]} {card!r} {card:>10}", row) == "{card.__class__} {card[0]} {card!r} {card:>10}"


@pytest.mark.parametrize("value", HOSTILE)
def test_values_are_inserted_verbatim_and_never_re_expanded(value):
    assert render("<{v}>", {"v": value, "card": "SHOULD NOT APPEAR"}) == f"<{value}>"


def test_values_read_naturally():
    row = {"ts": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "d": date(2026, 1, 2),
           "n": None, "dec": Decimal("1.50"), "nested": {"a": [1, 2]}}
    assert render("{ts}|{d}|{n}|{dec}|{nested}", row) == '2026-01-02 03:04:05+00:00|2026-01-02||1.50|{"a": [1, 2]}'


@pytest.mark.parametrize("value", HOSTILE + [12.5, True, None, {"a": [1]}])
def test_json_text_template_stays_valid_json_whatever_the_values(value):
    template = '{{"text": "Alert for {card} \\"{card}\\"", "amount": {amount}, "tags": [{card}, 1], "raw": "{{x}}"}}'
    assert is_json_template(template)
    rendered = json.loads(render_json_text(template, {"card": value, "amount": 7}))
    shown = render("{v}", {"v": value})
    assert rendered == {"text": f'Alert for {shown} "{shown}"', "amount": 7, "tags": [value, 1], "raw": "{x}"}


def test_templates_that_are_not_json_are_text():
    assert not is_json_template("Card {card} spent {amount}")
    assert not is_json_template("{card}: {{broken")
    assert is_json_template("{amount}")


def test_retry_policy_backs_off_and_honours_retry_after():
    from lakestream.connectors.retry import Permanent, RetryPolicy, Transient, call_with_retries

    policy = RetryPolicy(retries=3, backoff=0.5, max_delay=3)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3]
    assert policy.delay(1, retry_after=2.5) == 2.5 and policy.delay(1, retry_after=60) == 3
    waits, outcomes = [], [Transient("busy", retry_after=2), Transient("busy"), "done"]

    def action():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert call_with_retries(action, policy, sleep=waits.append) == ("done", 3)
    assert waits == [2, 1.0]
    with pytest.raises(Permanent) as caught:
        call_with_retries(lambda: (_ for _ in ()).throw(Permanent("no")), policy, sleep=waits.append)
    assert caught.value.attempts == 1


def test_json_cannot_carry_nan_or_infinity():
    from lakestream.connectors.placeholders import to_json

    row = {"x": float("nan"), "y": float("inf"), "nested": {"z": [float("-inf"), 1.5]}}
    assert json.loads(render_json_text('{{"x": {x}, "y": "{y}"}}', row)) == {"x": None, "y": "inf"}
    assert json.loads(to_json(row)) == {"x": None, "y": None, "nested": {"z": [None, 1.5]}}
