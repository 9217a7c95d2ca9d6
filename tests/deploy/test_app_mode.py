"""Databricks App mode: per-user identity from the proxy headers, per-user stores, the user's own token."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from lakestream.cli import build_parser
from lakestream.deploy import DeployError, DeployOptions, deploy
from lakestream.deploy.app import AppModeError, identity_from_headers, store_for, user_from_headers
from lakestream.store import NotFound
from lakestream.store.store import default_user

ANA = {"X-Forwarded-Email": "ana@example.com", "X-Forwarded-Access-Token": "dapi-ana-secret"}
BOB = {"x-forwarded-email": "bob@example.com", "x-forwarded-access-token": "dapi-bob-secret"}


@pytest.fixture
def app_env(workspace_env, monkeypatch):
    """The environment of a Databricks App whose service principal can use the volume store."""
    fake = workspace_env
    fake.add_user("dapi-app", "app-service-principal")
    fake.add_user("dapi-ana-secret", "ana@example.com")
    fake.add_user("dapi-bob-secret", "bob@example.com")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-app")
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_APP_NAME", "lakestream")
    monkeypatch.setenv("DATABRICKS_APP_PORT", "8123")
    monkeypatch.setenv("LAKESTREAM_VOLUME", "/Volumes/main/default/lakestream")
    return fake


def test_two_users_cannot_list_or_open_each_others_pipelines(app_env, pipeline):
    ana, bob = identity_from_headers(ANA), identity_from_headers(BOB)
    assert (ana.user, bob.user) == ("ana@example.com", "bob@example.com")
    saved = store_for(ana).create(pipeline)
    assert [s.id for s in store_for(ana).list()] == [saved.id]
    assert store_for(bob).list() == []
    with pytest.raises(NotFound):
        store_for(bob).get(saved.id)
    assert all("/users/ana@example.com/" in path for path in app_env.files)


def test_the_deploy_uses_the_token_of_the_user_who_clicked(app_env, pipeline, caplog):
    caplog.set_level(logging.DEBUG)
    ana = identity_from_headers(ANA)
    store = store_for(ana)
    saved = store.create(pipeline)
    first = len(app_env.requests)
    result = deploy(saved, DeployOptions(target="sss"), ana.client(), store=store)
    by_deploy = [r for r in app_env.requests[first:] if not r.path.startswith("/api/2.0/fs/")]
    assert by_deploy and {r.user for r in by_deploy if r.user} == {"ana@example.com"}
    assert app_env.jobs[result.job_id]["creator"] == "ana@example.com"
    assert "/Workspace/Users/ana@example.com/lakestream/card-fraud/stream_job.py" in app_env.objects
    # Bob lacks the right to create jobs: his deploy fails with his permissions, not the app's.
    app_env.deny("POST", r"/api/2\.2/jobs/create", user="bob@example.com")
    bob = identity_from_headers(BOB)
    bobs = pipeline.model_copy(update={"id": "0b0b0b0b-4c1e-4f55-9a43-0d3d1c1f2a10"})
    with pytest.raises(DeployError, match="permission denied"):
        deploy(bobs, DeployOptions(target="sss"), bob.client())
    assert len(app_env.jobs) == 1
    # The tokens are never logged, shown or stored.
    stored = b"".join(entry["data"] for entry in app_env.files.values())
    for secret in ("dapi-ana-secret", "dapi-bob-secret"):
        assert secret not in caplog.text and secret not in repr(ana) + repr(bob)
        assert secret.encode() not in stored
    assert "dapi-ana-secret" not in str(store.deploy_history(saved.id)[0].details)


def test_without_app_mode_forged_headers_change_nothing(workspace_env, pipeline):
    forged = {"X-Forwarded-Email": "mallory@example.com", "X-Forwarded-Access-Token": "dapi-test"}
    identity = identity_from_headers(forged)
    assert identity.user == default_user() and identity.token is None and not identity.app_mode
    assert user_from_headers(forged) == default_user()
    workspace_env.add_user("dapi-mallory", "mallory@example.com")
    forged["X-Forwarded-Access-Token"] = "dapi-mallory"
    result = deploy(pipeline, DeployOptions(target="sss"), identity_from_headers(forged).client())
    assert workspace_env.jobs[result.job_id]["creator"] == "tester@example.com"  # the configured identity


def test_app_mode_needs_the_proxy_headers_and_a_user_token(app_env):
    with pytest.raises(AppModeError, match="X-Forwarded-Email"):
        identity_from_headers({"X-Forwarded-Access-Token": "dapi-ana-secret"})
    no_token = identity_from_headers({"X-Forwarded-Email": "ana@example.com"})
    with pytest.raises(AppModeError, match="user authorization"):
        no_token.client()


def test_app_yaml_runs_the_ui_command():
    spec = yaml.safe_load((Path(__file__).parents[2] / "app.yaml").read_text())
    assert spec["command"][:2] == ["lakestream", "ui"]
    assert {e["name"] for e in spec["env"]} == {"LAKESTREAM_STORE", "LAKESTREAM_VOLUME"}
    assert all(set(e) in ({"name", "value"}, {"name", "valueFrom"}) for e in spec["env"])
    assert build_parser().parse_args(spec["command"][1:]).command == "ui"
