"""Limits on durations, nesting and literal regular expressions: stated in validation errors, never a crash."""

from __future__ import annotations

import ast
import copy
import json

import pytest

from lakestream.cep.replay import replay
from lakestream.cli import main
from lakestream.codegen import generate
from lakestream.errors import UserError
from lakestream.durations import MAX_DAYS, normalise_duration
from lakestream.sparksql.limits import MAX_NESTING
from lakestream.pipeline import load_pipeline
from lakestream.validate import validate
from tests.core.factories import edge, linear_document, node

NESTING = f"at most {MAX_NESTING} levels of parentheses, function calls and chained operators"


def errors(document: dict) -> dict[tuple[str, str], str]:
    """{(node id, field): message} of the document's validation errors."""
    return {(i.node_id, i.field): i.message for i in validate(load_pipeline(document)) if i.severity == "error"}


def with_condition(condition: str) -> dict:
    document = linear_document()
    document["nodes"][1]["config"]["condition"] = condition
    return document


def nested(levels: int) -> str:
    return "(" * levels + "amount > 100" + ")" * levels


# --- durations ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1000000000 days", f"{MAX_DAYS + 1} days", "5215 weeks", "9" * 5000 + " s",
                                  "3153600001 seconds", "0" * 5000 + "99999999999999 ms"])
def test_a_duration_past_the_limit_is_an_error_stating_it(text):
    document = linear_document()
    document["nodes"][2]["config"]["within"] = text
    message = errors(document)[("n3", "within")]
    assert "is too long: a duration is at most 36,500 days (about 100 years)" in message
    assert len(message) < 200  # a 5,000-digit number is not echoed whole


@pytest.mark.parametrize(("text", "normal"), [(f"{MAX_DAYS} days", f"{MAX_DAYS} days"), ("5214 weeks", "5214 weeks"),
                                              ("0" * 5000 + "1 s", "1 second"), ("3153600000 s", "3153600000 seconds")])
def test_durations_up_to_the_limit_are_kept(text, normal):
    assert normalise_duration(text) == normal


def test_the_watermark_and_other_durations_have_the_same_limit():
    document = linear_document()
    document["nodes"][2]["config"]["watermark_delay"] = "1000000000 days"
    assert "at most 36,500 days" in errors(document)[("n3", "watermark_delay")]


# --- nesting --------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition", [
    nested(MAX_NESTING + 1), nested(500), nested(100_000), "amount > " + " + ".join(["1"] * 300),
    "amount IN (" * 200 + "1" + ")" * 200, "abs(" * 150 + "amount" + ")" * 150 + " > 1",
])
def test_expressions_nested_past_the_limit_are_errors_stating_it(condition):
    assert NESTING in errors(with_condition(condition))[("n2", "condition")]


def test_an_expression_at_the_limit_validates_generates_and_replays():
    condition = nested(MAX_NESTING - 1)  # plus the comparison inside: MAX_NESTING levels
    document = with_condition(condition)
    assert errors(document) == {}
    pipeline = load_pipeline(document)
    for target in ("sss", "hybrid"):
        for profile in ("databricks", "local"):
            for path, file in generate(pipeline, target, profile, allow_hybrid=True).files.items():
                if path.endswith(".py"):
                    compile(ast.parse(file.text), path, "exec")
    sdp = load_pipeline({"nodes": [node("n1", "kafka_source", linear_document()["nodes"][0]["config"]),
                                   node("n2", "filter", {"condition": condition}),
                                   node("n3", "delta_table_sink", {"table": "main.s.t"})],
                         "edges": [edge("e1", "n1", "n2"), edge("e2", "n2", "n3")]})
    assert [i for i in validate(sdp) if i.severity == "error"] == []
    for target in ("sdp-sql", "sdp-python"):
        for path, file in generate(sdp, target).files.items():
            if path.endswith(".py"):
                compile(ast.parse(file.text), path, "exec")
    events = [{"card_id": "c1", "amount": 150.0, "ts": "2026-01-01 00:00:00"}]
    assert replay(pipeline, {"n1": events}, "n2").outputs["n2"].rows[0]["amount"] == 150.0


