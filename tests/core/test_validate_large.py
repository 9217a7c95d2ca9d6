"""Validation of the 1,000-node benchmark pipeline, damaged in every way validation reports, pinned exactly.

The expected counts and digest were computed by the validation code before its speed-up (commit b8b68dd),
so any change to an issue's code, message, field, hint, severity or order fails here.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from benchmarks.synthetic import synthetic_document
from lakestream.sparksql import evaluator as expr
from lakestream.pipeline import load_pipeline
from lakestream.validate import validate


def damaged_document() -> dict:
    """The benchmark's 1,000-node pipeline with, in some of its 100 blocks, one kind of mistake each."""
    doc = json.loads(json.dumps(synthetic_document(1000)))  # no list shared between nodes
    nodes = {n["id"]: n for n in doc["nodes"]}
    edges = {e["id"]: e for e in doc["edges"]}

    def config(block: int, name: str) -> dict:
        return nodes[f"b{block}_{name}"]["config"]

    def steps(block: int) -> list[dict]:
        return config(block, "seq")["steps"]

    config(1, "f1")["condition"] = "amount > 'x"  # not closed
    config(2, "f2")["condition"] = ""
    config(3, "f3")["condition"] = "amount >"
    config(4, "f5")["condition"] = "SELECT 1"
    config(5, "f1")["conditon"] = "typo"  # unknown key
    del config(6, "sink1")["table"]  # missing
    config(7, "sink2")["table"] = "not a table"
    config(8, "seq")["within"] = "soon"
    steps(9)[1]["name"] = "2big"
    steps(10)[1]["name"] = "small"  # duplicate step
    config(11, "seq")["steps"] = steps(11)[:1]  # too short
    config(12, "f1")["condition"] = "amout > 12"  # unknown column, close match
    config(13, "f2")["condition"] = "zzz = 'C13' AND qqq < 1"  # unknown, no close match
    config(14, "seq")["key_columns"] = ["card", "merchant"]
    config(15, "seq")["event_time_column"] = "amount"  # not a timestamp
    steps(16)[0]["condition"] = "exists(array(amount), x -> x > 16) AND t.amount > 1"  # lambda, qualified
    steps(17)[1]["condition"] = "rand() > 0.5"  # the pattern engine cannot replay it
    steps(18)[0]["condition"] = "upper(merchant) = 'M18' AND amount IN (1, 2, 3)"
    config(19, "src")["schema"].append({"name": "extra", "type": "string"})
    edges["b19_e5"]["source"] = "b18_f3"  # union inputs with other columns
    config(20, "src")["schema"][2]["type"] = "string"
    edges["b20_e6"]["source"] = "b21_f1"  # union inputs with incompatible types
    edges["b22_e9"]["source"] = "b22_missing"  # dangling
    edges["b23_e10"]["target"] = "b23_src"  # into a source
    edges["b24_e11"]["source_port"] = "nope"
    edges["b25_e11"]["target_port"] = "side"
    edges["b26_e0"]["target"] = "b26_src"  # self loop
    doc["edges"].append(dict(edges["b27_e1"], id="b27_dup"))  # duplicate
    edges["b28_e4"]["target"] = "b28_f1"  # two inputs into a filter, union with three
    doc["edges"].append({"id": "b29_back", "source": "b29_f4", "target": "b29_f1",
                         "source_port": "out", "target_port": "in"})  # cycle
    doc["edges"] = [e for e in doc["edges"] if e["id"] not in ("b30_e9", "b31_e11")]  # dead end, orphan
    doc["edges"] = [e for e in doc["edges"] if not (e["id"].startswith("b32_") and e["id"] != "b32_e0")]
    nodes["b33_f3"]["label"] = ""  # named by its type
    doc["edges"] = [e for e in doc["edges"] if e["id"] != "b33_e5"]
    doc["nodes"].append({"id": "lonely", "type": "filter", "config": {"condition": "x > 1"}})
    doc["code_target"] = "sdp-sql"  # sequences are SSS only
    return doc


def _digest(issues) -> str:
    text = json.dumps([i.to_dict() for i in issues], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


EXPECTED_COUNTS = {
    'error column.unknown': 4,
    'error config.invalid': 11,
    'error edge.dangling': 1,
    'error edge.port': 4,
    'error edge.self': 1,
    'error graph.cycle': 1,
    'error pattern.event_time_type': 1,
    'error port.arity': 3,
    'error port.unconnected': 15,
    'error target.unsupported': 100,
    'error union.columns': 1,
    'error union.types': 1,
    'warning edge.duplicate': 1,
    'warning node.dead_end': 7,
    'warning node.orphan': 12,
    'warning pattern.replay_expression': 2,
}
EXPECTED_DIGEST = "ca1000ec53f9cf58a8f876501615bce85632e33a114f675ab8de3589a9dc15ea"  # every field, in order


def _cold_issues(document: dict):
    expr.clear_caches()
    return validate(load_pipeline(json.dumps(document)))


def test_damaged_large_pipeline_issues_are_pinned():
    issues = _cold_issues(damaged_document())
    counts = Counter(f"{i.severity} {i.code}" for i in issues)
    assert dict(counts) == EXPECTED_COUNTS
    assert _digest(issues) == EXPECTED_DIGEST
    by_node = {(i.node_id, i.code): i for i in issues}
    assert by_node["b12_f1", "column.unknown"].hint == "Did you mean 'amount'?"
    assert by_node["b20_u", "union.types"].message == "Column 'amount' has incompatible types: string, string, double, string"
    assert by_node["b33_f3", "node.dead_end"].message == "The output of Filter reaches no sink"


def test_warm_caches_give_the_same_issues_as_cold():
    document = damaged_document()
    cold = _cold_issues(document)
    warm = validate(load_pipeline(json.dumps(document)))
    assert warm == cold


def test_valid_large_pipeline_has_no_issue():
    assert _cold_issues(synthetic_document(1000)) == []
