"""Deploy test fixtures: a fresh fake workspace per test, and the repo root importable as `tests.*`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # plain `pytest` puts only tests/ on sys.path
    sys.path.insert(0, str(ROOT))

from tests.fakes.workspace import FakeWorkspace  # noqa: E402


@pytest.fixture
def fake():
    with FakeWorkspace() as ws:
        yield ws


DOC = {
    "id": "7d0c5a52-4c1e-4f55-9a43-0d3d1c1f2a10",
    "name": "Card fraud",
    "settings": {"catalog": "main", "schema": "fraud"},
    "nodes": [
        {"id": "n1", "type": "kafka_source", "label": "Payments",
         "config": {"bootstrap_servers": "broker:9092", "topics": ["payments"],
                    "schema": [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"}]}},
        {"id": "n2", "type": "filter", "label": "Large", "config": {"condition": "amount > 100"}},
        {"id": "n3", "type": "delta_table_sink", "label": "Alerts", "config": {"table": "main.fraud.large"}},
    ],
    "edges": [{"id": "e1", "source": "n1", "target": "n2"}, {"id": "e2", "source": "n2", "target": "n3"}],
}


@pytest.fixture
def pipeline():
    from lakestream.pipeline import load_pipeline

    return load_pipeline(DOC)


class HybridCode:
    """A tiny GeneratedCode of the hybrid shape, for deploy tests independent of the pattern templates."""

    target = "hybrid"
    warnings = ()
    files = {
        "transformations/pipeline.sql": "CREATE STREAMING TABLE large AS SELECT * FROM STREAM(main.fraud.raw);\n",
        "stream_job.py": 'def main():\n    pass\n\n\nif __name__ == "__main__":\n    main()\n',
        "lakestream_cep.py": "STATE = {}\n",
    }

    def explanation(self) -> str:
        return "hybrid: the sequence pattern needs per-key state"


@pytest.fixture
def hybrid_code():
    return HybridCode()


@pytest.fixture
def store(tmp_path):
    from lakestream.store import open_store

    return open_store("local", home=tmp_path / "home", user="tester@example.com")


@pytest.fixture
def no_workspace(monkeypatch, tmp_path):
    """No Databricks configuration at all (environment or ~/.databrickscfg)."""
    import os

    for name in list(os.environ):
        if name.startswith("DATABRICKS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "no-lakestream-home"))  # no profile chosen in the app


@pytest.fixture
def cfg(no_workspace, tmp_path, monkeypatch):
    """An empty ~/.databrickscfg of the test's own (DATABRICKS_CONFIG_FILE), and LakeStream's home."""
    path = tmp_path / "databrickscfg"
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(path))
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    return path


@pytest.fixture
def workspace_env(fake, no_workspace, monkeypatch):
    """The environment pointing at the fake workspace, as a user would set it."""
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test")
    return fake
