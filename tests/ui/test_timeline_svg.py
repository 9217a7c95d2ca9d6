"""The timeline chart's SVG: lanes, markers and every user value escaped."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from lakestream.cep.timeline import Detection, Lane, Point, Timeline, build_timeline
from lakestream.node_examples import node_example
from lakestream.ui.timeline_svg import render

MARKUP = '<img src=x onerror="alert(1)">'


def test_every_user_value_is_escaped_and_the_svg_is_well_formed():
    row = {"card_id": MARKUP, "note": "</title><script>x</script>", "ts": "2024-05-01 10:00:00"}
    timeline = Timeline("n3", key_columns=["card_id"], ports=["in"], lanes=[Lane(MARKUP, [
        Point(1714557600.0, "2024-05-01 10:00:00", "in", False, row),
        Point(1714557660.0, "2024-05-01 10:01:00", "in", True, row)],
        [Detection(1714557660.0, "2024-05-01 10:01:00", MARKUP, row)])])
    svg = render(timeline)
    assert "<img" not in svg and "<script" not in svg and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in svg
    tree = ElementTree.fromstring(svg)  # parses: no markup leaked into the structure
    titles = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}title")]
    assert any("note = </title><script>x</script>" in t for t in titles)
    assert svg.count('class="ls-tl-event ls-tl-late"') == 1 and svg.count('class="ls-tl-detection"') == 1


def test_markers_match_the_timeline_and_two_inputs_get_a_legend_each():
    timeline = build_timeline(node_example("temporal_correlation").pipeline, "x")
    svg = render(timeline)
    assert svg.count('class="ls-tl-lane"') == len(timeline.lanes)
    assert svg.count('class="ls-tl-event"') == sum(len(lane.events) for lane in timeline.lanes)
    assert svg.count('class="ls-tl-detection"') == len(timeline.rows)
    assert "event on a" in svg and "event on b" in svg
    json.dumps(timeline.to_dict())


def test_nothing_to_place_renders_nothing():
    assert render(Timeline("x")) == ""
    assert render(build_timeline(node_example("filter").pipeline, "x")) == ""  # no timestamp column


def test_held_events_the_watermark_and_partial_matches_are_drawn_from_the_trace():
    from lakestream import gallery

    [card] = [c for c in gallery.list_templates() if c.name == "Clickstream funnel"]
    timeline = build_timeline(gallery.instantiate(card), "funnel")
    svg = render(timeline)
    tree = ElementTree.fromstring(svg)
    assert svg.count('class="ls-tl-event ls-tl-held"') == timeline.held_events == 1
    assert svg.count('class="ls-tl-wm"') == len(timeline.watermarks) > 1
    assert svg.count('class="ls-tl-wm-final"') == 1
    bands = [p for lane in timeline.lanes for p in lane.partials if len(p.steps) > 1]
    assert svg.count('class="ls-tl-partial"') == len(bands)
    assert {p.status for p in bands} == {"matched", "expired"}
    titles = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}title")]
    assert any("• step 2 'product': filled step 2 of the partial match (partial match 1)" in t for t in titles)
    assert any("HELD: waiting for the watermark to pass it" in t for t in titles)


def test_a_condition_value_with_markup_in_a_fate_is_escaped():
    row = {"card_id": "c1", "ts": "2024-05-01 10:00:00"}
    point = Point(1714557600.0, "2024-05-01 10:00:00", "in", False, row,
                  notes=[f"step 1 'a': kind = 'a' was false (kind = '{MARKUP}')"], steps=["1 a"])
    svg = render(Timeline("n3", key_columns=["card_id"], ports=["in"], lanes=[Lane("c1", [point])]))
    assert "<img" not in svg and "&lt;img" in svg
    ElementTree.fromstring(svg)
