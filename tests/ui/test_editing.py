"""The core editing operations behind the builder (no UI involved)."""

from __future__ import annotations

import pytest

from lakestream import editing as ed
from lakestream.pipeline import Pipeline, load_pipeline


def _chain() -> tuple[Pipeline, list[str]]:
    doc = Pipeline(name="t")
    doc, src = ed.add_node(doc, "kafka_source", 0, 0)
    doc, flt = ed.add_node(doc, "filter", 300, 0)
    doc, snk = ed.add_node(doc, "delta_table_sink", 600, 0)
    doc, _ = ed.connect(doc, src, "out", flt, "in")
    doc, _ = ed.connect(doc, flt, "out", snk, "in")
    return doc, [src, flt, snk]


def test_add_node_gives_fresh_ids_and_snaps_to_grid():
    doc, first = ed.add_node(Pipeline(), "filter", 10, 25)
    doc = ed.delete(doc, [first])
    doc, a = ed.add_node(doc, "filter")
    doc, b = ed.add_node(doc, "filter")
    assert (a, b) == ("n1", "n2")
    doc2, c = ed.add_node(doc, "filter", 10, 25)
    assert c == "n3" and doc2.node(c).position.x == 16 and doc2.node(c).position.y == 32
    assert doc2.node_by_id.keys() == {"n1", "n2", "n3"}  # no stale cache after a copy


def test_unknown_type_says_did_you_mean():
    with pytest.raises(ValueError, match="Did you mean 'filter'"):
        ed.add_node(Pipeline(), "filtr")


def test_connect_refuses_with_can_connect_reason():
    doc, (src, flt, snk) = _chain()
    with pytest.raises(ed.EditError, match="A sink has no output"):
        ed.connect(doc, snk, "out", flt, "in")
    doc, other = ed.add_node(doc, "kafka_source")
    with pytest.raises(ed.EditError, match="Filter takes one input"):
        ed.connect(doc, other, "out", flt, "in")
    assert len(doc.edges) == 2


def test_delete_removes_touching_edges():
    doc, (src, flt, snk) = _chain()
    doc = ed.delete(doc, [flt])
    assert [n.id for n in doc.nodes] == [src, snk] and doc.edges == ()


def test_copy_paste_keeps_inner_edges_with_new_ids():
    doc, ids = _chain()
    doc = ed.set_config(doc, ids[1], {"condition": "amount > 5"})
    pasted, new = ed.paste(doc, ed.copy(doc, ids[1:]))
    assert new == ["n4", "n5"]
    assert pasted.node("n4").config == {"condition": "amount > 5"}
    inner = [e for e in pasted.edges if e.source in new]
    assert [(e.id, e.source, e.target) for e in inner] == [("e3", "n4", "n5")]
    assert pasted.node("n4").position.x == doc.node(ids[1]).position.x + 2 * ed.GRID
    load_pipeline(pasted.to_json())  # still a valid document


def test_auto_layout_left_to_right_by_layer():
    doc, (src, flt, snk) = _chain()
    doc = ed.move_nodes(doc, {src: (900, 50), flt: (0, 400), snk: (10, 10)})
    laid = ed.auto_layout(doc)
    xs = [laid.node(i).position.x for i in (src, flt, snk)]
    assert xs == sorted(xs) and len(set(xs)) == 3


def test_set_field_and_label_and_rename():
    doc, (src, flt, snk) = _chain()
    doc = ed.set_field(doc, flt, "condition", "x > 1")
    assert doc.node(flt).parsed.condition == "x > 1"
    doc = ed.set_field(doc, flt, "condition", "")
    assert "condition" not in doc.node(flt).config and doc.node(flt).config_errors
    assert ed.set_label(doc, flt, "  Big ").node(flt).label == "Big"
    with pytest.raises(ed.EditError):
        ed.rename(doc, "  ")


def test_history_undo_redo_and_typing_is_one_step():
    doc, (src, flt, snk) = _chain()
    history = ed.History(doc)
    for text in ("a", "a >", "a > 1"):
        history.push(ed.set_field(history.present, flt, "condition", text), key=("field", flt, "condition"))
    history.push(ed.set_label(history.present, flt, "F"))
    assert history.undo().node(flt).label == ""
    assert history.undo() == doc  # the three keystrokes were one step
    assert not history.can_undo
    assert history.redo().node(flt).config["condition"] == "a > 1"


def test_history_keeps_at_least_fifty_steps():
    doc, (src, flt, snk) = _chain()
    history = ed.History(doc)
    for step in range(60):
        history.push(ed.move_nodes(history.present, {src: (step * 16, 0)}))
    for _ in range(60):
        history.undo()
    assert history.present == doc


def test_update_pipeline_settings_checked():
    doc = ed.update_pipeline(Pipeline(), code_target="sss", settings={"catalog": "dev", "schema": "fraud"},
                             description="Card fraud")
    assert (doc.code_target, doc.settings.catalog, doc.settings.schema_, doc.description) == \
        ("sss", "dev", "fraud", "Card fraud")
    with pytest.raises(ed.EditError, match="code_target"):
        ed.update_pipeline(doc, code_target="nope")
    with pytest.raises(ed.EditError, match="Not a pipeline setting: nodes"):
        ed.update_pipeline(doc, nodes=())
