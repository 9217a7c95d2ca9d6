"""Documents past LakeStream's limits open in the builder as problems, never as a crash; a failed open changes nothing."""

from __future__ import annotations

import json

from lakestream.sparksql.limits import MAX_NESTING
from lakestream.pipeline import load_pipeline
from lakestream.store import open_store
from lakestream.ui import page as page_module
from lakestream.ui import session as session_module
from lakestream.ui.guard import guarded
from tests.core.factories import linear_document
from tests.ui.test_page import _chain


def hostile_document() -> dict:
    document = linear_document()
    document["nodes"][1]["config"]["condition"] = "(" * 500 + "amount > 1" + ")" * 500
    document["nodes"][2]["config"]["within"] = "1000000000 days"
    document["nodes"][2]["config"]["steps"][0]["condition"] = "card_id RLIKE '(['"
    return document


def _recorded(page) -> list[dict]:
    graphs: list[dict] = []
    original = page.canvas.sync
    page.canvas.sync = lambda graph: (graphs.append(graph), original(graph))
    return graphs


async def test_importing_a_document_past_the_limits_shows_its_problems_and_keeps_working(user, pages):
    page = await _chain(user, pages)
    page.session.saved = page.doc  # nothing unsaved: import does not ask
    with user.client:
        assert await page.import_text(json.dumps(hostile_document()), "hostile.lakestream.json")
    await user.should_see(f"at most {MAX_NESTING} levels of parentheses")
    await user.should_see("a duration is at most 36,500 days")
    await user.should_see("invalid regular expression '(['")
    assert [n.id for n in page.doc.nodes] == ["n1", "n2", "n3", "n4"]
    graphs = _recorded(page)
    user.find(marker="action-layout").click()  # later actions work on the imported document
    assert graphs and graphs[-1]["fit"] is True  # laid out and fitted (layout shows no toast)
    assert [n.id for n in page.doc.nodes] == ["n1", "n2", "n3", "n4"]


async def test_a_deep_link_to_such_a_document_opens_it_with_its_problems(user, pages, tmp_path):
    store = open_store("local", home=str(tmp_path / "home"))
    saved = store.create(load_pipeline(hostile_document()))
    await user.open(f"/?open={saved.id}")
    await user.should_see("a duration is at most 36,500 days")
    assert pages[-1].doc.id == saved.id


async def test_an_open_that_fails_half_way_keeps_the_old_document_on_the_canvas_and_in_the_session(
        user, pages, monkeypatch):
    page = await _chain(user, pages)
    before = page.doc
    graphs = _recorded(page)
    page.session.saved = page.doc  # nothing unsaved: import does not ask
    incoming = json.dumps(linear_document())  # four nodes; the page has three
    real_validate, real_payload = session_module.validate, page_module.graph_payload

    def failing_validate(document):  # a validation bug on the incoming document only
        if len(document.nodes) == 4:
            raise RecursionError("maximum recursion depth exceeded")
        return real_validate(document)

    monkeypatch.setattr(session_module, "validate", failing_validate)
    with user.client:
        await guarded(page.import_text)(incoming, "x.lakestream.json")  # as the upload handler calls it
    await user.should_see("Something went wrong (RecursionError)")
    assert page.doc is before and graphs == []  # neither the session nor the canvas moved

    def failing_payload(document, issues, **extra):  # a view that cannot draw the incoming document
        if len(document.nodes) == 4:
            raise OverflowError("too big to draw")
        return real_payload(document, issues, **extra)

    monkeypatch.setattr(session_module, "validate", real_validate)
    monkeypatch.setattr(page_module, "graph_payload", failing_payload)
    with user.client:
        await guarded(page.import_text)(incoming, "x.lakestream.json")
    await user.should_see("Something went wrong (OverflowError)")
    assert page.doc is before and page.session.saved is before
    assert sorted(n["id"] for n in graphs[-1]["nodes"]) == sorted(n.id for n in before.nodes)  # redrawn as before

    drawn = len(graphs)
    user.find(marker="action-layout").click()  # later actions work on the old document
    assert len(graphs) == drawn + 1 and graphs[-1]["fit"] is True  # laid out and fitted (no toast)
    assert [n.id for n in page.doc.nodes] == [n.id for n in before.nodes]
