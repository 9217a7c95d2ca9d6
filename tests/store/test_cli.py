"""`lakestream pipelines …` end to end through cli.main, on the local store and on the fake volume."""

from __future__ import annotations

import json
import re

import pytest

from lakestream.cli import main, terminal_safe
from lakestream.store import Store, paths
from lakestream.store.local import LocalBackend
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


def test_restore_version_repairs_a_pipeline_whose_latest_version_is_corrupt(home, capsys):
    store = Store(LocalBackend(home / "home"), user="ana@example.com")
    first = store.create(make_pipeline(name="Card fraud"))
    store.save(first.model_copy(update={"description": "second"}), 1, message="tighter threshold")
    version_file = home / "home" / paths.version_file(first.id, 2)
    version_file.write_bytes(version_file.read_bytes()[:-30])  # cut short, as by a full disk or a bad copy

    code, _, err = run(capsys, "pipelines", "show", first.id)
    assert code == 1 and "Version 2 of pipeline" in err and "is unreadable" in err
    code, out, _ = run(capsys, "pipelines", "list")
    assert code == 0 and f"{first.id[:8]}  UNREADABLE  Card fraud: version 2 is unreadable" in out
    code, out, _ = run(capsys, "pipelines", "versions", first.id[:8])
    assert code == 0 and "unreadable" in out.splitlines()[0] and "created" in out.splitlines()[-1]

    code, out, err = run(capsys, "pipelines", "restore", first.id[:8], "--version", "1",
                         "--message", "Version 2 was cut short by a full disk")
    assert code == 0, err
    assert out == "restored version 1 of 'Card fraud' as version 3\n"
    assert store.versions(first.id)[0].message == "Version 2 was cut short by a full disk"
    assert store.get(first.id).version == 3 and store.get(first.id).nodes == first.nodes
    code, out, _ = run(capsys, "pipelines", "versions", first.id, "--json")
    assert [(v["version"], v["note"]) for v in json.loads(out)][:1] == [(3, "restored version 1")]
    code, out, _ = run(capsys, "pipelines", "restore", first.id, "--version", "9")
    assert code == 1
    assert run(capsys, "pipelines", "list")[1].count("UNREADABLE") == 0


def test_versions_list_the_message_saved_with_each_version(home, capsys):
    source = home / "fraud.lakestream.json"
    source.write_text(make_pipeline(name="Card fraud").to_json())
    code, out, _ = run(capsys, "pipelines", "import", str(source), "--json", "--message", "From the team's file")
    store = Store(LocalBackend(home / "home"), user="ana@example.com")
    first = store.get(json.loads(out)["id"])
    assert store.versions(first.id)[0].message == "From the team's file"
    store.save(first.model_copy(update={"description": "v2"}), 1, message="Raise the threshold to 500 after review")
    code, out, _ = run(capsys, "pipelines", "versions", first.id)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("v2") and lines[1] == "       Raise the threshold to 500 after review"
    assert lines[2].startswith("v1") and lines[2].endswith("(imported from fraud.lakestream.json)")
    assert lines[3] == "       From the team's file"
    code, out, _ = run(capsys, "pipelines", "versions", first.id, "--json")
    assert [v["message"] for v in json.loads(out)] == ["Raise the threshold to 500 after review",
                                                       "From the team's file"]
    code, out, _ = run(capsys, "pipelines", "show", first.id)
    assert "message: Raise the threshold to 500 after review" in out


# Terminal control characters a name, label, description or message may hold: CSI colour, bell,
# carriage return, backspace, a one-character C1 CSI, DEL, a right-to-left override.
EVIL = "Evil\x1b[31mred\x07\r\b\x9b2J\x7f\u202eexe.txt"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_control_characters_in_user_text_are_escaped_in_every_output(home, capsys):
    store = Store(LocalBackend(home / "home"), user="ana\x1b[2J@example.com")
    doc = make_pipeline(name=EVIL, description=f"about {EVIL}")
    doc = doc.model_copy(update={"nodes": (doc.nodes[0].model_copy(update={"label": f"Label {EVIL}"}),
                                           *doc.nodes[1:])})
    first = store.create(doc, message=f"first\n{EVIL}")
    store.rename(first.id, f"{EVIL} 2")
    source = home / "evil.lakestream.json"
    source.write_text(store.get(first.id).to_json())
    outputs = []
    for argv in (["pipelines", "list"], ["pipelines", "show", first.id], ["pipelines", "versions", first.id],
                 ["pipelines", "diff", f"{first.id}@1", f"{first.id}@2"], ["pipelines", "show", EVIL],
                 ["pipelines", "restore", first.id, "--version", "1"], ["validate", str(source)],
                 ["pipelines", "list", "--json"], ["pipelines", "export", first.id]):
        code, out, err = run(capsys, *argv)
        assert not RAW.search(out + err), (argv, out + err)
        outputs.append((code, out, err))
    listed = outputs[0][1]
    assert "Evil\\x1b[31mred\\x07\\x0d\\x08\\u009b2J\\u007f\\u202eexe.txt 2" in listed
    assert "ana\\x1b[2J@example.com" in listed
    shown_doc = outputs[1][1]
    assert "Label Evil\\x1b[31mred" in shown_doc and "about Evil\\x1b[31mred" in shown_doc
    assert "first\\x0aEvil\\x1b[31mred" in outputs[2][1]  # a message stays on its line
    assert outputs[4][0] == 1 and "No pipeline named or with an id starting with 'Evil\\x1b[31mred" in outputs[4][2]
    # JSON stays valid and means exactly what was stored
    assert json.loads(outputs[7][1])[0]["name"] == EVIL
    assert json.loads(outputs[8][1])["name"] == EVIL


def test_terminal_safe_keeps_printable_text_and_escapes_controls():
    assert terminal_safe("Zürich → 東京 café ✓") == "Zürich → 東京 café ✓"
    assert terminal_safe("a\tb\nc") == "a\\x09b\\x0ac"
    assert terminal_safe("a\tb\nc\x1b", keep_lines=True) == "a\tb\nc\\x1b"
    assert terminal_safe("\u2067x\u2069\u200f") == "\\u2067x\\u2069\\u200f"
