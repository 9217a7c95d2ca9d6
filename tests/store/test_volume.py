"""The volume backend against the wire-level fake workspace: failures, timeouts, users, races."""

from __future__ import annotations

import threading

import pytest

from lakestream.store import ConflictError, StoreError, StoreUnavailable
from tests.store.conftest import VOLUME, make_pipeline, volume_store_for

VERSIONS = r"/api/2\.0/fs/files/Volumes/.*/versions/\d+\.json"


def _intact(store, pipeline_id, latest):
    assert store.latest_version(pipeline_id) == latest
    assert [v.version for v in store.versions(pipeline_id)] == list(range(latest, 0, -1))
    assert all(s.ok for s in store.list())


def test_a_server_error_on_a_read_is_retried(fake, volume_store):
    p = volume_store.create(make_pipeline())
    fake.inject("GET", VERSIONS, status=500, times=2)
    assert volume_store.get(p.id) == p
    assert len(fake.calls("GET", VERSIONS)) == 3


def test_a_failing_save_is_a_clear_error_and_writes_nothing(fake, volume_store):
    p = volume_store.create(make_pipeline())
    fake.inject("PUT", VERSIONS, status=500, times=3)
    with pytest.raises(StoreUnavailable, match=r"did not answer \(injected failure 500\).*3 attempts"):
        volume_store.save(p.model_copy(update={"name": "lost?"}), expected_version=1)
    _intact(volume_store, p.id, 1)
    saved = volume_store.save(p.model_copy(update={"name": "again"}), expected_version=1)
    assert saved.version == 2 and volume_store.get(p.id).name == "again"


def test_a_save_whose_answer_is_lost_is_not_doubled(fake):
    store = volume_store_for(fake, retry_timeout=3, http_timeout=0.5)
    p = store.create(make_pipeline())
    # the server handles the PUT only after the client gave up waiting: the write lands, its answer
    # is lost, and the retry finds "already exists" with our own bytes
    fake.inject("PUT", VERSIONS, status=None, times=1, delay=0.8)
    saved = store.save(p.model_copy(update={"name": "once"}), expected_version=1)
    assert saved.version == 2
    assert len(fake.calls("PUT", VERSIONS)) >= 2
    _intact(store, p.id, 2)
    assert store.get(p.id).name == "once"


def test_timeouts_end_in_a_clear_error_and_nothing_is_damaged(fake):
    # (the SDK takes whole seconds for its own retry budget, and sleeps ≥ 1 s between its retries)
    store = volume_store_for(fake, retry_timeout=1, http_timeout=0.2, attempts=2)
    p = store.create(make_pipeline())
    fake.inject("GET", r"/api/2\.0/fs/directories/.*/pipelines$", status=None, times=2, delay=0.5)
    with pytest.raises(StoreUnavailable, match="did not answer .*Timed out.* 2 attempts"):
        store.list()
    _intact(store, p.id, 1)  # the injected delays are used up: the store answers again


def test_permission_denied_is_one_clear_line(fake, volume_store):
    p = volume_store.create(make_pipeline())
    fake.deny("PUT", r"/api/2\.0/fs/files/.*", user="ana@example.com")
    with pytest.raises(StoreError, match="No permission to write") as caught:
        volume_store.save(p, expected_version=1)
    assert "\n" not in str(caught.value)


def test_each_user_has_a_folder_of_their_own(fake):
    ana = volume_store_for(fake, "dapi-ana")
    bob = volume_store_for(fake, "dapi-bob")
    mine = ana.create(make_pipeline(name="Ana's"))
    bob.create(make_pipeline(name="Bob's"))
    assert [s.name for s in ana.list()] == ["Ana's"] and [s.name for s in bob.list()] == ["Bob's"]
    assert ana.location == f"{VOLUME}/users/ana@example.com"
    assert not bob.exists(mine.id)
    uploads = [r.path for r in fake.calls("PUT", r"/fs/files/") if "ana" in r.path]
    assert uploads and all(path.startswith(f"/api/2.0/fs/files{VOLUME}/users/ana@example.com/pipelines/")
                           for path in uploads)


def test_two_stores_on_one_volume_one_winner_per_round(fake):
    first, second = volume_store_for(fake), volume_store_for(fake)
    pipeline_id = first.create(make_pipeline()).id
    rounds, barrier, outcomes, lock = 8, threading.Barrier(2, timeout=30), [], threading.Lock()

    def writer(store, name):
        for round_ in range(1, rounds + 1):
            base = store.get(pipeline_id)
            barrier.wait()
            try:
                store.save(base.model_copy(update={"description": name}), base.version)
                result = "won"
            except ConflictError:
                result = "conflict"
            with lock:
                outcomes.append((round_, result))
            barrier.wait()

    threads = [threading.Thread(target=writer, args=(s, n)) for s, n in ((first, "one"), (second, "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for round_ in range(1, rounds + 1):
        assert sorted(r for n, r in outcomes if n == round_) == ["conflict", "won"]
    _intact(first, pipeline_id, rounds + 1)


def test_volume_path_and_user_are_checked():
    from lakestream.store.volume import check_volume_path

    for bad in ("/tmp/x", "/Volumes/a/b", "/Volumes/a/b/c/../../x", "Volumes/a/b/c", "/Volumes/a/b/c/d e"):
        with pytest.raises(StoreError, match="not a volume folder"):
            check_volume_path(bad)
    assert check_volume_path("/Volumes/main/ls/files/lakestream/") == "/Volumes/main/ls/files/lakestream"


def test_listing_reads_only_the_headers_of_big_versions(fake, volume_store):
    big = volume_store.create(make_pipeline(nodes=400))
    volume_store.save(big, expected_version=1)
    before = len(fake.requests)
    [summary] = volume_store.list()
    infos = volume_store.versions(big.id)
    assert summary.node_count == 400 and [i.version for i in infos] == [2, 1]
    reads = [r for r in fake.requests[before:] if r.method == "GET" and "/versions/" in r.path]
    assert reads and all(r.headers.get("range") == "bytes=0-65535" for r in reads)
    assert volume_store.get(big.id).version == 2  # opening still reads the whole file


def test_a_pipeline_the_user_may_not_read_is_reported_alone(fake, volume_store):
    good = volume_store.create(make_pipeline(name="Good"))
    hidden = volume_store.create(make_pipeline(name="Hidden"))
    fake.deny("GET", rf"/api/2\.0/fs/files/.*/pipelines/{hidden.id}/.*")
    listed = {s.id: s for s in volume_store.list()}
    assert listed[good.id].ok and listed[good.id].name == "Good"
    assert "No permission to read" in listed[hidden.id].error
    assert volume_store.get(good.id) == good
