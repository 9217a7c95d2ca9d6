"""`lakestream pipelines …` end to end through cli.main, on the local store and on the fake volume."""

from __future__ import annotations

import json

import pytest

from lakestream.cli import main
from tests.store.conftest import VOLUME, make_pipeline


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAKESTREAM_STORE", raising=False)
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_show_versions_export_diff(home, capsys):
    source = home / "fraud.lakestream.json"
    source.write_text(make_pipeline(name="Card fraud").to_json())
    code, out, _ = run(capsys, "pipelines", "import", str(source), "--json")
    assert code == 0
    pipeline_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "pipelines", "list")
    assert code == 0 and pipeline_id[:8] in out and "Card fraud" in out and "3 nodes" in out

    changed = make_pipeline(name="Card fraud", nodes=4).model_copy(update={"id": pipeline_id})
    edited = home / "edited.json"
    edited.write_text(changed.to_json())
    code, out, _ = run(capsys, "pipelines", "diff", "Card fraud", str(edited))
    assert code == 0 and "+ node 'Alerts' (delta_table_sink)" in out and "~ node Filter 3: type: 'delta_table_sink' → 'filter'" in out

    code, out, _ = run(capsys, "pipelines", "versions", pipeline_id[:6], "--json")
    assert code == 0 and [v["version"] for v in json.loads(out)] == [1]
    code, out, _ = run(capsys, "pipelines", "show", "Card fraud")
    assert code == 0 and "version 1" in out and "kafka_source" in out

    target = home / "out.json"
    code, out, _ = run(capsys, "pipelines", "export", pipeline_id, "-o", str(target))
    assert code == 0 and json.loads(target.read_text())["id"] == pipeline_id
    code, out, _ = run(capsys, "pipelines", "export", pipeline_id, "--version", "1")
    assert json.loads(out)["version"] == 1

    code, out, _ = run(capsys, "pipelines", "diff", f"{pipeline_id}@1", "Card fraud", "--json")
    assert code == 0 and json.loads(out)["added_nodes"] == []

    assert run(capsys, "pipelines", "delete", "Card fraud")[0] == 0
    assert "No pipelines yet." in run(capsys, "pipelines", "list")[1]
    assert pipeline_id[:8] in run(capsys, "pipelines", "list", "--trash")[1]
    assert run(capsys, "pipelines", "restore", pipeline_id[:8])[0] == 0
    assert "Card fraud" in run(capsys, "pipelines", "list")[1]


@pytest.mark.parametrize("argv, message", [
    (["pipelines", "list", "--store", "ftp"], "Unknown store 'ftp'; choose one of: local, volume."),
    (["pipelines", "show", "nothing"], "No pipeline named or with an id starting with 'nothing'"),
    (["pipelines", "show", "../../etc/passwd"], "No pipeline named"),
    (["pipelines", "import", "/no/such/file.json"], "cannot read /no/such/file.json"),
    (["pipelines", "list", "--store", "volume"], "needs a volume folder"),
])
def test_errors_are_one_line(home, capsys, monkeypatch, argv, message):
    monkeypatch.delenv("LAKESTREAM_VOLUME", raising=False)
    code, out, err = run(capsys, *argv)
    assert code == 1 and message in err and err.count("\n") == 1 and "Traceback" not in err


def test_import_of_a_broken_document_names_the_problem(home, capsys):
    bad = home / "bad.json"
    bad.write_text('{"name": "x", "nodes": [{"id": "n1", "type": "kafka_sorce"}]}')
    code, _, err = run(capsys, "pipelines", "import", str(bad))
    assert code == 1 and "Did you mean 'kafka_source'?" in err


def test_cli_on_the_volume_store(home, capsys, fake, monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-ana")
    source = home / "p.json"
    source.write_text(make_pipeline(name="On the volume").to_json())
    code, out, err = run(capsys, "pipelines", "import", str(source), "--store", "volume", "--volume", VOLUME)
    assert code == 0, err
    code, out, _ = run(capsys, "pipelines", "list", "--store", "volume", "--volume", VOLUME, "--json")
    [summary] = json.loads(out)
    assert summary["name"] == "On the volume" and summary["updated_by"] == "ana@example.com"
    assert fake.calls("PUT", rf"/fs/files{VOLUME}/users/ana@example.com/pipelines/")
