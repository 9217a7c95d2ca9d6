"""The Timeline tab with NiceGUI's simulated user: the selected node replayed on example or pasted events."""

from __future__ import annotations

import asyncio
import json

from nicegui.elements.upload_files import SmallFileUpload

from lakestream import editing
from lakestream.cep.replay import jsonable, replay
from lakestream.node_examples import ENGINE_INPUTS
from lakestream.node_examples.pipeline import NODE_ID, example_pipeline, source_id
from lakestream.pipeline import load_pipeline
from tests.cep.test_replay import SEQUENCE_EVENTS
from tests.core.factories import linear_document

XSS = "<img src=x onerror=alert(1)>"


async def _fraud_page(user, pages):
    """The card fraud pipeline (Kafka -> filter -> sequence n3 -> Delta), n3 selected, the Timeline tab open."""
    await user.open("/")
    await user.should_see("Start your pipeline")
    page = pages[-1]
    page._open_document(load_pipeline(linear_document()), saved=False)
    page.select_node("n3")
    user.find(marker="timeline-tab").click()
    await user.should_see(marker="timeline-summary")
    return page


def _engine_rows_on_example(config: dict) -> list[dict]:
    """The sequence type's example events replayed straight through the engine with `config`."""
    inputs = ENGINE_INPUTS["sequence_detector"]
    doc = editing.set_config(example_pipeline("sequence_detector", inputs), NODE_ID, config)
    events = {source_id(port, i): rows.dicts() for i, (port, rows) in enumerate(inputs)}
    return [{k: jsonable(v) for k, v in row.items()} for row in replay(doc, events, NODE_ID).outputs[NODE_ID].rows]


async def _open_loader(user) -> None:
    user.find(marker="timeline-load").click()
    await user.should_see(marker="timeline-events")


async def _summary(user, page, expected: str) -> None:
    for _ in range(300):  # up to 15 s: the replay runs in a thread on a busy machine
        if page.timeline.summary.text == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timeline summary {page.timeline.summary.text!r}, expected {expected!r}")


def _table_rows(page) -> list[dict]:
    return [{k: (None if v == "NULL" else v) for k, v in row.items()} for row in page.timeline.table.rows]


async def test_without_a_node_the_tab_says_what_to_do(user, pages):
    await user.open("/")
    await user.should_see("Start your pipeline")
    user.find(marker="timeline-tab").click()
    await user.should_see("Select a pattern node to test it on sample events.")


async def test_a_selected_pattern_node_shows_the_engines_detections_and_follows_its_config(user, pages):
    page = await _fraud_page(user, pages)
    config = dict(page.doc.node("n3").config)
    expected = _engine_rows_on_example(config)
    assert expected  # the example events give a match
    await _summary(user, page, f"{len(expected)} detection{'s' if len(expected) != 1 else ''}, 0 late events dropped, 1 event held: waiting for the watermark")
    assert _table_rows(page) == expected
    chart = page.timeline.chart.content
    assert chart.count('class="ls-tl-detection"') == len(expected)
    events = chart.count('class="ls-tl-event"') + chart.count('class="ls-tl-event ls-tl-held"')
    assert events == len(ENGINE_INPUTS["sequence_detector"][0][1].dicts())
    assert chart.count('class="ls-tl-event ls-tl-held"') == 1  # the latest event: the watermark never passed it
    await user.should_see("the node type's example events (card_id, amount, ts), as this pipeline has no sample "
                          "events for its sources: add them with Sample events")

    user.find(marker="field-within").clear().type("1 minute")  # typing in the node's form
    assert page.doc.node("n3").config["within"] == "1 minute"
    narrower = _engine_rows_on_example({**config, "within": "1 minute"})
    assert len(narrower) != len(expected)
    await _summary(user, page, f"{len(narrower)} detections, 0 late events dropped, 1 event held: waiting for the watermark")
    assert _table_rows(page) == narrower


