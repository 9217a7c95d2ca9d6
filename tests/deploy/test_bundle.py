"""Bundle export: the folder structure `databricks bundle validate` expects, checked against the docs' schema."""

from __future__ import annotations

import fnmatch
import os
import posixpath
from pathlib import Path

import yaml
from databricks.sdk.service import jobs, pipelines

from lakestream.cli import main
from lakestream.deploy import DeployOptions
from lakestream.deploy.bundle import bundle_files, to_yaml
from tests.fakes.validation import check_body

# Top-level keys of databricks.yml (docs: "Databricks Asset Bundle configuration", mappings).
TOP_LEVEL = {"bundle", "include", "targets", "resources", "variables", "workspace", "artifacts", "sync",
             "permissions", "run_as", "presets", "experimental", "scripts"}
TARGET_KEYS = {"mode", "default", "workspace", "variables", "resources", "presets", "run_as", "git", "cluster_id"}
# Resource keys a bundle allows beyond the REST payload.
BUNDLE_ONLY = ("permissions",)


def check_bundle(files: dict[str, str]) -> None:
    """Assert the structure the Databricks CLI validates: keys, includes, resource payloads, relative paths."""
    root = yaml.safe_load(files["databricks.yml"])
    assert set(root) <= TOP_LEVEL and root["bundle"]["name"]
    assert all(set(t) <= TARGET_KEYS for t in root["targets"].values())
    assert sum(bool(t.get("default")) for t in root["targets"].values()) == 1
    included = [p for p in files if any(fnmatch.fnmatch(p, g) for g in root["include"])]
    assert included and all(p.startswith("resources/") for p in included)
    keys = set()
    for path in included:
        doc = yaml.safe_load(files[path])
        assert set(doc) == {"resources"}
        for kind, items in doc["resources"].items():
            assert kind in ("pipelines", "jobs")
            for key, resource in items.items():
                keys.add((kind, key))
                schema = pipelines.PipelineSpec if kind == "pipelines" else jobs.JobSettings
                check_body(schema, resource, extra=BUNDLE_ONLY)
                for ref in _paths(resource):
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref)).replace("/**", "")
                    assert any(p == target or p.startswith(target + "/") for p in files), ref
    for kind, key in keys:
        if kind == "jobs":
            for task in yaml.safe_load(files[f"resources/{key}.job.yml"])["resources"]["jobs"][key]["tasks"]:
                if "pipeline_task" in task:
                    ref = task["pipeline_task"]["pipeline_id"]
                    assert ref.startswith("${resources.pipelines.") and ("pipelines", ref.split(".")[2]) in keys


def _paths(resource: dict) -> list[str]:
    out = [lib["glob"]["include"] for lib in resource.get("libraries", []) if "glob" in lib]
    out += [t["spark_python_task"]["python_file"] for t in resource.get("tasks", []) if "spark_python_task" in t]
    return out + ([resource["root_path"]] if "root_path" in resource else [])


def test_sdp_bundle(pipeline):
    files = bundle_files(pipeline, DeployOptions(target="sdp-sql"))
    assert sorted(files) == ["databricks.yml", "resources/card_fraud.pipeline.yml", "src/transformations/pipeline.sql"]
    check_bundle(files)
    spec = yaml.safe_load(files["resources/card_fraud.pipeline.yml"])["resources"]["pipelines"]["card_fraud"]
    assert spec["libraries"] == [{"glob": {"include": "../src/transformations/**"}}] and spec["serverless"] is True


def test_hybrid_bundle_references_its_pipeline(pipeline, hybrid_code):
    files = bundle_files(pipeline, DeployOptions(schedule="cron", cron="0 0 * * * ?"), code=hybrid_code)
    check_bundle(files)
    job = yaml.safe_load(files["resources/card_fraud.job.yml"])["resources"]["jobs"]["card_fraud"]
    assert job["tasks"][0]["pipeline_task"]["pipeline_id"] == "${resources.pipelines.card_fraud.id}"
    assert job["tasks"][1]["spark_python_task"]["python_file"] == "../src/stream_job.py"
    assert job["schedule"]["timezone_id"] == "UTC"


def test_yaml_quotes_hostile_text():
    value = {"name": "x\": {evil: 1}\n- y", "odd key: 1": ["a'b", True, None, 3]}
    assert yaml.safe_load(to_yaml(value)) == value


def test_bundle_command_writes_the_folder(tmp_path, pipeline, capsys):
    source = tmp_path / "p.lakestream.json"
    source.write_text(pipeline.to_json())
    assert main(["bundle", str(source), "--out", str(tmp_path / "out"), "--target", "sss"]) == 0
    written = {str(p.relative_to(tmp_path / "out")): p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    check_bundle(written)
    assert "databricks bundle deploy" in capsys.readouterr().out
    assert main(["bundle", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o2")]) == 2


def test_pinned_rows_bring_a_pattern_test_job_that_runs_lakestream_test(tmp_path):
    """The job validates against the Jobs API schema, and its runner, executed here on the bundle's own files,
    passes on the pinned rows and fails (exit 1) once a pinned row differs."""
    import json
    import subprocess
    import sys

    from lakestream.gallery import instantiate
    from tests.gallery.templates import CARDS

    pipeline = instantiate(next(c for c in CARDS if c.folder.name == "sla_breach"))
    files = bundle_files(pipeline)
    check_bundle(files)
    key = yaml.safe_load(files["databricks.yml"])["bundle"]["name"]
    job = yaml.safe_load(files[f"resources/{key}_pattern_tests.job.yml"])["resources"]["jobs"][f"{key}_pattern_tests"]
    task = job["tasks"][0]
    assert task["spark_python_task"]["python_file"] == "../src/pattern_tests/run_pattern_tests.py"
    assert job["environments"][0]["spec"]["dependencies"] == ["${var.lakestream_package}"]
    assert "lakestream_package" in yaml.safe_load(files["databricks.yml"])["variables"]
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    runner = tmp_path / "src/pattern_tests/run_pattern_tests.py"
    document = tmp_path / "src/pattern_tests/pipeline.lakestream.json"
    # the job installs lakestream; here the repository stands in for that package
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    passed = subprocess.run([sys.executable, str(runner)], capture_output=True, text=True, timeout=300, env=env)
    assert passed.returncode == 0 and "1 passed, 0 failed (engine)" in passed.stdout, passed.stderr
    data = json.loads(document.read_text())
    data["expectations"]["sla_breach"][0]["request_id"] = "r-999"
    document.write_text(json.dumps(data))
    failed = subprocess.run([sys.executable, str(runner), str(document)], capture_output=True, text=True, timeout=300,
                            env=env)
    assert failed.returncode == 1 and "FAILED: sla_breach" in failed.stdout, failed.stdout + failed.stderr
    assert not any("pattern_tests" in p for p in bundle_files(pipeline.model_copy(update={"expectations": {}})))