def test_a_case_too_wide_for_python_is_a_replay_error_not_a_crash():
    condition = "CASE " + " ".join(f"WHEN amount = {i} THEN true" for i in range(400)) + " ELSE false END"
    document = with_condition(condition)
    assert errors(document) == {}  # Spark runs it: only the local engine cannot
    events = [{"card_id": "c1", "amount": 150.0, "ts": "2026-01-01 00:00:00"}]
    with pytest.raises(UserError) as caught:
        replay(load_pipeline(document), {"n1": events}, "n2")
    assert str(caught.value) == ("node n2 (Filter): the expression nests too deeply for the pattern engine "
                                 "(Python's own limits): simplify it to replay it")


def test_match_recognize_limits_name_their_field():
    from lakestream.codegen.samples import sample_pipeline
    from lakestream.nodes import get_node_type

    config = copy.deepcopy(get_node_type("match_recognize").example)
    config["define"] = {"DOWN": nested(300).replace("amount", "price"), "UP": "price RLIKE '(['"}
    found = {(i.field, i.message) for i in validate(sample_pipeline("match_recognize", config))
             if i.severity == "error"}
    assert any(field == "define[0].condition" and NESTING in message for field, message in found), found
    config["define"] = {"DOWN": "price < PREV(price)", "UP": "symbol RLIKE '(['"}
    found = {(i.field, i.message) for i in validate(sample_pipeline("match_recognize", config))
             if i.severity == "error"}
    assert ("define[1].condition", "DEFINE UP: has an invalid regular expression '([' (unterminated character set)"
            ) in found
    config["pattern"] = "(" * 300 + "STRT" + ")" * 300
    found = {(i.field, i.message) for i in validate(sample_pipeline("match_recognize", config))
             if i.severity == "error"}
    assert any(f == "pattern" and "nests groups more than 100 levels deep" in m for f, m in found), found
    config["pattern"] = "PERMUTE(A, B, C, D, E, F, G, H, I, J, K, L)"
    found = {(i.field, i.message) for i in validate(sample_pipeline("match_recognize", config))
             if i.severity == "error"}
    assert any(f == "pattern" and "PERMUTE takes at most 8 items" in m for f, m in found), found


# --- regular expressions written as literals --------------------------------------------------------

@pytest.mark.parametrize(("expression", "pattern"), [
    ("card_id RLIKE '(['", "(["), ("card_id REGEXP 'a**'", "a**"), ("regexp_like(card_id, '(')", "("),
    ("regexp_extract(card_id, '(x', 1) = 'x'", "(x"), ("regexp_replace(card_id, '[', '') = ''", "["),
    ("size(split(card_id, '(')) > 1", "("), ("card_id NOT RLIKE '\\\\p{Nope}'", "\\p{Nope}"),
])
def test_an_invalid_literal_pattern_is_a_validation_error_naming_field_and_pattern(expression, pattern):
    message = errors(with_condition(expression))[("n2", "condition")]
    assert message.startswith(f"Condition: The expression has an invalid regular expression {pattern!r} (")


def test_a_pattern_read_from_the_data_is_checked_per_event_at_replay():
    document = with_condition("card_id RLIKE concat(card_id, '[')")
    assert errors(document) == {}
    events = [{"card_id": "c1", "amount": 150.0, "ts": "2026-01-01 00:00:00"}]
    with pytest.raises(UserError) as caught:
        replay(load_pipeline(document), {"n1": events}, "n2")
    assert str(caught.value) == ("node n2 (Filter), event 1: the regular expression 'c1[' is invalid "
                                 "(unterminated character set)")


