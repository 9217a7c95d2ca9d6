"""Property-based: arbitrary JSON and mutations of valid documents never crash load or validate."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakestream.cli import main
from lakestream.pipeline import DocumentError, Pipeline, load_pipeline
from lakestream.validate import Issue, validate
from tests.core.factories import linear_document

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
KEYS = ["format", "id", "name", "nodes", "edges", "type", "config", "source", "target", "source_port",
        "target_port", "condition", "steps", "schema", "topics", "within", "table", "label", "position"]


def load_or_issues(data) -> Pipeline | None:
    try:
        pipeline = load_pipeline(data)
    except DocumentError as error:
        assert error.problems and all(isinstance(m, str) for _, m in error.problems)
        return None
    issues = validate(pipeline)
    assert all(isinstance(i, Issue) and i.message for i in issues)
    return pipeline


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_never_crashes(value):
    load_or_issues(value)
    load_or_issues(json.dumps(value))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


@st.composite
def mutated_documents(draw):
    document = copy.deepcopy(linear_document())
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values | st.sampled_from(["n1", "n2", "filter", "1 hour", "amount > 1", ""]))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_mutated_documents_yield_a_document_or_issues(document):
    load_or_issues(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=mutated_documents())
def test_cli_answers_with_an_exit_code_never_a_traceback(tmp_path, capsys, document):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document))
    code = main(["validate", str(path)])
    _, err = capsys.readouterr()
    assert code in (0, 1, 2) and "Traceback" not in err
