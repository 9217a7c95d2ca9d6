"""`lakestream generate`: files written, target and reasons printed, one-line errors."""

from __future__ import annotations

import json

from lakestream.cli import main as cli_main
from tests.codegen.helpers import python_problems, three_nodes


def test_generate_writes_files_and_explains(tmp_path, capsys):
    doc = tmp_path / "p.lakestream.json"
    doc.write_text(three_nodes().to_json())
    assert cli_main(["generate", str(doc), "--target", "sss", "--profile", "local", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "target: sss (profile local)"
    assert out[1] == "  because SSS as requested"
    assert out[2].startswith("  warning [n1.bootstrap_servers]: Local profile")
    assert out[-1] == f"wrote {tmp_path / 'o' / 'stream_job.py'}"
    assert python_problems((tmp_path / "o" / "stream_job.py").read_text()) == []


def test_generate_uses_the_documents_target_by_default(tmp_path, capsys):
    doc = tmp_path / "p.lakestream.json"
    doc.write_text(json.dumps({**three_nodes().to_dict(), "code_target": "sdp-python"}))
    assert cli_main(["generate", str(doc), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "transformations" / "pipeline.py").is_file()
    assert capsys.readouterr().out.startswith("target: sdp-python (profile databricks)")


def test_generate_refuses_an_invalid_pipeline_in_one_line(tmp_path, capsys):
    data = three_nodes().to_dict()
    data["nodes"][1]["config"] = {"condition": "amount >"}
    doc = tmp_path / "bad.json"
    doc.write_text(json.dumps(data))
    assert cli_main(["generate", str(doc), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lakestream: Fix the pipeline first:") and err.count("\n") == 1
    assert not (tmp_path / "o").exists()