def test_a_catastrophic_pattern_stops_the_replay_with_a_clear_error(tmp_path, capsys):
    document = with_condition("'" + "c" * 45 + "x' RLIKE '^(c|cc)+$' OR amount > 0")
    (tmp_path / "p.json").write_text(json.dumps(document))
    (tmp_path / "e.jsonl").write_text(json.dumps({"card_id": "c1", "amount": 150, "ts": "2026-01-01"}) + "\n")
    assert main(["replay", str(tmp_path / "p.json"), "--events", str(tmp_path / "e.jsonl")]) == 1
    assert capsys.readouterr().err == (
        "lakestream: node n2 (Filter), event 1: the regular expression '^(c|cc)+$' took longer than 1 s on a value "
        "of 46 characters (catastrophic backtracking): simplify the pattern, e.g. no nested repetition like (a+)+\n")


# --- the command line on such documents -------------------------------------------------------------

HOSTILE = {
    "window": lambda d: d["nodes"][2]["config"].update(within="1000000000 days"),
    "nesting": lambda d: d["nodes"][1]["config"].update(condition=nested(500)),
    "regex": lambda d: d["nodes"][1]["config"].update(condition="card_id RLIKE '(['"),
    "document nesting": lambda d: d["nodes"][0]["config"].update(extra="DEEP"),  # written as 5,000 nested lists
    "deep but readable": lambda d: d["nodes"][0]["config"].update(extra="NESTED"),  # 150 levels: json reads it
}


@pytest.mark.parametrize("case", HOSTILE)
def test_the_cli_answers_such_documents_with_errors_never_exit_3(case, tmp_path, capsys):
    document = linear_document()
    HOSTILE[case](document)
    path = tmp_path / "p.json"
    text = json.dumps(document).replace('"DEEP"', "[" * 5000 + "]" * 5000).replace('"NESTED"', "[" * 150 + "]" * 150)
    path.write_text(text)
    (tmp_path / "e.jsonl").write_text(json.dumps({"card_id": "c1", "amount": 150, "ts": "2026-01-01"}) + "\n")
    for argv in (["validate", str(path)], ["generate", str(path), "--out", str(tmp_path / "out")],
                 ["replay", str(path), "--events", str(tmp_path / "e.jsonl")]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (1, 2) and "unexpected error" not in err, (argv[0], code, err)


# --- MATCH_RECOGNIZE's own backtracking ----------------------------------------------------------------

def _falling_prices(count: int) -> list[dict]:
    from datetime import datetime, timedelta

    return [{"symbol": "A", "ts": datetime(2026, 1, 1) + timedelta(seconds=i), "price": float(count - i)}
            for i in range(count)]


def test_a_row_pattern_that_backtracks_exponentially_stops_with_a_clear_error():
    from lakestream.cep.match_recognize.replay import MAX_STEPS, replay_match_recognize
    from lakestream.nodes import get_node_type

    spec = get_node_type("match_recognize")
    config = spec.config.model_validate({**spec.example, "pattern": "STRT (DOWN|DOWN)* UP"})
    with pytest.raises(UserError) as caught:
        replay_match_recognize(config, _falling_prices(40))
    assert str(caught.value) == (
        f"match_recognize: the pattern backtracks too much: more than {MAX_STEPS:,} row tests for a match starting "
        "at row 1 of its partition (a nested quantifier like (A|A)* or (A+)+?); simplify the pattern")


def test_a_pattern_of_thousands_of_variables_matches_without_recursion_limits():
    from lakestream.cep.match_recognize.replay import replay_match_recognize
    from lakestream.nodes import get_node_type

    spec = get_node_type("match_recognize")
    config = spec.config.model_validate({**spec.example, "pattern": "STRT " + "DOWN " * 1500 + "UP*"})
    _, rows = replay_match_recognize(config, _falling_prices(1600))
    assert len(rows) == 1  # STRT, 1,500 falling prices, then UP* matches nothing more
