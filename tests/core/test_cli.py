"""The CLI of the foundation: nodes, validate, schema; errors as one line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lakestream.cli import main
from lakestream.nodes import REGISTRY
from tests.core.factories import linear_document


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_nodes_json_lists_every_registered_type(capsys):
    code, out, _ = run(capsys, "nodes", "--json")
    entries = json.loads(out)
    assert code == 0 and [e["type"] for e in entries] == list(REGISTRY)
    kafka = next(e for e in entries if e["type"] == "kafka_source")
    fields = {f["name"]: f for f in kafka["config"]}
    assert fields["bootstrap_servers"]["required"] and fields["bootstrap_servers"]["description"]
    assert fields["starting_offsets"]["default"] == "latest"
    assert fields["schema"]["name"] == "schema"  # the document key, not the Python attribute
    assert kafka["inputs"] == [] and kafka["outputs"] == [{"name": "out"}]


def test_nodes_text_groups_by_category(capsys):
    code, out, _ = run(capsys, "nodes")
    assert code == 0 and out.startswith("SOURCES (") and "kafka_source" in out


def test_validate_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.lakestream.json"
    good.write_text(json.dumps(linear_document()))
    code, out, _ = run(capsys, "validate", str(good), "--json")
    assert code == 0 and json.loads(out) == {"valid": True, "issues": []}

    bad = linear_document()
    bad["nodes"][1]["config"]["condition"] = "amout > 1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    code, out, _ = run(capsys, "validate", str(path), "--json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert report["issues"][0] == {
        "severity": "error", "code": "column.unknown", "node_id": "n2", "field": "condition",
        "message": "Column 'amout' does not exist in the input", "hint": "Did you mean 'amount'?",
    }
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1 and "Filter [condition]: Column 'amout'" in out


@pytest.mark.parametrize("content", ["{not json", "[]", '{"nodes": [{"id": "a", "type": "kafka"}]}'])
def test_unreadable_documents_exit_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "p.json"
    path.write_text(content)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("lakestream: ")
    assert "Traceback" not in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "validate", "/no/such/file.json")
    assert code == 2 and "cannot read /no/such/file.json" in err


def test_schema_is_json_schema(capsys):
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "LakeStreamPipeline"


def test_console_script_runs_as_a_process(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{oops")
    result = subprocess.run([sys.executable, "-m", "lakestream", "validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "not JSON" in result.stderr
