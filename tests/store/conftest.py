"""Store test fixtures: the same behaviour tests run against every backend (`store` is parametrised)."""

from __future__ import annotations

import pytest

from lakestream.nodes import REGISTRY
from lakestream.pipeline import Edge, Node, Pipeline, Position
from lakestream.store import Store
from lakestream.store.local import LocalBackend
from lakestream.store.volume import open_volume_store
from tests.fakes import workspace as fake_workspace
from tests.fakes.workspace import FakeWorkspace

BACKEND_NAMES = ["local", "volume"]
VOLUME = "/Volumes/main/lakestream/files/lakestream"


def make_pipeline(name: str = "Card fraud", nodes: int = 3, **fields) -> Pipeline:
    """A valid pipeline: one Kafka source, `nodes - 2` filters in a chain, one Delta sink."""
    chain = [Node(id="n1", type="kafka_source", label="Payments", config=dict(REGISTRY["kafka_source"].example))]
    for i in range(2, nodes):
        chain.append(Node(id=f"n{i}", type="filter", label=f"Filter {i}", position=Position(x=200 * i, y=0),
                          config={"condition": f"amount > {i}"}))
    chain.append(Node(id=f"n{nodes}", type="delta_table_sink", label="Alerts",
                      position=Position(x=200 * nodes, y=0), config={"table": "main.fraud.alerts"}))
    edges = [Edge(id=f"e{i}", source=a.id, target=b.id) for i, (a, b) in enumerate(zip(chain, chain[1:]), 1)]
    return Pipeline(name=name, nodes=tuple(chain), edges=tuple(edges), **fields)


@pytest.fixture(params=BACKEND_NAMES)
def store(request, tmp_path) -> Store:
    """A fresh, empty store of each backend."""
    if request.param == "local":
        return Store(LocalBackend(tmp_path / "home"), user="ana@example.com")
    return request.getfixturevalue("volume_store")


@pytest.fixture
def local_store(tmp_path) -> Store:
    return Store(LocalBackend(tmp_path / "home"), user="ana@example.com")


@pytest.fixture
def fake(monkeypatch):
    """A wire-level fake workspace; ana@example.com signs in with the token "dapi-ana"."""
    # The fake sends headers and body in two writes; with Nagle on, each answer waits ≈40 ms for a
    # delayed ACK (7x slower store tests). Scoped to these tests; reported to the fake's owner.
    monkeypatch.setattr(fake_workspace._Handler, "disable_nagle_algorithm", True)
    with FakeWorkspace() as workspace:
        workspace.add_user("dapi-ana", "ana@example.com")
        workspace.add_user("dapi-bob", "bob@example.com")
        yield workspace


def volume_store_for(fake, token: str = "dapi-ana", **options) -> Store:
    """A volume store of the user owning `token`; short timeouts and backoff keep failure tests quick."""
    client = fake.client(token=token, retry_timeout=options.pop("retry_timeout", 2),
                         http_timeout=options.pop("http_timeout", 1))
    return open_volume_store(VOLUME, client=client, backoff=0.01, **options)


@pytest.fixture
def volume_store(fake) -> Store:
    return volume_store_for(fake)
