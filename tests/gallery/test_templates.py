"""Every gallery template loads, validates, generates for each target it supports and replays to its expected rows."""

from __future__ import annotations

import pytest

from lakestream import gallery
from lakestream.cep.replay import PASS_THROUGH, ROW_TRANSFORMS, replay
from lakestream.cep.timeline import build_timeline, upstream_sources
from lakestream.change_feeds import change_plan
from lakestream.codegen import CodegenError, generate
from lakestream.codegen.golden import EXPLICIT_TARGETS
from lakestream.graph import PipelineGraph
from lakestream.nodes.base import Category
from lakestream.schemas import propagate
from lakestream.validate import validate
from tests.codegen.helpers import python_problems
from tests.gallery.templates import (
    CARDS,
    IDS,
    SERVICES_SINKS,
    canonical,
    document,
    expected_lines,
    expected_rows,
    python_row,
    sample_events,
    sinks,
    sources,
)

CATALOGUE = ["Card fraud", "Abandoned cart", "Predictive maintenance", "Real-time anomaly", "User sessions",
             "SLA breach", "Clickstream funnel", "Fleet monitoring", "Security threats", "Order to cash",
             "Device liveness", "Trading row pattern"]


def test_the_gallery_shows_every_template_with_its_industry():
    assert sorted(c.name for c in CARDS) == sorted(CATALOGUE)
    for card in CARDS:
        assert card.error is None and card.industry and card.description and card.node_count >= 3, card


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_template_validates_without_problems(card):
    doc = document(card)
    assert [(i.severity, i.node_id, i.message) for i in validate(doc) if i.severity != "info"] == []
    assert card.folder.name == card.path.name.removesuffix(".lakestream.json")
    assert len({(n.position.x, n.position.y) for n in doc.nodes}) == len(doc.nodes), "nodes overlap on the canvas"
    assert all(n.label for n in doc.nodes)


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_template_ships_sample_events_and_expected_rows(card):
    doc = document(card)
    events = sample_events(card, doc)
    assert all(10 <= len(rows) <= 60 for rows in events.values()), {s: len(r) for s, r in events.items()}
    for sink_id in sinks(doc):
        lines = expected_lines(card, sink_id)
        assert lines and lines == sorted(lines), f"{sink_id}: expected rows must be sorted as lakestream run writes"


@pytest.mark.parametrize("profile", ["databricks", "local"])
@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_template_generates_for_every_target_it_supports(card, profile):
    doc = document(card)
    chosen = generate(doc, "auto", profile)
    accepted = []
    for target in EXPLICIT_TARGETS:
        try:
            code = generate(doc, target, profile)
        except CodegenError as error:
            assert "cannot express this pipeline" in str(error), str(error)
            continue
        accepted.append(target)
        for path, generated in code.files.items():
            if generated.language == "python":
                assert python_problems(generated.text, path) == [], path
    assert chosen.target in accepted


def _replayable(doc, graph, node_id: str) -> bool:
    kinds = PASS_THROUGH | ROW_TRANSFORMS
    for nid in graph.upstream(node_id) | {node_id}:
        node = doc.node(nid)
        if node.spec.category is Category.SOURCE:
            continue
        if node.type not in kinds and (node.spec.category is not Category.PATTERN
                                       or node.type == "custom_stateful_processor"):
            return False
    return True


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_replay_of_the_sample_events_gives_the_expected_rows(card):
    doc = document(card)
    graph = PipelineGraph(doc)
    events = sample_events(card, doc)
    applies = change_plan(graph, propagate(doc, graph)).applies  # CDC applied to a table: Spark only
    checked = 0
    for sink_id in sinks(doc):
        (edge,) = graph.in_edges(sink_id)
        if sink_id in applies or not _replayable(doc, graph, edge.source):
            continue
        result = replay(doc, events, edge.source)
        assert result.late_events == 0
        rows = [{k: v for k, v in row.items() if v is not None} for row in result.outputs[edge.source].rows]
        assert canonical(rows) == canonical([python_row(r) for r in expected_rows(card, sink_id)]), sink_id
        checked += 1
    assert checked, "every template has at least one sink replay can reach"


def test_services_sinks_get_the_same_rows_as_their_table_sibling():
    """A services sink's expected file lists the rows it is sent: those of the Delta sink fed by the same node."""
    for card in CARDS:
        doc = document(card)
        graph = PipelineGraph(doc)
        feeder = {s: graph.in_edges(s)[0].source for s in sinks(doc)}
        for sink_id in sinks(doc):
            if doc.node(sink_id).type in SERVICES_SINKS:
                siblings = [s for s in sinks(doc) if feeder[s] == feeder[sink_id] and s != sink_id]
                for sibling in siblings:
                    assert expected_lines(card, sink_id) == expected_lines(card, sibling), (card.name, sink_id)


def test_instantiating_a_template_gives_a_new_unsaved_pipeline():
    card = CARDS[0]
    doc = gallery.instantiate(card)
    assert doc.version == 0 and doc.id != document(card).id and doc.nodes == document(card).nodes
    assert sources(doc)


def test_an_instantiated_template_carries_its_own_sample_events():
    for card in CARDS:
        doc = gallery.instantiate(card)
        assert doc.samples == sample_events(card, document(card)), card.name


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_every_pattern_node_shows_detections_on_the_templates_samples(card):
    """What the Timeline tab shows when a template is opened: its own samples, at least one detection per pattern."""
    doc = gallery.instantiate(card)
    patterns = [n for n in doc.nodes if n.spec.category is Category.PATTERN]
    assert patterns
    for node in patterns:
        timeline = build_timeline(doc, node.id)
        assert not timeline.error and timeline.sample == "loaded", (node.id, timeline.message)
        assert timeline.sample_sources == {doc.node(s).title: len(doc.samples[s]) for s in sources(doc)
                                           if s in upstream_sources(doc, node.id)}
        assert timeline.detections >= 1, (card.name, node.id, timeline.summary)


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_each_card_has_a_picture_of_its_graph(card):
    doc = document(card)
    picture = card.picture
    assert picture.startswith("<svg") and picture.endswith("</svg>")
    assert picture.count('class="ls-gp-node"') == len(doc.nodes)
    assert picture.count('class="ls-gp-edge"') == len(doc.edges)
    assert all(n.label not in picture for n in doc.nodes)  # no user text: nothing to escape


def test_search_matches_every_word_in_name_description_or_industry():
    fraud = next(c for c in CARDS if c.name == "Card fraud")
    assert fraud.matches("") and fraud.matches("CARD") and fraud.matches("fraud card")
    assert fraud.matches(fraud.industry.split()[0]) and not fraud.matches("card zebra")
    assert [c.name for c in CARDS if c.matches("sla breach")] == ["SLA breach"]
