"""ReDoS: while one browser replays a catastrophic regular expression in the Timeline, another client's page loads.

One `lakestream ui` process serves every client (in App mode every user), so a match that held the GIL
froze all of them. The engine's matches now run with the GIL released and stop after a time bound.
The other client's loads must each take at most 1 s (or twice the slowest load of an idle server just
before, when the shared machine is so busy that it is slower than that), and several must complete while
the match runs: with the GIL held, none would.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from lakestream.sparksql.runtime.javaregex import TIMEOUT_S
from tests.core.factories import linear_document
from tests.ui.browser_steps import select_node, toast

pytestmark = pytest.mark.e2e

ISSUE = "'aaaaaaaaaaaaaaaaaaaaaaaaaaab' RLIKE '^(a+)+$'"  # froze the server for 52 s with Python's re
ENGINE_KILLER = "'" + "c" * 45 + "x' RLIKE '^(c|cc)+$'"  # exponential for the regex module too: hits the bound
BOUND_S = 1.0  # the other client's page must load within this (on a machine this test does not share)
PAUSE_S = 0.1  # between the other client's loads


def bound(url: str) -> float:
    """BOUND_S, or twice the slowest load of the page over 4 s right now (the same cadence as below) when the
    shared machine is so busy that an idle server needs longer: the property is "not held up", not a benchmark.

    (Measured on this 2-core machine at load ≈ 13: a server loaded every 0.2 s stalls 1-1.7 s about every
    tenth load with no replay at all, so one calm sample would not do.)"""
    with OtherClient(url) as idle:
        time.sleep(4)
    return max(BOUND_S, 2 * max(e - s for s, e in idle.loads))


class OtherClient:
    """A second client loading the builder page again and again in a thread, timing each load."""

    def __init__(self, url: str):
        self.url, self.loads, self.stop = url, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(self.url, timeout=120) as response:
                assert response.status == 200 and b"LakeStream" in response.read()
            self.loads.append((started, time.perf_counter()))
            self.stop.wait(PAUSE_S)

    def __enter__(self) -> OtherClient:
        self.thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop.set()
        self.thread.join(timeout=150)

    def between(self, start: float, end: float) -> list[float]:
        """Durations of the loads that started after `start` and ended before `end`."""
        return [e - s for s, e in self.loads if s >= start and e <= end]


def _import_with_condition(page, tmp_path, condition: str, name: str) -> None:
    document = linear_document()
    for index, item in enumerate(document["nodes"]):
        item["position"] = {"x": 300 * index, "y": 0}
    document["name"] = name
    document["nodes"][2]["config"]["steps"][0]["condition"] = f"amount < 200 AND {condition}"
    path = tmp_path / f"{name}.lakestream.json"
    path.write_text(json.dumps(document))
    page.locator("button:has(i:text('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(path))
    toast(page, f"Imported {name}")
    select_node(page, "n3", "Sequence")


def test_a_catastrophic_pattern_in_the_timeline_never_holds_up_another_client(page, browser, server, tmp_path):
    # the issue's pattern: the engine answers at once (no error), and the other client is served meanwhile
    _import_with_condition(page, tmp_path, ISSUE, "issue")
    limit = bound(server)
    with OtherClient(server) as other:
        clicked = time.perf_counter()
        page.get_by_role("tab", name="Timeline").click()
        page.locator(".ls-timeline-svg").wait_for()  # the example events replayed through the condition
        time.sleep(0.5)
        shown = time.perf_counter()
    assert "regular expression" not in page.locator(".ls-timeline").inner_text()
    loads = other.between(clicked, shown)
    assert loads and max(loads) <= limit, (limit, loads)

    # a pattern exponential for the engine too: the replay stops at the bound with a clear message, and
    # the other client's page loads while the match runs
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()  # a fresh tab: nothing unsaved to discard, the Timeline tab not shown yet
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.wait_for_selector(".vue-flow")
    _import_with_condition(page, tmp_path, ENGINE_KILLER, "killer")
    limit = bound(server)
    with OtherClient(server) as other:
        clicked = time.perf_counter()
        page.get_by_role("tab", name="Timeline").click()
        message = page.locator(".ls-timeline").get_by_text("took longer than", exact=False)
        message.wait_for(timeout=120_000)
        shown = time.perf_counter()
    text = message.inner_text()
    assert text.startswith("Cannot replay this node: event 1: the regular expression '^(c|cc)+$' took longer than "
                           f"{TIMEOUT_S:g} s on a value of 46 characters"), text
    loads = other.between(clicked, shown)
    assert len(loads) >= 2 and max(loads) <= limit, (limit, shown - clicked, loads)

    # the first client's page still works
    page.get_by_role("tab", name="Code").click()
    page.locator(".ls-code .cm-content").get_by_text("def ", exact=False).first.wait_for()
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
