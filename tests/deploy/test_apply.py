"""Deploys against the wire-level fake workspace with the real databricks-sdk."""

from __future__ import annotations

import pytest

from lakestream.deploy import DeployError, DeployOptions, deploy

FOLDER = "/Workspace/Users/tester@example.com/lakestream/card-fraud"


def _steps():
    seen = []
    return seen, lambda step, total, action, state, message: seen.append((step, total, action.kind, state))


def test_first_deploy_uploads_creates_starts_and_records_history(fake, store, pipeline):
    saved = store.create(pipeline)
    seen, progress = _steps()
    result = deploy(saved, DeployOptions(target="sdp-python"), fake.client(), store=store, progress=progress)
    assert result.ok and result.error is None
    assert fake.objects[f"{FOLDER}/transformations/pipeline.py"]["content"].startswith(b"# LakeStream pipeline")
    (pipeline_id, record), = fake.pipelines.items()
    assert result.pipeline_id == pipeline_id and record["spec"]["tags"] == {"lakestream": saved.id}
    assert record["spec"]["libraries"] == [{"glob": {"include": f"{FOLDER}/transformations/**"}}]
    assert len(record["updates"]) == 1 and result.update_id == record["updates"][0]["update_id"]
    assert result.links["pipeline"] == f"{fake.url}/pipelines/{pipeline_id}"
    assert [s[3] for s in seen].count("done") == len(seen) // 2 and seen[-1][:2] == (seen[-1][1], len(seen) // 2)
    history = store.deploy_history(saved.id)
    assert [h.status for h in history] == ["succeeded"] and history[0].by == "tester@example.com"
    assert history[0].details["pipeline_id"] == pipeline_id and history[0].version == saved.version


def test_redeploy_updates_the_same_objects(fake, store, pipeline):
    saved = store.create(pipeline)
    options = DeployOptions(target="sss", schedule="cron", cron="0 0 * * * ?")
    first = deploy(saved, options, fake.client(), store=store)
    changed = store.save(saved.model_copy(update={"description": "v2"}), expected_version=saved.version)
    second = deploy(changed, options.model_copy(update={"timezone": "Europe/Paris"}), fake.client(), store=store)
    assert second.job_id == first.job_id and len(fake.jobs) == 1
    assert fake.jobs[first.job_id]["settings"]["schedule"]["timezone_id"] == "Europe/Paris"
    assert len(fake.calls("POST", r"/jobs/reset$")) == 1 and len(fake.calls("POST", r"/jobs/create$")) == 1
    assert "run" in second.links and second.links["run"].startswith(f"{fake.url}/jobs/{first.job_id}/runs/")
    assert [h.version for h in store.deploy_history(saved.id)] == [changed.version, saved.version]


def test_redeploy_without_history_finds_objects_by_name_and_tag(fake, pipeline):
    options = DeployOptions(target="sdp-sql", start=False)
    first = deploy(pipeline, options, fake.client())
    second = deploy(pipeline, options, fake.client())
    assert first.pipeline_id == second.pipeline_id and len(fake.pipelines) == 1
    assert len(fake.calls("PUT", r"/api/2\.0/pipelines/")) == 1


def test_a_same_named_object_not_deployed_by_lakestream_is_never_taken_over(fake, pipeline):
    fake.client().pipelines.create(name="Card fraud", catalog="main", schema="other")
    with pytest.raises(DeployError, match="already exists .* not deployed by LakeStream"):
        deploy(pipeline, DeployOptions(target="sdp-sql"), fake.client())
    assert len(fake.pipelines) == 1


def test_hybrid_deploy_wires_the_pipeline_into_the_job(fake, pipeline, hybrid_code):
    result = deploy(pipeline, DeployOptions(), fake.client(), code=hybrid_code)
    job = fake.jobs[result.job_id]["settings"]
    assert job["tasks"][0] == {"task_key": "prepare", "pipeline_task": {"pipeline_id": result.pipeline_id}}
    assert job["tasks"][1]["depends_on"] == [{"task_key": "prepare"}]
    assert f"{FOLDER}/lakestream_cep.py" in fake.objects and result.run_id in fake.runs