async def test_pasted_events_replace_the_example_and_a_bad_paste_keeps_them(user, pages):
    page = await _fraud_page(user, pages)
    await _open_loader(user)
    user.find(marker="timeline-events").type("\n".join(json.dumps(e) for e in SEQUENCE_EVENTS))
    user.find(marker="timeline-use").click()
    await user.should_see("6 sample event(s) for Payments")
    await _summary(user, page, "1 detection, 1 late event dropped, 1 event held: waiting for the watermark")
    engine = replay(page.doc, {"n1": SEQUENCE_EVENTS}, "n3").outputs["n3"].rows
    assert _table_rows(page) == [{k: jsonable(v) for k, v in row.items()} for row in engine]
    assert page.timeline.chart.content.count("ls-tl-late") == 1
    await user.should_see("the pipeline's sample events (Payments: 6)")

    await _open_loader(user)  # the dialog shows the pipeline's samples, one JSON object per line
    assert user.find(marker="timeline-events").elements.pop().value == "\n".join(json.dumps(e) for e in SEQUENCE_EVENTS)
    user.find(marker="timeline-events").clear().type('{"card_id": "c9", "ts": "soon"}')
    user.find(marker="timeline-use").click()
    await user.should_see("ts = 'soon' is not a timestamp")
    assert page.doc.samples["n1"] == SEQUENCE_EVENTS  # the previous sample is kept
    await _summary(user, page, "1 detection, 1 late event dropped, 1 event held: waiting for the watermark")


async def test_a_key_with_markup_is_text(user, pages):
    page = await _fraud_page(user, pages)
    await _open_loader(user)
    user.find(marker="timeline-events").type("\n".join(json.dumps({**e, "card_id": XSS}) for e in SEQUENCE_EVENTS))
    user.find(marker="timeline-use").click()
    await _summary(user, page, "1 detection, 1 late event dropped, 1 event held: waiting for the watermark")
    chart = page.timeline.chart.content
    assert "<img" not in chart and "&lt;img src=x onerror=alert(1)&gt;" in chart


async def test_an_uploaded_csv_is_a_sample_and_a_broken_one_keeps_the_previous(user, pages):
    page = await _fraud_page(user, pages)
    lines = ["card_id,amount,ts"] + [f"{e['card_id']},{e['amount']},{e['ts']}" for e in SEQUENCE_EVENTS]
    await _open_loader(user)
    upload = user.find(marker="timeline-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("events.csv", "text/csv", "\n".join(lines).encode())])
    await _summary(user, page, "1 detection, 1 late event dropped, 1 event held: waiting for the watermark")
    assert page.doc.samples["n1"][0] == {"card_id": "c1", "amount": "150", "ts": "2024-05-01T10:00:00Z"}

    await _open_loader(user)
    upload = user.find(marker="timeline-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("events.jsonl", "application/json", b'{"card_id": "c1"}\n[1]')])
    await user.should_see("the sample for Payments, line 2 is not a JSON object")
    assert len(page.doc.samples["n1"]) == len(SEQUENCE_EVENTS)


async def test_a_template_opens_with_its_samples_and_its_source_edits_them(user, pages):
    from lakestream import gallery

    await user.open("/")
    await user.should_see("Start your pipeline")
    page = pages[-1]
    card = next(c for c in gallery.list_templates() if c.name == "Card fraud")
    page._open_document(gallery.instantiate(card), saved=False)
    source = next(iter(page.doc.samples))
    count = len(page.doc.samples[source])
    page.select_node("spend_velocity")
    user.find(marker="timeline-tab").click()
    await user.should_see(f"the pipeline's sample events ({page.doc.node(source).title}: {count})")
    assert page.timeline.timeline.sample == "loaded" and page.timeline.timeline.detections >= 1

    page.select_node(source)
    await user.should_see(f"{count} sample events (Timeline)")
    user.find(marker="source-samples-edit").click()
    await user.should_see(marker="timeline-events")
    box = user.find(marker="timeline-events").elements.pop()
    kept = box.value.splitlines()[:3]
    user.find(marker="timeline-events").clear().type("\n".join(kept))
    user.find(marker="timeline-use").click()
    await user.should_see("3 sample events (Timeline)")
    assert page.doc.samples[source] == [json.loads(line) for line in kept]
    page.undo()
    assert len(page.doc.samples[source]) == count


async def test_why_no_match_names_the_reason_for_the_picked_key_and_a_lane_click_picks_one(user, pages):
    page = await _fraud_page(user, pages)
    page._open_document(load_pipeline({**linear_document(), "samples": {"n1": SEQUENCE_EVENTS}}), saved=False)
    page.select_node("n3")
    await _summary(user, page, "1 detection, 1 late event dropped, 1 event held: waiting for the watermark")
    why = page.timeline.why
    assert why.key.options == ["c1", "c2", "c3"]
    await user.should_see("Pick a key to see the step it stopped at and why.")
    why.key.set_value("c2")
    await user.should_see("step 1 'small': matched no step: step 1 is false — amount < 200 was false (amount = 300)")
    await user.should_see("Condition false · stopped at step 1")
    why.pick("c3")  # what a click on the lane's key sends
    await user.should_see("Waiting for the watermark")
    why.pick(XSS)  # not a key of this timeline: ignored
    assert why.key.value == "c3"
