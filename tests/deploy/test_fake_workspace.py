"""The fake workspace itself, driven by the real databricks-sdk: state, validation and injected failures."""

from __future__ import annotations

import io
import time

import pytest
from databricks.sdk import errors
from databricks.sdk.service import compute, jobs
from databricks.sdk.service import pipelines as dp
from databricks.sdk.service.workspace import ImportFormat, ObjectType

HOME = "/Workspace/Users/tester@example.com"


def test_current_user_and_tokens(fake):
    assert fake.client().current_user.me().user_name == "tester@example.com"
    fake.add_user("dapi-other", "other@example.com")
    assert fake.client("dapi-other").current_user.me().user_name == "other@example.com"
    with pytest.raises(errors.Unauthenticated):
        fake.client("dapi-wrong").current_user.me()
    assert all("dapi-" not in repr(r.user) for r in fake.requests)


def test_workspace_files_need_their_folder_and_overwrite(fake):
    w = fake.client()
    with pytest.raises(errors.NotFound, match="parent folder"):
        w.workspace.upload(f"{HOME}/app/main.py", b"print(1)\n", format=ImportFormat.AUTO)
    w.workspace.mkdirs(f"{HOME}/app/transformations")
    w.workspace.upload(f"{HOME}/app/main.py", b"print(1)\n", format=ImportFormat.AUTO)
    with pytest.raises(errors.ResourceAlreadyExists):
        w.workspace.upload(f"{HOME}/app/main.py", b"print(2)\n", format=ImportFormat.AUTO)
    w.workspace.upload(f"{HOME}/app/main.py", b"print(2)\n", format=ImportFormat.AUTO, overwrite=True)
    status = w.workspace.get_status(f"{HOME}/app/main.py")
    assert status.object_type is ObjectType.FILE and status.size == 9
    assert w.workspace.download(f"{HOME}/app/main.py").read() == b"print(2)\n"
    assert sorted(o.path for o in w.workspace.list(f"{HOME}/app")) == [f"{HOME}/app/main.py", f"{HOME}/app/transformations"]
    w.workspace.upload(f"{HOME}/app/nb.py", b"# Databricks notebook source\nx = 1\n", format=ImportFormat.AUTO)
    assert w.workspace.get_status(f"{HOME}/app/nb").object_type is ObjectType.NOTEBOOK
    with pytest.raises(errors.BadRequest, match="not empty"):
        w.workspace.delete(f"{HOME}/app")
    w.workspace.delete(f"{HOME}/app", recursive=True)
    with pytest.raises(errors.NotFound):
        w.workspace.get_status(f"{HOME}/app/main.py")


def test_files_api_round_trip(fake):
    w = fake.client()
    path = "/Volumes/main/default/store/users/a/p.json"
    w.files.upload(path, io.BytesIO(b'{"a": 1}'), overwrite=True)
    assert w.files.download(path).contents.read() == b'{"a": 1}'
    assert w.files.get_metadata(path).content_length == 8
    with pytest.raises(errors.AlreadyExists):
        w.files.upload(path, io.BytesIO(b"x"), overwrite=False)
    entries = list(w.files.list_directory_contents("/Volumes/main/default/store/users"))
    assert [(e.name, e.is_directory) for e in entries] == [("a", True)]
    w.files.create_directory("/Volumes/main/default/store/empty")
    w.files.get_directory_metadata("/Volumes/main/default/store/empty")
    with pytest.raises(errors.NotFound):
        w.files.get_directory_metadata("/Volumes/main/default/store/missing")
    w.files.delete(path)
    with pytest.raises(errors.NotFound):
        w.files.download(path).contents.read()
    with pytest.raises(errors.BadRequest):
        w.files.upload("/tmp/not-a-volume", io.BytesIO(b"x"))


def _create_pipeline(w, name="lakestream: demo", **extra):
    return w.pipelines.create(
        name=name, catalog="main", schema="fraud", serverless=True, root_path=f"{HOME}/demo",
        libraries=[dp.PipelineLibrary(glob=dp.PathPattern(include=f"{HOME}/demo/transformations/**"))],
        tags={"lakestream": "p1"}, **extra,
    ).pipeline_id


def test_pipelines_create_list_update_and_conflicts(fake):
    w = fake.client()
    pipeline_id = _create_pipeline(w)
    with pytest.raises(errors.ResourceConflict):
        _create_pipeline(w)
    assert [p.pipeline_id for p in w.pipelines.list_pipelines(filter="name LIKE 'lakestream: demo'")] == [pipeline_id]
    assert list(w.pipelines.list_pipelines(filter="name LIKE 'other%'")) == []
    got = w.pipelines.get(pipeline_id)
    assert got.spec.tags == {"lakestream": "p1"} and got.spec.libraries[0].glob.include.endswith("/transformations/**")
    spec = got.spec.as_dict() | {"schema": "fraud2"}
    w.api_client.do("PUT", f"/api/2.0/pipelines/{pipeline_id}", body=spec | {"expected_last_modified": got.last_modified})
    assert w.pipelines.get(pipeline_id).spec.schema == "fraud2"
    with pytest.raises(errors.ResourceConflict, match="modified"):
        w.pipelines.update(pipeline_id, name="lakestream: demo", expected_last_modified=got.last_modified)


