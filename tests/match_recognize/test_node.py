"""The match_recognize node: config validation, output schema rule, findings on the exact field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs, Target, schema_of

NODE = get_node_type("match_recognize")
INPUT = schema_of(("symbol", "string"), ("ts", "timestamp"), ("price", "double"), ("id", "bigint"))


def config(**changes):
    return NODE.config.model_validate({**NODE.example, **changes})


def findings(cfg, schema=INPUT):
    return list(NODE.checks(cfg, Inputs({"in": (schema,)})))


def test_example_is_valid_and_clean():
    cfg = config()
    assert [f for f in findings(cfg) if f.severity == "error"] == []
    assert NODE.targets_for(cfg) == frozenset({Target.SSS})


def test_one_row_schema_is_partition_plus_typed_measures():
    cfg = config(measures=[{"expr": "FIRST(ts)", "alias": "start_ts"}, {"expr": "count(DOWN.*)", "alias": "downs"},
                           {"expr": "avg(DOWN.price)", "alias": "avg_down"}, {"expr": "CLASSIFIER()", "alias": "c"},
                           {"expr": "array_agg(UP.price)", "alias": "ups"}, {"expr": "UP.price > 1", "alias": "b"}])
    out = NODE.output_schema(cfg, Inputs({"in": (INPUT,)}))
    assert out == schema_of(("symbol", "string"), ("start_ts", "timestamp"), ("downs", "bigint"),
                            ("avg_down", "double"), ("c", "string"), ("ups", "array<double>"), ("b", "boolean"))


def test_all_rows_schema_is_input_plus_measures():
    cfg = config(rows_per_match="ALL ROWS PER MATCH", measures=[{"expr": "MATCH_NUMBER()", "alias": "mn"}])
    assert cfg.rows_per_match == "ALL"
    assert NODE.output_schema(cfg, Inputs({"in": (INPUT,)})) == INPUT + schema_of(("mn", "bigint"))


@pytest.mark.parametrize("changes, field, fragment", [
    ({"pattern": "STRT DOWN+ (UP+"}, "pattern", "column 16: expected ')'"),
    ({"pattern": "STRT DOWN{3,1}"}, "pattern", "column 10"),
    ({"subset": {"U": ["DOWN", "SIDE"]}}, "subset[0].variables", "SIDE is not a variable of the PATTERN"),
    ({"define": {"DOWN": "price < PREV(price)", "FLAT": "price = PREV(price)"}}, "define[1].variable",
     "FLAT is not a variable"),
    ({"define": {"DOWN": "price < median(price)"}}, "define[0].condition", "median() is not supported"),
    ({"define": {"DOWN": "FINAL LAST(price) < 3"}}, "define[0].condition", "FINAL is not allowed in DEFINE"),
    ({"define": {"DOWN": "X.price < 3"}}, "define[0].condition", "X is not a pattern variable"),
    ({"define": {"DOWN": "prize < 3"}}, "define[0].condition", "column 'prize' is not in the input"),
    ({"measures": [{"expr": "ts", "alias": "a"}, {"expr": "sum(price) + (", "alias": "b"}]}, "measures[1].expr",
     "not a valid expression"),
    ({"measures": [{"expr": "PREV(ts, x)", "alias": "a"}]}, "measures[0].expr", "offset of PREV"),
    ({"measures": [{"expr": "sum(DOWN.price + UP.price)", "alias": "a"}]}, "measures[0].expr", "same variable"),
    ({"measures": [{"expr": "ts", "alias": "symbol"}]}, "measures[0].alias", "already an output column"),
    ({"after_match_skip": "TO LAST NOPE"}, "after_match_skip", "NOPE is not a pattern variable"),
    ({"partition_by": ["sym"]}, "partition_by[0]", "no such input column"),
    ({"measures": [{"expr": "count()", "alias": "n"}]}, "measures[0].expr", "count needs an argument"),
    ({"measures": [{"expr": "LAST(PREV(price))", "alias": "n"}]}, "measures[0].expr",
     "physical navigation (PREV, NEXT) cannot be nested inside logical navigation"),
    ({"measures": [{"expr": "max_by(price)", "alias": "n"}]}, "measures[0].expr", "max_by takes two arguments"),
    ({"define": {"DOWN": "substring(symbol) = 'a'"}}, "define[0].condition", "an argument is missing"),
    ({"define": {"DOWN": "price < 1e400"}}, "define[0].condition", "out of the range of a double"),
    ({"after_match_skip": 'TO LAST "down"'}, "after_match_skip", "down is not a pattern variable"),
    ({"order_by": [], "within": None}, "order_by", "ORDER BY must start with a timestamp column"),
    ({"order_by": []}, "within", "WITHIN bounds a match in the time of the first ORDER BY column"),
])
def test_checks_report_on_the_exact_field(changes, field, fragment):
    found = [f for f in findings(config(**changes)) if f.severity == "error"]
    assert len(found) == 1, found
    assert found[0].field == field
    assert fragment in found[0].message


@pytest.mark.parametrize("changes, fragment", [
    ({"after_match_skip": "TO SOMEWHERE ELSE"}, "is not a skip mode"),
    ({"rows_per_match": "TWO ROWS"}, "Input should be 'ONE'"),
    ({"within": "soon"}, "is not a duration"),
    ({"define": {"bad name": "x"}}, "is not a pattern variable"),
    ({"define": {"\"open": "x"}}, "is not a pattern variable"),
])
def test_config_rejects_malformed_values(changes, fragment):
    with pytest.raises(ValidationError) as caught:
        config(**changes)
    assert fragment in str(caught.value)


def test_skip_and_rows_per_match_are_normalised():
    cfg = config(after_match_skip="after match skip to  first  down", rows_per_match="all rows per match with unmatched rows")
    assert (cfg.after_match_skip, cfg.rows_per_match) == ("TO FIRST DOWN", "ALL WITH UNMATCHED ROWS")
    assert config(after_match_skip="to up").after_match_skip == "TO LAST UP"


@pytest.mark.parametrize("changes, field, fragment", [
    ({"watermark_delay": None}, "watermark_delay", "needs a watermark delay"),
    ({"pattern": "STRT DOWN+ UP+ $"}, "pattern", "no partition end"),
    ({"order_by": [{"column": "ts", "desc": True}]}, "order_by[0].column", "ts is timestamp DESC"),
    ({"order_by": [{"column": "id"}]}, "order_by[0].column", "id is bigint"),
])
def test_streaming_needs_watermark_ascending_time_and_no_end_anchor(changes, field, fragment):
    cfg = config(**changes)
    assert NODE.targets_for(cfg) == (frozenset() if "order_by" not in changes or changes["order_by"][0].get("desc")
                                     else frozenset({Target.SSS}))
    found = [f for f in findings(cfg) if f.severity == "error"]
    assert [(f.field, fragment in f.message) for f in found] == [(field, True)]


def test_missing_within_is_a_warning_on_within():
    found = findings(config(within=None))
    assert [(f.severity, f.field) for f in found] == [("warning", "within")]


def test_unknown_input_schema_still_checks_syntax():
    assert findings(config(), schema=())[0:0] == []
    bad = findings(config(define={"DOWN": "price <"}), schema=())
    assert bad[0].field == "define[0].condition"


def test_an_unclosed_quote_is_a_message_not_a_crash():
    found = findings(config(define={"DOWN": "symbol = 'abc"}))
    assert found[0].field == "define[0].condition" and "not a valid expression" in found[0].message


def test_define_and_subset_are_lists_for_forms_and_accept_the_mapping_form():
    cfg = config(define={"DOWN": "price < PREV(price)"}, subset={"U": ["DOWN", "UP"]})
    assert cfg.model_dump(mode="json")["define"] == [{"variable": "DOWN", "condition": "price < PREV(price)"}]
    assert cfg.model_dump(mode="json")["subset"] == [{"name": "U", "variables": ["DOWN", "UP"]}]
    same = config(define=[{"variable": "DOWN", "condition": "price < PREV(price)"}],
                  subset=[{"name": "U", "variables": ["DOWN", "UP"]}])
    assert same == cfg
