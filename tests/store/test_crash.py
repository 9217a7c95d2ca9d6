"""Crash safety: a process saving in a loop is SIGKILLed at random moments; nothing is ever lost or torn."""

from __future__ import annotations

import os
import random
import signal
import time

from lakestream.store import Store
from lakestream.store.local import LocalBackend
from tests.store.conftest import make_pipeline

KILLS = 220


def expected_content(pipeline_id: str, version: int, big: bool):
    """What the saver writes as `version`: every field follows from the version number."""
    nodes = (60 if big else 2) + version % 7
    return make_pipeline(name=f"save {version}", nodes=nodes, description="x" * (version % 50)).model_copy(
        update={"id": pipeline_id})


def _save_forever(root, ids, first: int) -> None:
    store = Store(LocalBackend(root), user="saver")
    while True:
        for index in (first, 1 - first):  # alternate which pipeline comes first, so both progress
            pipeline_id = ids[index]
            latest = store.latest_version(pipeline_id)
            store.save(expected_content(pipeline_id, latest + 1, big=index == 1), expected_version=latest)


def _check(store: Store, ids, verified: dict[str, int]) -> None:
    for index, pipeline_id in enumerate(ids):
        latest = store.latest_version(pipeline_id)
        assert latest >= verified[pipeline_id], "a saved version disappeared"
        current = store.get(pipeline_id)
        assert current.version == latest
        # every version since the last check is complete and is exactly what was saved
        for version in range(max(verified[pipeline_id], 1), latest + 1):
            doc = store.get_version(pipeline_id, version)
            wanted = expected_content(pipeline_id, version, big=index == 1)
            assert (doc.name, doc.nodes, doc.edges, doc.description) == \
                (wanted.name, wanted.nodes, wanted.edges, wanted.description)
        assert [v.version for v in store.versions(pipeline_id)] == list(range(latest, 0, -1))
        verified[pipeline_id] = latest


def test_sigkill_at_random_moments_never_loses_or_tears_a_version(tmp_path):
    root = tmp_path / "home"
    store = Store(LocalBackend(root), user="checker")
    ids = [store.create(expected_content(make_pipeline().id, 1, big=big)).id for big in (False, True)]
    verified = {pipeline_id: 1 for pipeline_id in ids}
    rng = random.Random(7)
    started = time.monotonic()
    mid_write = 0  # kills that left a temp file behind: the writer died in the middle of a write
    # The kill delay follows the machine's speed: it grows while kills land before any save
    # completes and shrinks while many complete, so a loaded machine still gets a real test.
    scale = 0.02
    for round_ in range(KILLS):
        pid = os.fork()
        if pid == 0:  # child: save until killed
            try:
                _save_forever(root, ids, round_ % 2)
            finally:
                os._exit(1)
        before = sum(verified.values())
        time.sleep(rng.uniform(0.0, 2 * scale))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the saver died by itself"
        mid_write += bool(list(root.rglob(".tmp-*")))
        _check(store, ids, verified)
        saved = sum(verified.values()) - before
        scale = min(scale * 1.25, 0.2) if saved == 0 else max(scale * 0.85, 0.005) if saved > 2 else scale
    elapsed = time.monotonic() - started
    assert min(verified.values()) >= 20, f"the saver hardly ever saved ({verified}): the test proved nothing"
    assert mid_write > 0, "no kill landed in the middle of a write: the test proved nothing"
    # the next save under the lock clears temp files left by killed writers
    for pipeline_id in ids:
        store.save(store.get(pipeline_id), store.latest_version(pipeline_id))
        leftovers = list((root / "pipelines" / pipeline_id).rglob(".tmp-*"))
        assert leftovers == []
    print(f"{KILLS} kills ({mid_write} in the middle of a write), {sum(verified.values())} versions checked in {elapsed:.1f} s")
