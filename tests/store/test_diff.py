"""diff(a, b): nodes added/removed/changed (field level), edges, pipeline-level changes; code_diff."""

from __future__ import annotations

from lakestream.pipeline import Edge, Node, Position
from lakestream.store.diff import code_diff, diff, generated_code_diff
from tests.store.conftest import make_pipeline


def test_identical_documents_have_no_differences():
    p = make_pipeline()
    result = diff(p, p.model_copy(update={"version": 9}))
    assert result.empty and result.lines() == ["no differences"] and result.node_status() == {}


def test_node_field_label_position_and_edge_changes():
    a = make_pipeline(nodes=4)
    source = a.node("n1")
    new_config = {**source.config, "topics": ["payments", "refunds"], "starting_offsets": "earliest"}
    new_schema = [dict(c) for c in source.config["schema"]]
    new_schema[1]["type"] = "decimal(10,2)"
    new_config["schema"] = new_schema
    nodes = [
        source.model_copy(update={"config": new_config}),
        a.node("n2").model_copy(update={"label": "Big amounts", "position": Position(x=5, y=7)}),
        a.node("n4"),
        Node(id="n9", type="filter", label="New", config={"condition": "true"}),
    ]
    edges = [Edge(id="x1", source="n1", target="n2"), Edge(id="x2", source="n2", target="n4")]
    b = a.model_copy(update={"nodes": tuple(nodes), "edges": tuple(edges), "name": "Renamed",
                             "settings": a.settings.model_copy(update={"catalog": "dev"})})
    result = diff(a, b)
    assert [n.id for n in result.added_nodes] == ["n9"]
    assert [n.id for n in result.removed_nodes] == ["n3"]
    changed = {c.node_id: c for c in result.changed_nodes}
    assert set(changed) == {"n1", "n2"}
    fields = {c.path: (c.old, c.new) for c in changed["n1"].changes}
    assert fields == {
        "config.topics[1]": ("(not set)", "refunds"),
        "config.starting_offsets": ("latest", "earliest"),
        "config.schema[1].type": ("double", "decimal(10,2)"),
    }
    assert {c.path for c in changed["n2"].changes} == {"label", "position.x", "position.y"}
    # edges are matched by endpoints: n1→n2 kept although its id changed
    assert [(e.source, e.target) for e in result.added_edges] == [("n2", "n4")]
    assert sorted((e.source, e.target) for e in result.removed_edges) == [("n2", "n3"), ("n3", "n4")]
    assert {(c.path, c.old, c.new) for c in result.changes} == {("name", "Card fraud", "Renamed"),
                                                               ("settings.catalog", "main", "dev")}
    assert result.node_status() == {"n9": "added", "n3": "removed", "n1": "changed", "n2": "changed"}
    lines = result.lines()
    assert "pipeline name: 'Card fraud' → 'Renamed'" in lines
    assert "~ node Payments: config.starting_offsets: 'latest' → 'earliest'" in lines
    assert "+ edge n2.out → n4.in" in lines and "- node 'Filter 3' (filter)" in lines
    assert result.to_dict()["changed_nodes"][0]["id"] == "n1"


def test_a_node_only_moved_is_marked_moved():
    a = make_pipeline()
    b = a.model_copy(update={"nodes": (a.nodes[0].model_copy(update={"position": Position(x=1, y=1)}),)
                             + a.nodes[1:]})
    assert diff(a, b).node_status() == {"n1": "moved"}


def test_code_diff_is_a_unified_diff_per_file():
    old = {"pipeline.py": "a = 1\nb = 2\n", "gone.sql": "SELECT 1\n"}
    new = {"pipeline.py": "a = 1\nb = 3\n", "new.sql": "SELECT 2"}
    text = code_diff(old, new)
    assert "--- a/pipeline.py\n+++ b/pipeline.py\n" in text and "-b = 2\n+b = 3\n" in text
    assert "--- a/gone.sql\n+++ /dev/null\n" in text and "+++ b/new.sql\n" in text
    assert code_diff(old, dict(old)) == ""


def _fraud_template():
    from lakestream import gallery

    [card] = [c for c in gallery.list_templates() if c.path.name == "card_fraud.lakestream.json"]
    return gallery.instantiate(card)


def test_durations_read_as_written_in_the_document_diff_and_the_code_diff():
    """The code holds a duration in microseconds; its node's heading comment holds it as the user wrote it,
    so a changed duration reads the same way in both diffs."""
    old = _fraud_template()
    node = old.node("account_takeover")
    assert node.config["within"] == "30 minutes"
    new = old.model_copy(update={"version": old.version + 1, "nodes": tuple(
        n.model_copy(update={"config": {**n.config, "within": "45 min"}}) if n.id == node.id else n
        for n in old.nodes)})
    assert f"~ node {node.title}: config.within: '30 minutes' → '45 min'" in diff(old, new).lines()
    text = generated_code_diff(old, new, "sss")
    changed = [line for line in text.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert f"-    # {node.title} (Sequence, node account_takeover): watermark delay 1 minute, within 30 minutes" in changed
    assert f"+    # {node.title} (Sequence, node account_takeover): watermark delay 1 minute, within 45 min" in changed
    assert any("1800000000" in line for line in changed) and any("2700000000" in line for line in changed)