def test_pipeline_updates_progress_and_failures_are_logged(fake):
    w = fake.client()
    pipeline_id = _create_pipeline(w)
    update_id = w.pipelines.start_update(pipeline_id).update_id
    states = [w.pipelines.get_update(pipeline_id, update_id).update.state.value for _ in range(4)]
    assert states == ["INITIALIZING", "RUNNING", "COMPLETED", "COMPLETED"]
    fake.pipeline_outcome = "FAILED"
    update_id = w.pipelines.start_update(pipeline_id).update_id
    with pytest.raises(errors.ResourceConflict, match="active update"):
        w.pipelines.start_update(pipeline_id)
    while w.pipelines.get_update(pipeline_id, update_id).update.state.value != "FAILED":
        pass
    errors_logged = list(w.pipelines.list_pipeline_events(pipeline_id, filter="level='ERROR'"))
    assert len(errors_logged) == 1 and errors_logged[0].error.exceptions[0].message == fake.failure_message


def test_request_bodies_are_checked_against_sdk_dataclasses(fake):
    w = fake.client()
    with pytest.raises(errors.InvalidParameterValue, match="libraries\\[0\\].glob.zzz"):
        w.api_client.do("POST", "/api/2.0/pipelines", body={"name": "x", "libraries": [{"glob": {"zzz": 1}}]})
    with pytest.raises(errors.InvalidParameterValue, match="serverless"):
        w.api_client.do("POST", "/api/2.0/pipelines", body={"name": "x", "serverless": "yes"})
    with pytest.raises(errors.InvalidParameterValue, match="bogus"):
        w.api_client.do("POST", "/api/2.2/jobs/create", body={"name": "x", "bogus": 1})
    with pytest.raises(errors.InvalidParameterValue, match="pause_status"):
        w.api_client.do("POST", "/api/2.2/jobs/create", body={"name": "x", "continuous": {"pause_status": "MAYBE"}})
    assert fake.pipelines == {} and fake.jobs == {}


def test_jobs_create_list_reset_and_runs(fake):
    w = fake.client()
    pipeline_id = _create_pipeline(w)
    settings = dict(
        name="lakestream: demo", tags={"lakestream": "p1"}, max_concurrent_runs=1,
        tasks=[jobs.Task(task_key="prepare", pipeline_task=jobs.PipelineTask(pipeline_id=pipeline_id)),
               jobs.Task(task_key="patterns", depends_on=[jobs.TaskDependency(task_key="prepare")],
                         spark_python_task=jobs.SparkPythonTask(python_file=f"{HOME}/main.py"), environment_key="default")],
        environments=[jobs.JobEnvironment(environment_key="default", spec=compute.Environment(environment_version="4"))],
        schedule=jobs.CronSchedule(quartz_cron_expression="0 0 * * * ?", timezone_id="Europe/Berlin"),
    )
    job_id = w.jobs.create(**settings).job_id
    assert [j.job_id for j in w.jobs.list(name="LAKESTREAM: DEMO")] == [job_id]
    w.jobs.reset(job_id, jobs.JobSettings(**settings | {"max_concurrent_runs": 2}))
    assert w.jobs.get(job_id).settings.max_concurrent_runs == 2
    with pytest.raises(errors.InvalidParameterValue, match="unknown task"):
        w.jobs.create(name="bad", tasks=[jobs.Task(task_key="a", depends_on=[jobs.TaskDependency(task_key="zz")],
                                                   notebook_task=jobs.NotebookTask(notebook_path="/x"))])
    run_id = w.jobs.run_now(job_id).run_id
    seen = [w.jobs.get_run(run_id) for _ in range(3)]
    assert [r.state.life_cycle_state.value for r in seen] == ["PENDING", "RUNNING", "TERMINATED"]
    assert seen[-1].state.result_state.value == "FAILED" and "not found" in seen[-1].state.state_message
    assert seen[-1].run_page_url == f"{fake.url}/jobs/{job_id}/runs/{run_id}"


def test_unity_catalog_browsing(fake):
    fake.add_table("main.fraud.payments", [("card_id", "string"), ("amount", "double")])
    w = fake.client()
    assert [c.name for c in w.catalogs.list()] == ["main"]
    assert [s.name for s in w.schemas.list("main")] == ["default", "fraud"]
    assert [t.full_name for t in w.tables.list("main", "fraud", omit_columns=True)] == ["main.fraud.payments"]
    columns = w.tables.get("main.fraud.payments").columns
    assert [(c.name, c.type_text) for c in columns] == [("card_id", "string"), ("amount", "double")]
    with pytest.raises(errors.NotFound):
        w.tables.get("main.fraud.nope")
    assert w.catalogs.get("main").name == "main" and w.schemas.get("main.fraud").catalog_name == "main"
    with pytest.raises(errors.NotFound):
        w.schemas.get("main.nope")


def test_injected_failures_permissions_and_timeouts(fake):
    w = fake.client()
    fake.inject("GET", r"/scim/v2/Me$", status=500)
    with pytest.raises(errors.InternalError):
        w.current_user.me()
    assert w.current_user.me().user_name == "tester@example.com"  # only once
    fake.deny("POST", r"/api/2\.2/jobs/create", user="tester@example.com")
    with pytest.raises(errors.PermissionDenied):
        w.jobs.create(name="x")
    fake.inject("*", r"/api/2\.1/unity-catalog/catalogs", status=None, delay=1.0, times=10)
    slow = fake.client(retry_timeout=1, http_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        list(slow.catalogs.list())
    assert time.monotonic() - started < 5
    recorded = fake.calls("GET", r"/scim/v2/Me$")
    assert len(recorded) == 2 and recorded[0].headers["authorization"].startswith("Bearer ")
