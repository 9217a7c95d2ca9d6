"""Backtests in the engine: the fast path equals the replayer's micro-batch mode, typed expressions equal the
engine's, buckets, keys, time ranges, overrides and the `lakestream backtest` command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.backtest_data import pipeline_document, write_files
from lakestream.cep.backtest import Backtester, TypedCompiler, event_files, fast_micros, with_overrides
from lakestream.cep.engine import to_micros
from lakestream.sparksql.evaluator import ExpressionCompiler
from lakestream.errors import UserError
from lakestream.pipeline import load_pipeline

FILTERED = {"id": "big", "type": "filter", "label": "Not FR", "position": {"x": 0, "y": 0},
            "config": {"condition": "country <> 'FR' AND merchant LIKE 'm1%'"}}


def filtered_document(**kwargs) -> dict:
    """source -> filter -> count threshold."""
    doc = pipeline_document(**kwargs)
    doc["nodes"].append(FILTERED)
    doc["edges"] = [{"id": "e0", "source": "payments", "target": "big"}, {"id": "e1", "source": "big", "target": "burst"},
                    {"id": "e2", "source": "burst", "target": "alerts"}]
    return doc


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("events")
    write_files(folder, 6000, files=3, per_second=1, cards=40)  # 100 minutes, 40 cards
    return event_files([folder])


def general(doc, files, monkeypatch, **kwargs):
    """The same backtest through the replayer's micro-batch mode (no fast path)."""
    with monkeypatch.context() as patch:
        patch.setattr(Backtester, "_chain", lambda self, nid: None)
        return Backtester(doc).run({"payments": files}, **kwargs)


@pytest.mark.parametrize("make", [pipeline_document, filtered_document], ids=["source", "filter"])
def test_fast_path_equals_the_replayer(make, files, monkeypatch):
    doc = load_pipeline(make(condition="amount > 300", threshold=2))
    fast = Backtester(doc).run({"payments": files}, samples=10_000)
    assert fast.fast
    slow = general(doc, files, monkeypatch, samples=10_000)
    assert not slow.fast
    assert fast.nodes["burst"].detections > 20
    assert fast.to_json()["nodes"] == slow.to_json()["nodes"]
    assert fast.events == slow.events == 6000


def test_a_file_that_does_not_decode_strictly_is_read_as_replay_reads_it(files, tmp_path, monkeypatch):
    lines = files[0].read_text().splitlines()
    row = json.loads(lines[5])
    row["amount"] = str(row["amount"])  # a number as text: coerce() casts it; the typed decoder refuses it
    lines[5] = json.dumps(row)
    odd = tmp_path / files[0].name
    odd.write_text("\n".join(lines) + "\n")
    doc = load_pipeline(pipeline_document(condition="amount > 300", threshold=2))
    mixed = [odd, *files[1:]]
    assert Backtester(doc).run({"payments": mixed}).to_json()["nodes"] == \
        general(doc, mixed, monkeypatch).to_json()["nodes"]


def test_buckets_keys_and_samples(files):
    doc = load_pipeline(pipeline_document(condition="amount > 300", threshold=2))
    result = Backtester(doc).run({"payments": files}, by="hour", top=3, samples=4)
    node = result.nodes["burst"]
    assert node.time_column == "window_end"
    assert sum(node.buckets.values()) == node.detections
    assert list(node.buckets) == sorted(node.buckets) and all(b.endswith(":00:00") for b in node.buckets)
    assert len(node.buckets) >= 2
    assert len(node.top_keys) == 3 and node.top_keys[0][1] >= node.top_keys[-1][1]
    assert len(node.samples) == 4 and set(node.samples[0]) == set(node.columns)
    per_day = Backtester(doc).run({"payments": files}, by="day").nodes["burst"]
    assert per_day.buckets == {"2026-03-01 00:00:00": node.detections}


def test_time_range(files, monkeypatch):
    doc = load_pipeline(pipeline_document(condition="amount > 300", threshold=2))
    window = {"start": "2026-03-01T00:30:00", "end": "2026-03-01 01:00:00"}
    result = Backtester(doc).run({"payments": files}, samples=1000, **window)
    assert result.to_json()["nodes"] == general(doc, files, monkeypatch, samples=1000, **window).to_json()["nodes"]
    starts = [s["window_start"] for s in result.nodes["burst"].samples]
    assert starts and all("2026-03-01 00:20:00" <= s < "2026-03-01 01:00:00" for s in starts)
    with pytest.raises(UserError, match="--from 'soon' is not a timestamp"):
        Backtester(doc).run({"payments": files}, start="soon")


OPERATORS = [">", ">=", "<", "<=", "=", "<>", "!="]
LITERALS = ["3", "2.5", "1e2", "-7", "0.1"]
VALUES = [None, 3, 3.0, 2.5, -7, 100.0, 0.1, 1e300, math.inf, -math.inf, math.nan, 0]


@pytest.mark.parametrize("kind", ["double", "bigint"])
def test_typed_expressions_equal_the_engine(kind):
    class Row:
        def __init__(self, x):
            self.x = x

        def get(self, name, default=None):
            return getattr(self, name, default)

    checked = 0
    for op in OPERATORS:
        for literal in LITERALS:
            for text in (f"x {op} {literal}", f"{literal} {op} x", f"coalesce((x {op} {literal}), false)"):
                typed = TypedCompiler({"x": kind}, True, "_t").function(text)
                plain = ExpressionCompiler(["x"]).function(text)
                for value in VALUES:
                    if kind == "bigint" and isinstance(value, float):
                        continue
                    assert typed(Row(value)) == plain({"x": value}), (text, value)
                    checked += 1
    assert checked >= 420


