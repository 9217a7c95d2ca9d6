"""The real Databricks CLI (built from source by .ci/databricks_cli.sh) validates and deploys every gallery
template's exported bundle against the wire-level fake workspace.

The CLI runs with its telemetry, update check and compatibility-manifest fetch switched off, the
direct deployment engine (no Terraform), and HTTP(S)_PROXY pointing at a local trap that records any
connection: a download attempt of Terraform or anything else would reach the trap, and the tests
assert it never does.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in (ROOT / "templates" / "gallery").glob("*/*.lakestream.json"))


def _cli() -> Path:
    path = Path(os.environ.get("LAKESTREAM_DATABRICKS_CLI") or Path.home() / ".cache/lakestream/bin/databricks")
    require(path.is_file() and os.access(path, os.X_OK), f"the Databricks CLI at {path} (bash .ci/databricks_cli.sh)")
    return path


class Trap:
    """A local TCP listener standing where HTTP(S)_PROXY points: counts every connection attempt."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.socket.close()


@pytest.fixture(scope="module")
def cli():
    return _cli()


@pytest.fixture
def trap():
    t = Trap()
    yield t
    t.close()


def _env(fake, trap, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "BUNDLE_", "TF_"))}
    proxy = f"http://127.0.0.1:{trap.port}"
    env.update({
        "HOME": str(home), "DATABRICKS_HOST": fake.url, "DATABRICKS_TOKEN": "dapi-test",
        "DATABRICKS_CONFIG_FILE": str(home / "no-databrickscfg"),
        "DATABRICKS_BUNDLE_ENGINE": "direct",  # no Terraform
        "DATABRICKS_TF_EXEC_PATH": str(home / "no-terraform"), "DATABRICKS_TF_VERSION": "0.0.0",
        "DATABRICKS_CLI_DISABLE_TELEMETRY": "true", "DATABRICKS_CLI_DISABLE_UPDATE_CHECK": "true",
        "DATABRICKS_FORCE_EMBEDDED_COMPAT": "true", "DATABRICKS_CACHE_ENABLED": "false",
        "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy, "https_proxy": proxy,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    })
    return env


def _run(command, cwd, env, timeout=180):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _export(template: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    _run([sys.executable, "-m", "lakestream", "bundle", str(template), "--out", str(out)], ROOT, env)
    return json.loads(template.read_text())


def test_every_gallery_template_is_found():
    assert len(TEMPLATES) == 12


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.parent.name for t in TEMPLATES])
def test_bundle_validates_and_deploys_with_the_databricks_cli(template, cli, fake, trap, tmp_path):
    bundle = tmp_path / "bundle"
    doc = _export(template, bundle)
    env = _env(fake, trap, tmp_path)

    validated = json.loads(_run([cli, "bundle", "validate", "--output", "json"], bundle, env).stdout)
    resources = validated.get("resources", {})
    assert validated["workspace"]["current_user"]["userName"] == "tester@example.com"
    declared = sorted({p.name.split(".")[1] for p in (bundle / "resources").glob("*.yml")})
    assert sorted(k.rstrip("s") for k in resources) == declared  # pipelines / jobs, as exported
    for kind in resources.values():
        for spec in kind.values():
            assert doc["name"] in spec["name"]  # dev mode prefixes "[dev tester]"

    _run([cli, "bundle", "deploy"], bundle, env)
    files = f"/Workspace/Users/tester@example.com/.bundle/{validated['bundle']['name']}/dev/files"
    uploaded = {p.removeprefix(files + "/") for p, o in fake.objects.items()
                if p.startswith(files + "/") and o["object_type"] == "FILE"}
    local = {str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file() and ".databricks" not in p.parts}
    assert local <= uploaded
    for path in local:
        assert fake.objects[f"{files}/{path}"]["content"] == (bundle / path).read_bytes()
    if "pipelines" in resources:
        pipeline, = fake.pipelines.values()
        spec = pipeline["spec"]
        assert doc["name"] in spec["name"] and spec["tags"]["lakestream"] == doc["id"]
        assert spec["libraries"][0]["glob"]["include"] == f"{files}/src/transformations/**"
    if "jobs" in resources:
        tests_job, = [j["settings"] for j in fake.jobs.values() if "lakestream_tests" in j["settings"].get("tags", {})]
        assert tests_job["tags"]["lakestream_tests"] == doc["id"] and doc["name"] in tests_job["name"]
        task, = tests_job["tasks"]  # the pattern tests: the bundle's runner on the bundle's document
        assert task["spark_python_task"] == {"python_file": f"{files}/src/pattern_tests/run_pattern_tests.py",
                                             "parameters": [f"{files}/src/pattern_tests/pipeline.lakestream.json"]}
        environment, = tests_job["environments"]
        assert environment["spec"]["dependencies"][0].startswith("lakestream==")
        job, = [j for j in fake.jobs.values() if "lakestream" in j["settings"].get("tags", {})]
        settings = job["settings"]
        assert doc["name"] in settings["name"] and settings["tags"]["lakestream"] == doc["id"]
        for task in settings["tasks"]:
            if "spark_python_task" in task:
                assert task["spark_python_task"]["python_file"] == f"{files}/src/stream_job.py"
            if "pipeline_task" in task:
                assert task["pipeline_task"]["pipeline_id"] in fake.pipelines
    assert trap.connections == 0, "the CLI tried to reach something other than the workspace"
    assert not list((bundle / ".databricks").rglob("terraform*"))
