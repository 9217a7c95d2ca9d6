"""Two processes with their own stores on the same folder save the same pipeline: one winner per round."""

from __future__ import annotations

import multiprocessing
import random
import time

from lakestream.store import ConflictError, Store
from lakestream.store.local import LocalBackend
from tests.store.conftest import make_pipeline

ROUNDS = 40


def _writer(root, pipeline_id, name, barrier, results) -> None:
    store = Store(LocalBackend(root), user=name)
    jitter = random.Random(name)  # each side starts its save a little late at random: either may win a round
    for round_ in range(1, ROUNDS + 1):
        base = store.get(pipeline_id)  # both start the round from the same version
        barrier.wait()
        time.sleep(jitter.uniform(0, 0.02))
        try:
            saved = store.save(base.model_copy(update={"description": f"{name} round {round_}"}), base.version)
            results.put((round_, name, "won", saved.version))
        except ConflictError as error:
            results.put((round_, name, "conflict", error.theirs.version))
        barrier.wait()  # the round is over for both before either reads again


def test_two_processes_one_winner_per_round_nothing_lost(tmp_path):
    root = tmp_path / "home"
    pipeline_id = Store(LocalBackend(root)).create(make_pipeline()).id
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2, timeout=30), context.Queue()
    workers = [context.Process(target=_writer, args=(root, pipeline_id, name, barrier, results))
               for name in ("alice", "bob")]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in range(2 * ROUNDS)]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    store = Store(LocalBackend(root))
    winners = {}
    for round_ in range(1, ROUNDS + 1):
        this_round = sorted((o for o in outcomes if o[0] == round_), key=lambda o: o[2])
        assert [o[2] for o in this_round] == ["conflict", "won"], f"round {round_}: {this_round}"
        # the loser's conflict names exactly the version the winner wrote
        assert this_round[0][3] == this_round[1][3] == round_ + 1
        winners[round_] = this_round[1][1]
    assert store.latest_version(pipeline_id) == ROUNDS + 1
    for round_, name in winners.items():
        version = store.get_version(pipeline_id, round_ + 1)
        assert version.description == f"{name} round {round_}"
        assert store.version_info(pipeline_id, round_ + 1).saved_by == name
    assert len(set(winners.values())) == 2, "one process won every round: the race was never run"
