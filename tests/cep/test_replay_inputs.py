"""Hostile event files: each gives one clear line naming where (or is read as Spark would), never a crash."""

from __future__ import annotations

import json
import math

import pytest

from lakestream.cep.replay import MAX_DEPTH, MAX_DIGITS, MAX_FIELD, parse_events, replay
from lakestream.cep.timeline import build_timeline, load_sample
from lakestream.cli import main
from lakestream.errors import UserError
from lakestream.pipeline import load_pipeline
from tests.core.factories import linear_document

ROW = '{"card_id": "c1", "amount": AMOUNT, "ts": TS}'


def line(amount: str = "150", ts: str = '"2026-01-01 00:00:00"') -> str:
    return ROW.replace("AMOUNT", amount).replace("TS", ts)


def run(tmp_path, capsys, text: str, suffix: str = ".jsonl") -> tuple[int, str, str]:
    (tmp_path / "p.json").write_text(json.dumps(linear_document()))
    events = tmp_path / f"events{suffix}"
    events.write_text(text)
    code = main(["replay", str(tmp_path / "p.json"), "--events", str(events), "--node", "n2", "--json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "message"), [
    (line() + "\n" + line("9" * 5000) + "\n",
     f"line 2: the number 99999999999999999999… has 5,000 digits; a number may have at most {MAX_DIGITS:,}"),
    (line(ts="1e20") + "\n", "event 1: ts = 1e+20 is not a timestamp"),
    (line(ts="9" * 30) + "\n", f"event 1: ts = {'9' * 30} is not a timestamp"),
    (line() + "\n\n" + '{"card_id": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
     f"line 3 is nested too deeply: at most {MAX_DEPTH} levels of arrays and objects"),
    ('{"card_id": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}\n",
     f"line 1 is nested too deeply: at most {MAX_DEPTH} levels of arrays and objects"),
    (line(amount="1e") + "\n", "line 1 is not JSON (Expecting ',' delimiter); write one JSON object per line"),
])
def test_the_cli_names_the_line_or_event(tmp_path, capsys, text, message):
    code, _, err = run(tmp_path, capsys, text)
    assert code == 1 and err.startswith("lakestream: ") and err.rstrip().endswith(message), err


def test_an_integer_too_large_for_a_double_reads_as_infinity_as_in_spark(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, line("9" * 400) + "\n")
    assert code == 0, err
    [row] = json.loads(out)["outputs"]["n2"]["rows"]
    assert row[1] == math.inf  # the filter amount > 100 holds for it


def test_a_csv_field_over_128_kib_is_data(tmp_path, capsys):
    big = "x" * 300_000
    code, out, err = run(tmp_path, capsys, f"card_id,amount,ts\n{big},150,2026-01-01 00:00:00\n", ".csv")
    assert code == 0, err
    assert json.loads(out)["outputs"]["n2"]["rows"][0][0] == big


def test_a_csv_field_past_16_mib_names_its_line(tmp_path, capsys):
    huge = "x" * (MAX_FIELD + 1)
    code, _, err = run(tmp_path, capsys, f"card_id,amount,ts\nc1,150,2026-01-01\n{huge},150,2026-01-01\n", ".csv")
    assert code == 1 and err.rstrip().endswith(
        "line 3: not CSV (field larger than field limit of 16,777,216 characters)"), err[-300:]


def test_parse_events_keeps_big_but_readable_values():
    rows = parse_events(line("9" * MAX_DIGITS) + "\n" + '{"x": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}")
    assert rows[0]["amount"] == int("9" * MAX_DIGITS) and len(rows) == 2


def test_the_timeline_sample_says_the_same_and_the_replay_never_raises():
    pipeline = load_pipeline(linear_document())
    with pytest.raises(UserError) as caught:
        load_sample(pipeline, "n1", line(ts="1e20"))
    assert str(caught.value) == "the sample for Payments, event 1: ts = 1e+20 is not a timestamp"
    with pytest.raises(UserError) as caught:
        load_sample(pipeline, "n1", line("9" * 5000))
    assert "line 1: the number 99999999999999999999… has 5,000 digits" in str(caught.value)
    rows = [{"card_id": "c1", "amount": 10 ** 400, "ts": "2026-01-01 00:00:00"}]
    timeline = build_timeline(pipeline, "n3", {"n1": rows})
    assert not timeline.error, timeline.message
    assert replay(pipeline, {"n1": rows}, "n2").outputs["n2"].rows[0]["amount"] == math.inf
