"""Fuzzing with hostile sizes: documents and event files past every limit through the CLI and the `/?open=` page.

Durations of 10**40 days, conditions nested hundreds of levels or hundreds of operators long, invalid and
catastrophic regular expressions, 5,000-digit numbers, timestamps of 1e20, events nested 100,000 levels,
CSV fields of 200 KiB: `validate`, `generate` and `replay` never exit 3 ("unexpected error"), and the
builder's deep link never answers HTTP 500 nor logs an unexpected error.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakestream.cli import main
from lakestream.pipeline import DocumentError, load_pipeline
from lakestream.store import open_store
from tests.browser import free_port, server_env, serving
from tests.core.factories import linear_document

BIG = "9" * 5000  # digits: past Python's int() limit
PATTERNS = ["([", "(", "a**", "^(a+)+$", "^(c|cc)+$", r"\Q(a", r"(?<n>x)\k<n>", r"\p{Nope}", r"[a-z&&[^b]]",
            "a{99999999999}", "(" * 300 + "a" + ")" * 300, r"\x{110000}", r"\0777", r"\c", "\\"]
UNITS = ["ms", "s", "m", "h", "d", "w", "days", "weeks", "parsecs"]


def sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


durations = st.one_of(
    st.tuples(st.integers(0, 10 ** 40), st.sampled_from(UNITS)).map(lambda t: f"{t[0]} {t[1]}"),
    st.sampled_from(["1000000000 days", "36500 days", "36501 days", BIG + " s", "0" * 5000 + "1 s", "-5 s",
                     "1e9 days", "", " "]),
)
expressions = st.one_of(
    st.integers(0, 700).map(lambda n: "(" * n + "amount > 100" + ")" * n),
    st.integers(1, 500).map(lambda n: "amount > " + " + ".join(["1"] * n)),
    st.integers(1, 300).map(lambda n: "abs(" * n + "amount" + ")" * n + " > 1"),
    st.integers(1, 500).map(lambda n: "CASE " + " ".join(f"WHEN amount = {i} THEN true" for i in range(n))
                            + " ELSE false END"),
    st.one_of(st.sampled_from(PATTERNS), st.text(alphabet="()[]{}*+?|\\^$.ac-&,0123pPQEk<>", max_size=30)).map(
        lambda p: f"card_id RLIKE {sql_string(p)}"),
    st.sampled_from(PATTERNS).map(lambda p: f"'{'c' * 45}x' RLIKE {sql_string(p)} OR amount > {BIG}"),
    st.text(max_size=60),
)
json_lines = st.one_of(
    st.just('{"card_id": "c1", "amount": 150, "ts": "2026-01-01 00:00:00"}'),
    st.just('{"card_id": "c1", "amount": ' + BIG + ', "ts": "2026-01-01 00:00:00"}'),
    st.just('{"card_id": "c1", "amount": ' + "9" * 400 + ', "ts": "2026-01-01 00:00:00"}'),
    st.sampled_from(["1e20", "-1e20", "9" * 30, "1e400", '"99999-01-01"', "NaN", "[]"]).map(
        lambda ts: '{"card_id": "c1", "amount": 150, "ts": ' + ts + "}"),
    st.integers(1, 100_000).map(lambda n: '{"card_id": ' + "[" * n + "]" * n + ', "amount": 1}'),
    st.integers(0, 300_000).map(lambda n: json.dumps({"card_id": "x" * n, "amount": 1, "ts": "2026-01-01"})),
    st.text(max_size=40),
)
csv_rows = st.one_of(
    st.just("c1,150,2026-01-01 00:00:00"), st.integers(0, 300_000).map(lambda n: f"{'x' * n},150,2026-01-01"),
    st.just(f"c1,{BIG},2026-01-01"), st.just("c1,150,1e20"), st.just('c1,"unclosed,2026-01-01'),
    st.text(alphabet='ab,"\n\r\0', max_size=30),
)


@st.composite
def documents(draw) -> str:
    """A document as JSON text (raw, so 5,000-digit numbers and 5,000-deep lists survive json.dumps)."""
    document = linear_document()
    filter_config, sequence = document["nodes"][1]["config"], document["nodes"][2]["config"]
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["condition", "step", "within", "watermark", "junk"]))
        if where == "condition":
            filter_config["condition"] = draw(expressions)
        elif where == "step":
            sequence["steps"][draw(st.integers(0, 1))]["condition"] = draw(expressions)
        elif where == "within":
            sequence["within"] = draw(durations)
        elif where == "watermark":
            sequence["watermark_delay"] = draw(durations)
        else:
            document["nodes"][0]["config"]["extra"] = "JUNK"
    junk = draw(st.sampled_from(["[" * 5000 + "]" * 5000, BIG, "[" * 150 + "]" * 150, "1e999"]))
    return json.dumps(document).replace('"JUNK"', junk)


@st.composite
def event_files(draw) -> tuple[str, str]:
    if draw(st.booleans()):
        return ".jsonl", "\n".join(draw(st.lists(json_lines, min_size=1, max_size=4))) + "\n"
    return ".csv", "card_id,amount,ts\n" + "\n".join(draw(st.lists(csv_rows, min_size=1, max_size=4))) + "\n"


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                                      HealthCheck.large_base_example,
                                                                                      HealthCheck.data_too_large])
@given(documents(), event_files())
def test_the_cli_never_exits_3(document, events):
    suffix, text = events
    with tempfile.TemporaryDirectory() as folder:
        path, events_path = Path(folder) / "p.lakestream.json", Path(folder) / f"events{suffix}"
        path.write_text(document)
        events_path.write_text(text)
        for argv in (["validate", str(path)], ["validate", str(path), "--json"],
                     ["generate", str(path), "--out", str(Path(folder) / "out")],
                     ["replay", str(path), "--events", str(events_path)]):
            code, err = cli(*argv)
            assert code in (0, 1, 2) and "unexpected error" not in err, (argv[0], code, err[-500:])


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    """`lakestream ui` on a local store of its own; yields (url, store, log path)."""
    home = tmp_path_factory.mktemp("fuzz-home")
    port = free_port()
    env = server_env(drop=("DATABRICKS_APP_PORT",), LAKESTREAM_HOME=str(home), LAKESTREAM_STORE="local")
    log = home / "server.log"
    with serving([sys.executable, "-m", "lakestream", "ui", "--port", str(port)], env, log, port, timeout=120) as url:
        yield url, open_store("local", home=str(home)), log


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(documents(), st.text(max_size=40))
def test_the_deep_link_never_answers_500(ui_server, document, link):
    url, store, log = ui_server
    seen = len(log.read_text(errors="replace"))
    try:
        saved = store.create(load_pipeline(document))
        targets = [saved.id, link]
    except DocumentError:
        targets = [link]  # a document that does not load cannot be stored: the link names nothing
    for target in targets:
        status = _get(f"{url}?{urllib.parse.urlencode({'open': target})}")
        new = log.read_text(errors="replace")[seen:]
        assert status == 200 and "Traceback" not in new and "unexpected error" not in new, (status, new[-2000:])