def test_failure_mid_plan_is_clear_recorded_and_rerun_completes(fake, store, pipeline):
    saved = store.create(pipeline)
    fake.inject("POST", r"/api/2\.2/jobs/create$", status=500)
    with pytest.raises(DeployError) as caught:
        deploy(saved, DeployOptions(target="sss"), fake.client(), store=store)
    message = str(caught.value)
    assert message.startswith("Deploy failed at step 4 of 5 (Create or reset job 'Card fraud'")
    assert "INTERNAL_ERROR" in message and "deploy again" in message
    assert fake.jobs == {} and f"{FOLDER}/stream_job.py" in fake.objects
    failed, = store.deploy_history(saved.id)
    assert failed.status == "failed" and failed.details["error"] == message
    result = deploy(saved, DeployOptions(target="sss"), fake.client(), store=store)
    assert result.ok and len(fake.jobs) == 1
    assert [h.status for h in store.deploy_history(saved.id)] == ["succeeded", "failed"]


def test_permission_denied_names_the_step(fake, pipeline):
    fake.deny("POST", r"/api/2\.0/workspace/mkdirs")
    with pytest.raises(DeployError, match=r"step 1 of .*permission denied"):
        deploy(pipeline, DeployOptions(target="sss"), fake.client())
    assert fake.jobs == {}


def test_a_workspace_that_does_not_answer_times_out_quickly(fake, pipeline):
    fake.inject("POST", r"/api/2\.0/pipelines$", status=None, delay=1.5, times=20)
    client = fake.client(retry_timeout=1, http_timeout=0.5)
    with pytest.raises(DeployError, match="did not answer within 0.5 s") as caught:
        deploy(pipeline, DeployOptions(target="sdp-sql"), client)
    assert caught.value.step == 5
    fake.inject("POST", r"/api/2\.0/pipelines$", status=None, times=0)
    import time

    time.sleep(1.6)  # the slow requests complete on the server after the client gave up
    result = deploy(pipeline, DeployOptions(target="sdp-sql"), fake.client())
    assert result.ok and len(fake.pipelines) == 1  # the name guard made the late creates harmless


def test_hybrid_deploy_with_the_real_generator(fake):
    from lakestream.pipeline import load_pipeline

    absence = {"key_columns": ["customer_id"], "event_time_column": "ts", "watermark_delay": "5 minutes",
               "trigger_condition": "status = 'add_to_cart'", "expected_condition": "status = 'purchase'",
               "timeout": "1 hour"}
    columns = [{"name": "customer_id", "type": "string"}, {"name": "status", "type": "string"},
               {"name": "ts", "type": "timestamp"}]
    doc = load_pipeline({
        "name": "Cart abandon", "code_target": "hybrid", "settings": {"catalog": "main", "schema": "shop"},
        "nodes": [
            {"id": "n1", "type": "kafka_source", "config": {"bootstrap_servers": "b:9092", "topics": ["events"],
                                                            "schema": columns}},
            {"id": "n2", "type": "filter", "config": {"condition": "status IS NOT NULL"}},
            {"id": "n3", "type": "absence_detector", "config": absence},
            {"id": "n4", "type": "delta_table_sink", "config": {"table": "main.shop.abandoned"}},
        ],
        "edges": [{"id": "e1", "source": "n1", "target": "n2"}, {"id": "e2", "source": "n2", "target": "n3"},
                  {"id": "e3", "source": "n3", "target": "n4"}],
    })
    result = deploy(doc, DeployOptions(), fake.client())
    folder = "/Workspace/Users/tester@example.com/lakestream/cart-abandon"
    assert result.target == "hybrid" and f"{folder}/lakestream_cep/__init__.py" in fake.objects
    tasks = fake.jobs[result.job_id]["settings"]["tasks"]
    assert [t["task_key"] for t in tasks] == ["prepare", "patterns"]
    assert tasks[1]["spark_python_task"]["python_file"] == f"{folder}/stream_job.py"
    assert fake.pipelines[result.pipeline_id]["spec"]["libraries"][0]["glob"]["include"] == f"{folder}/transformations/**"
    source = fake.objects[f"{folder}/stream_job.py"]["content"].decode()
    compile(source, "stream_job.py", "exec")  # what was uploaded is the generated Python, intact


def test_files_no_longer_generated_are_removed_on_redeploy(fake, pipeline):
    deploy(pipeline, DeployOptions(target="sdp-python", start=False), fake.client())
    assert f"{FOLDER}/transformations/pipeline.py" in fake.objects
    fake.objects[f"{FOLDER}/notes.txt"] = {"object_type": "FILE", "object_id": 1, "content": b""}
    deploy(pipeline, DeployOptions(target="sdp-sql", start=False), fake.client())
    files = sorted(p for p, o in fake.objects.items() if p.startswith(FOLDER + "/") and o["object_type"] == "FILE")
    assert files == [f"{FOLDER}/transformations/pipeline.sql"]  # the Python file would be a second definition
