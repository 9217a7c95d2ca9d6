"""Status polling, catalog browsing, connection checks and `lakestream deploy`, against the fake workspace."""

from __future__ import annotations

import json
import time

import pytest

from lakestream.cli import main
from lakestream.deploy import DeployOptions, NotConnected, check_connection, connect, deploy
from lakestream.deploy.catalog import CatalogBrowser, CatalogError
from lakestream.deploy.status import poll, status


def test_status_follows_the_update_and_reports_pipeline_errors(fake, pipeline):
    fake.pipeline_outcome = "FAILED"
    result = deploy(pipeline, DeployOptions(target="sdp-sql"), fake.client())
    seen = list(poll(fake.client(), result.details(), interval=0, timeout=10))
    assert [s.update_state for s in seen] == ["INITIALIZING", "RUNNING", "FAILED"]
    final = seen[-1]
    assert final.finished and final.failed and "pipeline update failed" in final.summary()
    assert fake.failure_message in final.errors[0]
    assert final.links["pipeline"] == f"{fake.url}/pipelines/{result.pipeline_id}"


def test_status_of_a_job_run_has_its_page_link(fake, pipeline):
    result = deploy(pipeline, DeployOptions(target="sss"), fake.client())
    assert "/Workspace/Users/tester@example.com/lakestream/card-fraud/stream_job.py" in fake.objects
    final = list(poll(fake.client(), result.details(), interval=0, timeout=10))[-1]
    assert (final.run_state, final.run_result) == ("TERMINATED", "SUCCESS")
    assert final.links["run"] == f"{fake.url}/jobs/{result.job_id}/runs/{result.run_id}"


def test_status_problems_are_reported_not_raised(fake):
    fake.inject("GET", r"/api/2\.0/pipelines/", status=403)
    current = status(fake.client(), {"pipeline_id": "p-1"})
    assert current.finished and "permission denied" in current.problem


def test_catalog_browsing_is_cached_per_session(fake):
    fake.add_table("main.fraud.payments", [("card_id", "string"), ("amount", "double"), ("n", "long")])
    browser = CatalogBrowser(fake.client())
    assert browser.catalogs() == ["main"]
    assert browser.schemas("main") == ["default", "fraud"]
    assert browser.tables("main", "fraud") == ["payments"]
    assert browser.schema_fields("main.fraud.payments") == [
        {"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"}, {"name": "n", "type": "bigint"}]
    calls = len(fake.requests)
    browser.catalogs(), browser.tables("main", "fraud"), browser.columns("main.fraud.payments")
    assert len(fake.requests) == calls  # answered from the cache
    browser.refresh()
    assert browser.catalogs() == ["main"] and len(fake.requests) == calls + 1
    with pytest.raises(CatalogError, match="does not exist"):
        browser.columns("main.fraud.nope")
    with pytest.raises(CatalogError, match="catalog.schema.table"):
        browser.columns("nope")


def test_connection_check_is_short_and_never_raises(fake):
    assert check_connection(fake.client()).user == "tester@example.com"
    refused = check_connection(fake.client("dapi-bad"))
    assert not refused.ok and "refused the credentials" in refused.message
    fake.inject("GET", r"/scim/v2/Me$", status=None, delay=3, times=10)
    started = time.monotonic()
    checked = check_connection(fake.client(), timeout=0.5)
    assert not checked.ok and "did not answer" in checked.message and time.monotonic() - started < 4


def test_no_workspace_configured_explains_how_to_connect(no_workspace):
    with pytest.raises(NotConnected, match="DATABRICKS_HOST and DATABRICKS_TOKEN"):
        connect()


def test_cli_dry_run_without_a_workspace(no_workspace, tmp_path, pipeline, capsys):
    source = tmp_path / "p.json"
    source.write_text(pipeline.to_json())
    assert main(["deploy", str(source), "--dry-run", "--target", "sss", "--schedule", "cron",
                 "--cron", "0 0 * * * ?", "--json"]) == 0
    out = capsys.readouterr()
    planned = json.loads(out.out)
    assert [a["kind"] for a in planned["actions"]] == ["mkdirs", "upload", "prune", "job", "run_job"]
    assert "DATABRICKS_HOST" in out.err
    assert main(["deploy", str(source)]) == 1
    assert "No Databricks workspace is configured" in capsys.readouterr().err
    assert main(["deploy", str(source), "--dry-run", "--schedule", "cron", "--cron", "nope"]) == 1
    assert "Quartz" in capsys.readouterr().err


def test_cli_deploy_applies_prints_links_and_waits(workspace_env, tmp_path, pipeline, capsys):
    source = tmp_path / "p.json"
    source.write_text(pipeline.to_json())
    assert main(["deploy", str(source), "--target", "sdp-sql", "--wait", "--interval", "0.05"]) == 0
    out = capsys.readouterr().out
    pipeline_id, = workspace_env.pipelines
    assert f"pipeline: {workspace_env.url}/pipelines/{pipeline_id}" in out
    assert "[6/6] ok" in out and "status: pipeline update completed" in out
    workspace_env.deny("POST", r"/api/2\.0/workspace/import")
    assert main(["deploy", str(source), "--target", "sdp-sql"]) == 1
    assert "permission denied" in capsys.readouterr().err


def test_a_continuous_job_runs_by_itself_and_its_run_is_found(fake, pipeline):
    result = deploy(pipeline, DeployOptions(target="sss", schedule="continuous"), fake.client())
    assert result.run_id is None and not fake.calls("POST", r"/jobs/run-now$")
    current = [status(fake.client(), result.details()) for _ in range(3)][-1]
    assert current.run_state == "RUNNING" and not current.finished
    assert current.links["run"].startswith(f"{fake.url}/jobs/{result.job_id}/runs/")


def test_an_invalid_pipeline_is_refused_before_anything_is_done(no_workspace, tmp_path, capsys):
    from tests.deploy.conftest import DOC

    broken = {**DOC, "edges": DOC["edges"][:1]}  # the sink is no longer connected
    source = tmp_path / "broken.json"
    source.write_text(json.dumps(broken))
    assert main(["deploy", str(source), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lakestream: Cannot generate code for 'Card fraud'") and "Traceback" not in err


def test_an_unknown_profile_is_named(no_workspace, tmp_path, monkeypatch):
    config = tmp_path / "databrickscfg"
    config.write_text("[dev]\nhost = https://example.cloud.databricks.com\ntoken = dapi-x\n")
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(config))
    with pytest.raises(NotConnected, match="Profile 'prod' is not configured .*has no prod profile"):
        connect("prod")
    assert connect("dev").config.host == "https://example.cloud.databricks.com"


def test_cli_deploy_of_a_stored_pipeline_records_history(workspace_env, tmp_path, pipeline, monkeypatch, capsys):
    from lakestream.store import open_store

    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "home"))
    store = open_store("local")
    saved = store.create(pipeline)
    source = tmp_path / "p.json"
    source.write_text(saved.to_json())
    assert main(["deploy", str(source), "--target", "sss", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    record, = store.deploy_history(saved.id)
    assert record.status == "succeeded" and record.details["job_id"] == result["job_id"]
    assert main(["deploy", str(source), "--target", "sss", "--json"]) == 0  # the same job again
    assert len(workspace_env.jobs) == 1 and len(store.deploy_history(saved.id)) == 2
