"""Labels in the user's words: acronyms written as acronyms, errors naming the item as the form shows it."""

from __future__ import annotations

import json
import re

import pytest

from lakestream.cli import main
from lakestream.labels import ACRONYMS, field_label, item_label, location, path_parts
from lakestream.nodes import REGISTRY
from lakestream.pipeline import load_pipeline
from lakestream.ui.fieldspec import describe, title_of
from lakestream.validate import validate
from tests.core.factories import linear_document


def _labels(model, seen) -> list[tuple[str, str]]:
    """(key, form label) of every field of a config model and of the models nested in it."""
    if model in seen:
        return []
    seen.add(model)
    out = []
    for name, info in model.model_fields.items():
        out.append((info.alias or name, title_of(name, info)))
        spec = describe(info)
        if spec.model is not None:
            out.extend(_labels(spec.model, seen))
    return out


def test_every_label_of_every_config_field_writes_known_acronyms_as_acronyms():
    labels = [(t, key, label) for t, spec in REGISTRY.items() for key, label in _labels(spec.config, set())]
    assert {t for t, _, _ in labels} == set(REGISTRY) and len(labels) > 300
    wrong = [(t, key, label) for t, key, label in labels for word in re.findall(r"[A-Za-z]+", label)
             if word.lower() in ACRONYMS and word != ACRONYMS[word.lower()]]
    assert wrong == []
    shown = {label for _, _, label in labels}
    assert {"SASL mechanism", "SSL truststore location", "Schema registry URL", "Bootstrap servers"} <= shown
    assert all(label[0].isupper() and "_" not in label for label in shown)


@pytest.mark.parametrize(("key", "label"), [
    ("sasl_mechanism", "SASL mechanism"), ("schema_", "Schema"), ("api_token", "API token"),
    ("cdc_format", "CDC format"), ("uc_volume", "UC volume"), ("record_ids", "Record IDs"), ("json", "JSON"),
])
def test_field_label(key, label):
    assert field_label(key) == label


def test_item_and_location_follow_the_form():
    assert [item_label(k) for k in ("steps", "schema", "routes", "key_columns", "boundaries")] == \
        ["Step", "Schema column", "Route", "Key column", "Boundary"]
    sequence = REGISTRY["sequence_detector"].config
    assert location(sequence, ("steps", 0, "name")) == "Step 1: Name"
    assert location(REGISTRY["kafka_source"].config, ("sasl_username", "scope")) == "SASL username: Scope"
    assert path_parts("steps[1].condition") == ("steps", 1, "condition")


def _broken() -> dict:
    data = linear_document()
    steps = [{"condition": "amount < 200"}, {"name": "big", "condition": "amount >"}]
    data["nodes"][2]["config"]["steps"] = steps
    data["nodes"][3]["config"] = {}
    return data


def test_errors_name_the_item_as_the_form_shows_it_and_keep_the_machine_path():
    issues = {i.field: i.message for i in validate(load_pipeline(_broken())) if i.code == "config.invalid"}
    assert issues["steps[0].name"] == "Step 1: Name is required"
    assert issues["steps[1].condition"].startswith("Step 2: Condition: The expression is not a valid")
    assert issues["table"].startswith("Table is required: Target table")
    assert not any(re.search(r"\w\[\d+\]|Field required", m) for m in issues.values())


def test_cli_json_keeps_the_path_in_field(tmp_path, capsys):
    path = tmp_path / "broken.lakestream.json"
    path.write_text(json.dumps(_broken()), encoding="utf-8")
    assert main(["validate", str(path), "--json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    step = next(i for i in issues if i["field"] == "steps[0].name")
    assert step["message"] == "Step 1: Name is required" and step["node_id"] == "n3"


def test_a_list_too_short_says_how_many_of_what():
    data = linear_document()
    data["nodes"][0]["config"]["topics"] = []
    data["nodes"][2]["config"]["steps"] = data["nodes"][2]["config"]["steps"][:1]
    issues = {i.field: i.message for i in validate(load_pipeline(data)) if i.code == "config.invalid"}
    assert issues == {"topics": "Topics: give at least 1 topic (0 now)",
                      "steps": "Steps: give at least 2 steps (1 now)"}
