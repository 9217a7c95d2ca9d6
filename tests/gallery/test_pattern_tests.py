"""The gallery's own pattern tests: every template ships the rows of its pattern nodes pinned; they are the rows
its sinks must produce, and `lakestream test` passes over every template (in the engine; on Spark for some)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lakestream.sparksql.runtime.sqlfuncs import to_timestamp
from lakestream.gallery import instantiate
from lakestream.graph import PipelineGraph
from lakestream.nodes.base import Category
from lakestream.schemas import propagate
from tests.gallery.templates import CARDS, IDS, canonical, document, expected_rows, python_row


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_every_pattern_node_has_pinned_rows(card):
    doc = document(card)
    patterns = {n.id for n in doc.nodes if n.spec.category is Category.PATTERN}
    assert patterns and set(doc.expectations) == patterns
    assert sum(len(rows) for rows in doc.expectations.values()) > 0


def test_pinned_rows_are_the_rows_the_sinks_must_produce():
    """Not a replay checked against itself: the pinned rows equal the hand-checked expected/<sink>.jsonl of every
    sink a pattern node feeds directly."""
    checked = 0
    for card in CARDS:
        doc = document(card)
        graph, schemas = PipelineGraph(doc), propagate(doc)
        for node_id, pinned in doc.expectations.items():
            stamps = {c.name for c in schemas[node_id] if c.type.startswith("timestamp")}
            rows = [{k: to_timestamp(v) if k in stamps else v for k, v in r.items() if v is not None}
                    for r in pinned]  # as the sink files hold them: timestamps as values, NULL columns absent
            for edge in graph.out_edges(node_id):
                sink = doc.node(edge.target)
                if sink.spec.category is not Category.SINK or not (card.expected / f"{sink.id}.jsonl").exists():
                    continue
                expected = [python_row(r) for r in expected_rows(card, sink.id)]
                if not set().union(set(), *map(set, expected)) <= {c.name for c in schemas[node_id]}:
                    continue  # a sink that reshapes rows: not the node's own rows
                assert canonical(rows) == canonical(expected), (card.folder.name, node_id, sink.id)
                checked += 1
    assert checked >= 10


def _lakestream_test(path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lakestream", "test", str(path), *args], capture_output=True,
                          text=True, timeout=900)


def test_lakestream_test_passes_over_every_template(tmp_path):
    for card in CARDS:
        path = tmp_path / f"{card.folder.name}.lakestream.json"
        path.write_text(instantiate(card).to_json(), encoding="utf-8")
        done = _lakestream_test(path, "--json")
        assert done.returncode == 0, (card.folder.name, done.stdout, done.stderr)
        report = json.loads(done.stdout)
        assert report["passed"] and {n["node_id"] for n in report["nodes"]} == set(document(card).expectations)


SPARK_TEMPLATES = ["security_threats", "sla_breach", "user_sessions"]


@pytest.mark.spark
@pytest.mark.parametrize("name", SPARK_TEMPLATES)
def test_lakestream_test_on_spark_passes_for_templates(name, tmp_path):
    card = next(c for c in CARDS if c.folder.name == name)
    path = tmp_path / f"{name}.lakestream.json"
    path.write_text(instantiate(card).to_json(), encoding="utf-8")
    done = _lakestream_test(path, "--spark")
    assert done.returncode == 0, (done.stdout, done.stderr[-3000:])
    assert f"{len(document(card).expectations)} passed, 0 failed (Spark)" in done.stdout
