"""Table-driven checks shared by the node tests: examples, required fields, schema rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs, Schema, schema_of


@dataclass(frozen=True)
class Case:
    """One node type's expectations.

    `invalid` maps every required config key to (an invalid value, a fragment of the message it must get);
    `schema` is (config changes over the example, inputs by port, expected output schema).
    `rejects` lists (config changes, message fragment) for cross-field rules.
    """

    type: str
    invalid: dict[str, tuple[Any, str]]
    schema: tuple[dict[str, Any], dict[str, tuple[Schema, ...]], Schema]
    rejects: tuple[tuple[dict[str, Any], str], ...] = ()


def key_of(model, name: str) -> str:
    info = model.model_fields[name]
    return info.alias or name


def required_keys(type_id: str) -> set[str]:
    model = get_node_type(type_id).config
    return {key_of(model, n) for n, f in model.model_fields.items() if f.is_required()}


def errors_of(type_id: str, config: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        get_node_type(type_id).config.model_validate(config)
    return caught.value.errors(include_url=False)


DROP = object()  # a change value that removes the key


def with_changes(example: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The example with `changes` applied; a value of DROP removes the key."""
    out = dict(example)
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def run_case_example(case: Case) -> None:
    node = get_node_type(case.type)
    assert node.example, f"{case.type} has no example config"
    config = node.config.model_validate(node.example)
    # What the store writes (by alias) loads back to the same config.
    assert node.config.model_validate(config.model_dump(mode="json", by_alias=True)) == config


def run_case_required(case: Case) -> None:
    assert set(case.invalid) >= required_keys(case.type), "every required field needs an invalid value"
    example = get_node_type(case.type).example
    for key, (bad, fragment) in case.invalid.items():
        errors = errors_of(case.type, with_changes(example, {key: bad}))
        mine = [e for e in errors if e["loc"] and e["loc"][0] == key]
        assert mine, f"{case.type}.{key}={bad!r}: no error at {key}, got {errors}"
        assert any(fragment in e["msg"] for e in mine), f"{case.type}.{key}: {[e['msg'] for e in mine]}"
        missing = errors_of(case.type, with_changes(example, {key: DROP}))
        if key in required_keys(case.type):
            assert any(e["loc"] == (key,) and e["type"] == "missing" for e in missing), missing


def run_case_rejects(case: Case) -> None:
    example = get_node_type(case.type).example
    for changes, fragment in case.rejects:
        errors = errors_of(case.type, with_changes(example, changes))
        assert any(fragment in e["msg"] for e in errors), f"{case.type} {changes}: {[e['msg'] for e in errors]}"


def run_case_schema(case: Case) -> None:
    node = get_node_type(case.type)
    changes, inputs, expected = case.schema
    config = node.config.model_validate(with_changes(node.example, changes))
    assert node.output_schema(config, Inputs(inputs)) == expected


def case_tests(cases: list[Case]):
    """The four tests of one family's cases, each parametrised over them: the example is valid, each required
    field refuses its invalid value, the cross-field rules hold, the output schema is the expected one. A family's
    file assigns them to its test names."""
    each = pytest.mark.parametrize("case", cases, ids=[c.type for c in cases])

    def shell(run):
        def test(case: Case) -> None:
            run(case)
        return each(test)

    return shell(run_case_example), shell(run_case_required), shell(run_case_rejects), shell(run_case_schema)


def cols(*pairs: str) -> Schema:
    """schema_of from "name:type" strings."""
    return schema_of(*(tuple(p.split(":", 1)) for p in pairs))
