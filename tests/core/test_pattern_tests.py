"""Pattern tests: pinned rows in the document (format 3), `lakestream test` failing after a condition changes
and passing after re-pinning, exit codes for CI, pruning with the node, the store keeping them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lakestream import editing
from lakestream.errors import UserError
from lakestream.gallery import instantiate
from lakestream.pattern_tests import pin, run_tests
from lakestream.pipeline import FORMAT, load_pipeline
from lakestream.store import open_store
from tests.gallery.templates import CARDS


def security(tmp_path):
    card = next(c for c in CARDS if c.folder.name == "security_threats")
    path = tmp_path / "security.lakestream.json"
    path.write_text(instantiate(card).to_json(), encoding="utf-8")
    return path


def lakestream(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lakestream", *args], capture_output=True, text=True, timeout=300)


def test_test_fails_after_a_condition_changes_and_passes_after_repinning(tmp_path):
    path = security(tmp_path)
    assert lakestream("test", str(path)).returncode == 0
    data = json.loads(path.read_text())
    node = next(n for n in data["nodes"] if n["id"] == "brute_force")
    assert node["config"]["threshold"] == 5
    node["config"]["threshold"] = 4  # now the burst fires one failed login earlier
    path.write_text(json.dumps(data))
    failed = lakestream("test", str(path))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAILED: brute_force" in failed.stdout and "ok: login_after_failures" in failed.stdout
    assert "  - expected, not given: " in failed.stdout and "  + given, not expected: " in failed.stdout
    assert '"count": 5' in failed.stdout and '"count": 4' in failed.stdout
    assert "2 passed, 1 failed (engine)" in failed.stdout
    pinned = lakestream("test", str(path), "--pin", "--node", "brute_force")
    assert pinned.returncode == 0 and "pinned brute_force: " in pinned.stdout, pinned.stderr
    again = lakestream("test", str(path), "--json")
    assert again.returncode == 0, again.stdout
    report = json.loads(again.stdout)
    assert report["passed"] and [n["passed"] for n in report["nodes"]] == [True, True, True]
    assert load_pipeline(path.read_text()).node("brute_force").parsed.threshold == 4


def test_no_samples_or_nothing_pinned_is_a_clear_error(tmp_path):
    path = security(tmp_path)
    doc = load_pipeline(path.read_text())
    with pytest.raises(UserError, match="no pinned rows"):
        run_tests(doc.model_copy(update={"expectations": {}}))
    with pytest.raises(UserError, match="no sample events"):
        run_tests(doc.model_copy(update={"samples": {}}))
    done = lakestream("test", str(tmp_path / "missing.json"))
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_pinned_rows_migrate_prune_and_survive_the_store(tmp_path):
    old = json.loads(security(tmp_path).read_text())
    old["format"] = 2
    del old["expectations"]
    migrated = load_pipeline(old)
    assert migrated.format == FORMAT == 3 and migrated.expectations == {}
    pinned = pin(migrated, ["brute_force"])
    assert list(pinned.expectations) == ["brute_force"] and pinned.expectations["brute_force"][0]["count"] == 5
    assert editing.delete(pinned, ["brute_force"]).expectations == {}
    assert editing.set_expectations(pinned, "brute_force", None).expectations == {}
    with pytest.raises(editing.EditError, match="cannot be pinned"):
        editing.set_expectations(pinned, "brute_force", ["not a row"])
    store = open_store("local", home=tmp_path / "store")
    saved = store.create(pinned)
    assert store.get(saved.id).expectations == pinned.expectations
    again = store.save(editing.set_expectations(store.get(saved.id), "brute_force", []), saved.version)
    assert store.get_version(saved.id, saved.version).expectations == pinned.expectations
    assert store.get(saved.id).expectations == {"brute_force": []} and again.version > saved.version
