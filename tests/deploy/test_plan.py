"""Deploy plans: every action and its exact payload, without a workspace."""

from __future__ import annotations

import pytest
from databricks.sdk.service import jobs, pipelines

from lakestream.deploy import DeployOptions, PlanError, parse_options, plan
from lakestream.errors import UserError
from tests.fakes.validation import check_body

USER = "ana@example.com"
FOLDER = "/Workspace/Users/ana@example.com/lakestream/card-fraud"


def test_sdp_plan_uploads_then_creates_a_serverless_pipeline(pipeline):
    the_plan = plan(pipeline, DeployOptions(target="sdp-sql"), user=USER)
    kinds = [a.kind for a in the_plan.actions]
    assert kinds == ["mkdirs", "mkdirs", "upload", "prune", "pipeline", "start_pipeline"]
    assert the_plan.actions[1].payload == {"path": f"{FOLDER}/transformations"}
    upload = the_plan.actions[2]
    assert upload.payload["path"] == f"{FOLDER}/transformations/pipeline.sql"
    assert "CREATE" in upload.content and upload.payload["bytes"] == len(upload.content.encode())
    assert the_plan.actions[3].payload == {"folder": FOLDER, "keep": [upload.payload["path"]]}
    spec = the_plan.actions[4].payload
    assert spec == {
        "name": "Card fraud", "catalog": "main", "schema": "fraud", "root_path": FOLDER, "channel": "CURRENT",
        "libraries": [{"glob": {"include": f"{FOLDER}/transformations/**"}}],
        "configuration": {"lakestream.pipeline_id": pipeline.id, "spark.sql.ansi.enabled": "false"}, "tags": {"lakestream": pipeline.id},
        "serverless": True,
    }
    check_body(pipelines.PipelineSpec, spec)  # the payload is a valid SDK PipelineSpec
    assert the_plan.describe()[1].startswith("Target: sdp-sql")


def test_sss_plan_creates_a_cron_job_on_serverless(pipeline):
    options = DeployOptions(target="sss", schedule="cron", cron="0 0/15 * * * ?", timezone="Europe/Berlin",
                            checkpoint_root="/Volumes/main/fraud/chk")
    the_plan = plan(pipeline, options, user=USER)
    assert [a.kind for a in the_plan.actions] == ["mkdirs", "upload", "prune", "job", "run_job"]
    assert "/Volumes/main/fraud/chk" in the_plan.actions[1].content  # the checkpoint root reaches the code
    job = the_plan.actions[3].payload
    assert job["tasks"] == [{"task_key": "patterns", "environment_key": "default",
                             "spark_python_task": {"python_file": f"{FOLDER}/stream_job.py"}}]
    assert job["environments"] == [{"environment_key": "default", "spec": {"environment_version": "4"}}]
    assert job["schedule"] == {"quartz_cron_expression": "0 0/15 * * * ?", "timezone_id": "Europe/Berlin",
                               "pause_status": "UNPAUSED"}
    assert job["max_concurrent_runs"] == 1 and job["tags"] == {"lakestream": pipeline.id}
    check_body(jobs.JobSettings, job)


def test_cluster_and_continuous_variants(pipeline):
    the_plan = plan(pipeline, DeployOptions(target="sss", compute="new_cluster", schedule="continuous",
                                            node_type_id="m5.large", num_workers=2), user=USER)
    job = the_plan.actions[-1].payload
    assert job["continuous"] == {"pause_status": "UNPAUSED"} and "schedule" not in job
    assert job["job_clusters"][0]["new_cluster"] == {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5.large",
                                                     "num_workers": 2}
    assert job["tasks"][0]["job_cluster_key"] == "main"
    assert "starts by itself" in the_plan.notes[-1]
    existing = plan(pipeline, DeployOptions(target="sss", compute="existing_cluster", cluster_id="0101-abc", start=False),
                    user=USER)
    assert existing.actions[-1].payload["tasks"][0]["existing_cluster_id"] == "0101-abc"
    with pytest.raises(PlanError, match="existing cluster"):
        plan(pipeline, DeployOptions(target="sdp-sql", compute="existing_cluster", cluster_id="x"), user=USER)


def test_hybrid_plan_refreshes_the_pipeline_before_the_stateful_task(pipeline, hybrid_code):
    the_plan = plan(pipeline, DeployOptions(schedule="cron", cron="0 0 * * * ?"), user=USER, code=hybrid_code)
    kinds = [a.kind for a in the_plan.actions]
    assert kinds == ["mkdirs", "mkdirs", "upload", "upload", "upload", "prune", "pipeline", "job", "run_job"]
    tasks = the_plan.actions[7].payload["tasks"]
    assert tasks[0] == {"task_key": "prepare", "pipeline_task": {"pipeline_id": "${pipeline.id}"}}
    assert tasks[1]["depends_on"] == [{"task_key": "prepare"}]
    assert tasks[1]["spark_python_task"]["python_file"] == f"{FOLDER}/stream_job.py"


def test_bad_options_and_users_get_clear_messages(pipeline):
    with pytest.raises(UserError, match="Quartz"):
        parse_options({"schedule": "cron", "cron": "every hour"})
    with pytest.raises(UserError, match="schema: 'x; drop' is not a catalog or schema name"):
        parse_options({"schema": "x; drop"})
    with pytest.raises(UserError, match="time zone"):
        parse_options({"schedule": "cron", "cron": "0 0 * * * ?", "timezone": "Mars/Olympus"})
    with pytest.raises(UserError, match="cluster_id"):
        parse_options({"compute": "existing_cluster"})
    with pytest.raises(PlanError, match="not a workspace user"):
        plan(pipeline, DeployOptions(target="sss"), user="../etc")
    no_schema = pipeline.model_copy(update={"settings": pipeline.settings.model_copy(update={"schema_": None})})
    with pytest.raises(PlanError, match="catalog and a schema"):
        plan(no_schema, DeployOptions(target="sdp-sql"), user=USER)


def test_folder_names_never_come_raw_from_user_text(pipeline):
    hostile = pipeline.model_copy(update={"name": "../../x'; rm -rf /"})
    the_plan = plan(hostile, DeployOptions(target="sss"), user=USER)
    assert the_plan.folder == "/Workspace/Users/ana@example.com/lakestream/x-rm-rf"
    assert all(".." not in a.payload.get("path", "") for a in the_plan.actions)


def test_continuous_declarative_pipeline_is_wrapped_in_a_continuous_job(pipeline, hybrid_code):
    the_plan = plan(pipeline, DeployOptions(target="sdp-sql", schedule="continuous"), user=USER)
    spec, job = the_plan.actions[4].payload, the_plan.actions[5].payload
    assert "continuous" not in spec  # deprecated on pipelines: the job makes it continuous
    assert job["continuous"] == {"pause_status": "UNPAUSED"}
    assert job["tasks"] == [{"task_key": "prepare", "pipeline_task": {"pipeline_id": "${pipeline.id}"}}]
    assert [a.kind for a in the_plan.actions][-1] == "job"  # the continuous job starts by itself
    hybrid = plan(pipeline, DeployOptions(schedule="continuous"), user=USER, code=hybrid_code)
    spec, job = hybrid.actions[6].payload, hybrid.actions[7].payload
    assert spec["continuous"] is True and [t["task_key"] for t in job["tasks"]] == ["patterns"]