def test_fast_timestamps_equal_to_micros():
    texts = ["2026-03-01T08:00:00", "2026-03-01 08:00:00Z", "2026-03-01T24:00:00", "2026-02-30T00:00:00",
             "2026-3-1T08:00:00", "2026-03-01T08:00:00.250Z", "2026-03-01", "2026-03-01T08:00:0a", "soon",
             "２０２６-03-01T08:00:00", "2026-03-01T08:00:00 UTC", "0001-01-01T00:00:00", "9999-12-31 23:59:59"]
    for text in texts:
        assert fast_micros(text) == to_micros(text), text


def test_overrides():
    doc = load_pipeline(filtered_document())
    changed = with_overrides(doc, ["burst.threshold=5", "big.condition=amount > 1", "burst.key_columns=[\"merchant\"]"])
    assert changed.node("burst").parsed.threshold == 5
    assert changed.node("big").parsed.condition == "amount > 1"
    assert list(changed.node("burst").parsed.key_columns) == ["merchant"]
    assert doc.node("burst").parsed.threshold == 3  # the original is untouched
    for bad, message in [("burst=5", "write NODE.FIELD=VALUE"), ("nope.threshold=5", "no node 'nope'"),
                         ("burst.steps[3].condition=a", "has no 'steps"), ("burst.threshold=-4", "invalid")]:
        with pytest.raises(UserError, match=message.replace("[", r"\[")):
            with_overrides(doc, [bad])


def _cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lakestream", *args], capture_output=True, text=True, timeout=300)


def test_cli_compares_two_thresholds(files, tmp_path):
    path = tmp_path / "p.lakestream.json"
    path.write_text(json.dumps(pipeline_document(condition="amount > 300", threshold=2)))
    folder = str(files[0].parent)
    done = _cli("backtest", str(path), "--events", folder, "--set", "burst.threshold=4", "--json")
    assert done.returncode == 0, done.stderr
    both = json.loads(done.stdout)
    low, high = both["current"]["nodes"]["burst"], both["burst.threshold=4"]["nodes"]["burst"]
    doc = load_pipeline(path.read_text())
    expected = [Backtester(with_overrides(doc, [f"burst.threshold={t}"])).run({"payments": files}).nodes["burst"]
                for t in (2, 4)]
    assert (low["detections"], high["detections"]) == (expected[0].detections, expected[1].detections)
    assert low["detections"] != high["detections"] and min(low["detections"], high["detections"]) > 0
    text = _cli("backtest", str(path), "--events", folder, "--set", "burst.threshold=4")
    assert text.returncode == 0, text.stderr
    assert f"current: {low['detections']:,} detection(s); burst.threshold=4: {high['detections']:,} detection(s)" \
        in text.stdout
    other = tmp_path / "other.lakestream.json"
    other.write_text(json.dumps(pipeline_document(condition="amount > 300", threshold=4)))
    compared = _cli("backtest", str(path), "--events", folder, "--compare", str(other), "--by", "day")
    assert compared.returncode == 0, compared.stderr
    assert f"compared ({other}): {high['detections']:,} detection(s)" in compared.stdout


def test_cli_errors(tmp_path, files):
    path = tmp_path / "p.lakestream.json"
    path.write_text(json.dumps(pipeline_document()))
    for args, message in [(["--events", str(tmp_path / "none")], "no such events file or folder"),
                          ([], "give the events with --events"),
                          (["--events", str(files[0]), "--node", "alerts"], "'alerts' is not a pattern node")]:
        done = _cli("backtest", str(path), *args)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"card_id": "c1", "amount": 5, "ts": "2026-03-01T00:00:00Z"}\nnot json\n')
    done = _cli("backtest", str(path), "--events", str(bad))
    assert done.returncode == 1 and "line 2 is not JSON" in done.stderr, done.stderr


def test_versions_to_compare(tmp_path, files):
    from lakestream.cep.backtest import run_backtests, variants
    from lakestream.store import open_store

    store = open_store("local", home=tmp_path / "store")
    first = store.create(load_pipeline(pipeline_document(condition="amount > 300", threshold=2)))
    second = store.save(with_overrides(first, ["burst.threshold=4"]), first.version)
    chosen = variants(second, store, "version", f"v{first.version}")
    assert [label for label, _ in chosen] == ["current", f"version {first.version}"]
    assert chosen[1][1].node("burst").parsed.threshold == 2
    assert variants(second, store, "override", "burst.threshold=3; burst.window=5 minutes")[1][0] == \
        "burst.threshold=3; burst.window=5 minutes"
    for mode, value, message in [("version", "x", "number of a saved version"), ("override", " ", "NODE.FIELD=VALUE")]:
        with pytest.raises(UserError, match=message):
            variants(second, store, mode, value)
    shares = []
    done = run_backtests(chosen, [str(files[0].parent)], "hour", shares.append, lambda: False)
    assert [r.nodes["burst"].detections for _, r in done] == \
        [Backtester(d).run({"payments": files}).nodes["burst"].detections for _, d in chosen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    from lakestream.cep.backtest import Cancelled

    with pytest.raises(Cancelled):
        run_backtests(chosen, [str(files[0].parent)], "hour", shares.append, lambda: True)
