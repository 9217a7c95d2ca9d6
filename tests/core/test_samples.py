"""Sample events belong to the pipeline document: migrated, edited, versioned in the store, exported and imported."""

from __future__ import annotations

import json

import pytest

from lakestream import editing
from lakestream.cli import main
from lakestream.pipeline import FORMAT, MAX_SAMPLE_EVENTS, DocumentError, load_pipeline
from lakestream.store import Store
from lakestream.store.local import LocalBackend
from tests.core.factories import linear_document

EVENTS = [{"card_id": "c1", "amount": 150.0, "ts": "2024-05-01T10:00:00Z"},
          {"card_id": "c1", "amount": 2.5, "ts": "2024-05-01T10:01:00Z", "note": "ünïcode"}]


def test_a_format_1_document_migrates_to_no_samples_keeping_every_field():
    old = {**linear_document(), "format": 1}
    doc = load_pipeline(old)
    assert doc.format == FORMAT and doc.samples == {} and doc.expectations == {}
    again = doc.to_dict()
    assert {k: again[k] for k in old if k != "format"} == {k: v for k, v in old.items() if k != "format"}


def test_samples_survive_json_and_bad_samples_name_their_place():
    doc = editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS)
    assert load_pipeline(doc.to_json()).samples == {"n1": EVENTS}
    with pytest.raises(DocumentError, match=r"samples\.n1\[0\]"):
        load_pipeline({**doc.to_dict(), "samples": {"n1": ["not an object"]}})
    with pytest.raises(DocumentError, match="samples.n1"):
        load_pipeline({**doc.to_dict(), "samples": {"n1": [{}] * (MAX_SAMPLE_EVENTS + 1)}})


def test_set_samples_removes_replaces_and_refuses_unknown_nodes():
    doc = load_pipeline(linear_document())
    with_events = editing.set_samples(doc, "n1", EVENTS)
    assert with_events.samples == {"n1": EVENTS} and doc.samples == {}  # the document is immutable
    assert editing.set_samples(with_events, "n1", None).samples == {}
    assert editing.set_samples(with_events, "n1", EVENTS[:1]).samples == {"n1": EVENTS[:1]}
    with pytest.raises(editing.EditError):
        editing.set_samples(doc, "nope", EVENTS)
    with pytest.raises(editing.EditError, match="cannot be kept"):
        editing.set_samples(doc, "n1", [{None: "a CSV line with more cells than the header"}])


def test_deleting_a_source_drops_its_samples_and_undo_brings_them_back():
    doc = editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS)
    history = editing.History(doc)
    history.push(editing.delete(doc, ["n1"]))
    assert history.present.samples == {}
    assert history.undo().samples == {"n1": EVENTS}
    assert editing.delete(doc, ["n2"]).samples == {"n1": EVENTS}


def test_every_version_in_the_store_keeps_its_samples(tmp_path):
    store = Store(LocalBackend(tmp_path / "home"), user="ana@example.com")
    first = store.create(editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS))
    second = store.save(editing.set_samples(first, "n1", EVENTS[:1]), first.version)
    assert store.get_version(first.id, 1).samples == {"n1": EVENTS}
    assert store.get_version(first.id, 2).samples == {"n1": EVENTS[:1]} == store.get(second.id).samples


def test_cli_export_and_import_carry_the_samples(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAKESTREAM_STORE", raising=False)
    source = tmp_path / "fraud.lakestream.json"
    source.write_text(editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS).to_json(), encoding="utf-8")
    assert main(["pipelines", "import", str(source), "--json"]) == 0
    pipeline_id = json.loads(capsys.readouterr().out)["id"]
    target = tmp_path / "out.lakestream.json"
    assert main(["pipelines", "export", pipeline_id, "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["samples"] == {"n1": EVENTS}


def test_a_diff_counts_the_samples_that_changed():
    from lakestream.store.diff import diff

    before = editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS)
    after = editing.set_samples(before, "n1", EVENTS[:1] + [{**EVENTS[1], "amount": 3.0}])
    assert diff(before, after).lines() == ["pipeline samples.n1: '2 events' → '2 events (edited)'"]
    removed = editing.set_samples(before, "n1", None)
    assert diff(before, removed).lines() == ["pipeline samples.n1: '2 events' → 'none'"]
    assert diff(before, before).empty


def test_cli_replay_without_events_replays_the_documents_samples(tmp_path, capsys):
    from lakestream.cep.replay import replay

    doc = editing.set_samples(load_pipeline(linear_document()), "n1", EVENTS + [
        {"card_id": "c1", "amount": 500.0, "ts": "2024-05-01T10:02:00Z"},
        {"card_id": "c9", "amount": 101.0, "ts": "2024-05-01T12:00:00Z"}])
    path = tmp_path / "fraud.lakestream.json"
    path.write_text(doc.to_json(), encoding="utf-8")
    assert main(["replay", str(path), "--node", "n3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["outputs"]["n3"]["rows"]
    assert len(rows) == len(replay(doc, doc.samples, "n3").outputs["n3"].rows) == 1
    path.write_text(load_pipeline(linear_document()).to_json(), encoding="utf-8")
    assert main(["replay", str(path)]) == 1
    assert "no sample events: pass --events" in capsys.readouterr().err


def test_the_json_schema_describes_samples():
    from lakestream.pipeline import document_json_schema

    schema = document_json_schema()
    assert "samples" in schema["properties"] and schema["properties"]["format"]["default"] == FORMAT
