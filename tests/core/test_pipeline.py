"""The pipeline document: load, round trip, migration hook, unknown types, drafts."""

from __future__ import annotations

import json

import pytest

from lakestream import pipeline as doc
from lakestream.pipeline import DocumentError, Pipeline, document_json_schema, load_pipeline
from tests.core.factories import linear_document, node


def test_round_trip_is_identical():
    first = load_pipeline(linear_document())
    second = load_pipeline(first.to_json())
    assert second == first
    assert second.to_json() == first.to_json()
    assert json.loads(first.to_json())["nodes"][0]["config"]["schema"][0] == {"name": "card_id", "type": "string"}


def test_typed_config_is_parsed_and_normalised():
    pipeline = load_pipeline(linear_document())
    sequence = pipeline.node("n3").parsed
    assert sequence.within == "1 hour"
    assert sequence.watermark_delay == "5 minutes"
    assert [s.name for s in sequence.steps] == ["small", "big"]


def test_unknown_type_suggests_the_closest():
    data = linear_document()
    data["nodes"][0]["type"] = "kafka"
    with pytest.raises(DocumentError) as caught:
        load_pipeline(data)
    assert "Unknown node type 'kafka'. Did you mean 'kafka_source'?" in str(caught.value)
    assert caught.value.problems[0][0] == "nodes[0].type"


def test_draft_config_loads_and_reports_errors_with_paths():
    data = linear_document()
    data["nodes"][2]["config"]["steps"][1]["condition"] = "amount >"
    pipeline = load_pipeline(data)
    errors = pipeline.node("n3").config_errors
    assert [e["loc"] for e in errors] == [("steps", 1, "condition")]
    assert "not a valid Spark SQL expression" in errors[0]["msg"]


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["nodes"].append(node("n1", "filter", {"condition": "true"})), ""),
        (lambda d: d.update(format="two"), ""),
        (lambda d: d.update(code_target="rust"), "code_target"),
        (lambda d: d["nodes"][0].update(id="../x"), "nodes[0].id"),
        (lambda d: d.update(surprise=1), "surprise"),
    ],
)
def test_structural_errors_are_document_errors(mutate, path):
    data = linear_document()
    mutate(data)
    with pytest.raises(DocumentError) as caught:
        load_pipeline(data)
    assert caught.value.problems and caught.value.problems[0][0] == path


def test_not_json_and_not_an_object():
    with pytest.raises(DocumentError, match="not JSON"):
        load_pipeline("{nope")
    with pytest.raises(DocumentError, match="JSON object"):
        load_pipeline("[1, 2]")


def test_json_the_fast_parser_refuses_still_loads_and_errors_read_as_json_does():
    data = linear_document()
    data["description"] = "\ud800 a lone surrogate"  # the standard parser reads it; pydantic's refuses
    loaded = load_pipeline(json.dumps(data))
    assert loaded.description == data["description"]
    with pytest.raises(DocumentError, match=r"not JSON \(Expecting ',' delimiter: line 1 column 9"):
        load_pipeline('{"a": 1 "b": 2}')
    with pytest.raises(DocumentError, match="not JSON"):
        load_pipeline("[" * 100_000)  # deeper than either parser goes


def test_loading_and_validating_leave_the_garbage_collector_as_they_found_it():
    import gc

    from lakestream.validate import validate

    text = json.dumps(linear_document())
    assert gc.isenabled()
    validate(load_pipeline(text))
    assert gc.isenabled()
    gc.disable()
    try:
        validate(load_pipeline(text))
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
    with pytest.raises(DocumentError):
        load_pipeline("{nope")
    assert gc.isenabled()  # also after an error


def test_newer_format_is_refused_and_older_is_migrated(monkeypatch):
    data = linear_document()
    data["format"] = 99
    with pytest.raises(DocumentError, match="format 99"):
        load_pipeline(data)

    monkeypatch.setattr(doc, "FORMAT", 2)
    monkeypatch.setitem(doc.MIGRATIONS, 1, lambda d: {**d, "description": d.get("description", "") + " (migrated)"})
    old = linear_document()
    migrated = doc.migrate(old)
    assert migrated["format"] == 2 and migrated["description"] == " (migrated)"
    assert migrated["nodes"] == old["nodes"]  # nothing dropped


def test_new_pipeline_gets_a_uuid_and_defaults():
    pipeline = Pipeline(name="x")
    assert len(pipeline.id) == 36 and pipeline.nodes == () and pipeline.code_target == "auto"


def test_json_schema_discriminates_nodes_by_type():
    schema = document_json_schema()
    items = schema["properties"]["nodes"]["items"]
    assert items["discriminator"]["propertyName"] == "type"
    assert "kafka_source" in items["discriminator"]["mapping"]


def test_copies_do_not_keep_stale_derived_values():
    pipeline = load_pipeline(linear_document())
    node = pipeline.node("n2")
    assert node.parsed.condition == "amount > 100" and pipeline.node_by_id["n2"] is node
    changed = node.model_copy(update={"config": {"condition": "amount > 5"}})
    assert changed.parsed.condition == "amount > 5"
    broken = node.model_copy(update={"config": {}})
    assert broken.config_errors and broken.parsed_or_none() is None
    smaller = pipeline.model_copy(update={"nodes": pipeline.nodes[:1]})
    assert list(smaller.node_by_id) == ["n1"]
    assert smaller != pipeline and load_pipeline(pipeline.to_json()) == pipeline


def test_a_bad_document_lists_every_problem_also_repeated_ids_and_edges_to_missing_nodes():
    document = {"format": 1, "name": 5, "nodes": [{"id": "a", "type": "kafka_sorce"}, {"id": "a", "type": "filter"}],
                "edges": [{"id": "e1", "source": "a", "target": "zz"}, {"id": "e1", "source": "qq", "target": "a"}]}
    with pytest.raises(DocumentError) as caught:
        load_pipeline(document)
    assert caught.value.problems == [
        ("name", "Input should be a valid string"),
        ("nodes[0].type", "Unknown node type 'kafka_sorce'. Did you mean 'kafka_source'?"),
        ("", "Node ids must be unique; repeated: a"),
        ("", "Edge ids must be unique; repeated: e1"),
        ("edges[0].target", "there is no node 'zz'"),
        ("edges[1].source", "there is no node 'qq'"),
    ]


def test_repeated_ids_alone_are_listed_once():
    document = {"format": 1, "nodes": [{"id": "a", "type": "filter"}, {"id": "a", "type": "filter"}]}
    with pytest.raises(DocumentError) as caught:
        load_pipeline(document)
    assert caught.value.problems == [("", "Node ids must be unique; repeated: a")]
