"""Transform node types: example configs, field-level rejections, cross-field rules, schema rules, checks."""

from __future__ import annotations

import pytest

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs, Target
from tests.nodes.helpers import Case, case_tests, cols, with_changes

EVENTS = cols("card_id:string", "amount:double", "fx_rate:double", "country:string", "qty:int", "ts:timestamp")
ONE = {"in": (EVENTS,)}

CASES = [
    Case(
        "filter",
        invalid={"condition": ("amount >", "is not a valid Spark SQL expression")},
        schema=({}, ONE, EVENTS),
        rejects=(({"condition": "1; DROP TABLE t"}, "must be a single expression"),),
    ),
    Case(
        "map_select",
        invalid={"columns": ([], "List at least one output column")},
        schema=(
            {"columns": [
                {"expr": "card_id"}, {"expr": "round(amount * fx_rate, 2)", "alias": "amount_eur"},
                {"expr": "qty + 1", "alias": "next_qty"}, {"expr": "upper(country)", "alias": "c"},
                {"expr": "amount > 100", "alias": "big"}, {"expr": "my_udf(card_id)", "alias": "u"},
                {"expr": "CAST(qty AS decimal(10,2))", "alias": "d"},
            ]},
            ONE,
            cols("card_id:string", "amount_eur:double", "next_qty:int", "c:string", "big:boolean", "u:string",
                 "d:decimal(10,2)"),
        ),
        rejects=(
            ({"columns": [{"expr": "amount * 2"}]}, "is not a bare column: give it an alias"),
            ({"columns": [{"expr": "amount", "alias": "1st"}]}, "is not a valid name"),
            ({"columns": [{"expr": "amount +", "alias": "a"}]}, "is not a valid Spark SQL expression"),
        ),
    ),
    Case(
        "flatten_explode",
        invalid={"column": ("", "Name a column of the input")},
        schema=(
            {},
            {"in": (cols("order_id:string", "line_items:array<struct<sku:string,qty:int>>", "ts:timestamp"),)},
            cols("order_id:string", "sku:string", "qty:int", "ts:timestamp"),
        ),
        rejects=(({"alias": "my item"}, "is not a valid name"),),
    ),
    Case(
        "lookup_enrichment",
        invalid={
            "table": ("merchants table", "is not a table name"),
            "keys": (["merchant_id"], "'merchant_id' is not a column of the table"),
        },
        schema=(
            {"columns": []},
            {"in": (cols("merchant:string", "category:int", "ts:timestamp"),)},
            cols("merchant:string", "category:int", "ts:timestamp", "merchants_category:string", "risk_score:double"),
        ),
        rejects=(
            ({"keys": []}, "List at least one column"),
            ({"columns": ["category", "category"]}, "'category' appears twice"),
            ({"join_type": "right"}, "Input should be 'left' or 'inner'"),
        ),
    ),
    Case(
        "window_aggregate",
        invalid={
            "window_type": ("hopping", "Input should be 'tumbling', 'sliding' or 'session'"),
            "duration": ("5 mins later", "is not a duration"),
            "event_time_column": ("", "Name a column of the input"),
            "watermark_delay": ("0 seconds", "must be longer than zero"),
            "aggregations": ([], "List at least one aggregation"),
        },
        schema=(
            {"group_by": ["country"], "aggregations": [
                {"function": "count", "alias": "n"},
                {"function": "sum", "column": "qty", "alias": "qty_sum"},
                {"function": "sum", "column": "amount", "alias": "amount_sum"},
                {"function": "avg", "column": "qty", "alias": "qty_avg"},
                {"function": "max", "column": "ts", "alias": "last_ts"},
                {"function": "collect_set", "column": "card_id", "alias": "cards"},
                {"function": "approx_count_distinct", "column": "card_id", "alias": "distinct_cards"},
            ]},
            ONE,
            cols("window_start:timestamp", "window_end:timestamp", "country:string", "n:bigint", "qty_sum:bigint",
                 "amount_sum:double", "qty_avg:double", "last_ts:timestamp", "cards:array<string>",
                 "distinct_cards:bigint"),
        ),
        rejects=(
            ({"window_type": "sliding"}, "A sliding window needs slide"),
            ({"window_type": "sliding", "slide": "10 minutes"}, "must not be longer than duration"),
            ({"slide": "1 minute"}, "slide is only used by sliding windows"),
            ({"aggregations": [{"function": "sum", "alias": "s"}]}, "sum needs a column"),
            ({"aggregations": [{"function": "count", "alias": "window_end"}]}, "collides with a window"),
            ({"aggregations": [{"function": "count", "alias": "n"}, {"function": "count", "alias": "n"}]},
             "Alias 'n' appears twice"),
            ({"aggregations": [{"function": "median", "column": "qty", "alias": "m"}]}, "Input should be 'count'"),
        ),
    ),
    Case(
        "stream_stream_join",
        invalid={
            "left_keys": ([], "List at least one left key column"),
            "right_keys": ([], "List at least one right key column"),
            "time_bound": ({"left_time_column": "a", "right_time_column": "b"}, "Field required"),
        },
        schema=(
            {},
            {"left": (cols("ad_id:string", "impression_ts:timestamp", "site:string"),),
             "right": (cols("ad_id:string", "click_ts:timestamp", "site:int"),)},
            cols("ad_id:string", "impression_ts:timestamp", "site:string", "right_ad_id:string",
                 "click_ts:timestamp", "right_site:int"),
        ),
        rejects=(
            ({"right_keys": ["ad_id", "site"]}, "pair them one to one"),
            ({"right_watermark": None}, "A left outer join needs left_watermark and right_watermark"),
            ({"time_bound": {"left_time_column": "a", "right_time_column": "b", "after": "soon"}}, "is not a duration"),
        ),
    ),
    Case(
        "stream_static_join",
        invalid={"table": ("main.ref.cust-omers", "is not a table name")},
        schema=(
            {},
            {"in": (cols("customer_id:string", "segment:string", "amount:double"),)},
            cols("customer_id:string", "segment:string", "amount:double", "customers_segment:string",
                 "credit_limit:double"),
        ),
        rejects=(
            ({"keys": []}, "Give either keys or condition"),
            ({"condition": "s.customer_id = t.customer_id"}, "Give either keys or condition"),
            ({"keys": [], "condition": "customer_id = t.customer_id"}, "Qualify column 'customer_id'"),
            ({"keys": [], "condition": "s.a = "}, "is not a valid Spark SQL expression"),
        ),
    ),
    Case(
        "union_merge",
        invalid={},
        schema=(
            {},
            {"in": (cols("id:string", "n:int", "v:float"), cols("v:double", "id:string", "n:bigint"))},
            cols("id:string", "n:bigint", "v:double"),
        ),
        rejects=(({"distinct": "sometimes"}, "Input should be a valid boolean"),),
    ),
    Case(
        "rename_cast",
        invalid={"mappings": ([], "List at least one mapping")},
        schema=(
            {},
            {"in": (cols("id:string", "evt_ts:string", "amt:double", "qty:bigint"),)},
            cols("id:string", "ts:timestamp", "amount:decimal(12,2)", "qty:int"),
        ),
        rejects=(
            ({"mappings": [{"column": "a"}]}, "changes nothing"),
            ({"mappings": [{"column": "a", "cast_to": "number"}]}, "is not a Spark type"),
            ({"mappings": [{"column": "a", "cast_to": "int"}, {"column": "a", "rename_to": "b"}]}, "'a' appears twice"),
        ),
    ),
    Case(
        "custom_python_udf",
        invalid={
            "code": ("x = 1\n", "The code must define a function"),
            "input_columns": ([], "List at least one column"),
            "output_column": ("merchant clean", "is not a valid name"),
            "output_type": ("text", "is not a Spark type"),
        },
        schema=({}, ONE, EVENTS + cols("merchant_clean:string")),
        rejects=(
            ({"input_columns": ["a", "b"]}, "normalise_merchant() takes 1 argument(s) but input_columns lists 2"),
            ({"code": "def f(x):\n  return x +\n"}, "does not compile"),
        ),
    ),
    Case(
        "ml_model_endpoint",
        invalid={
            "endpoint": ("fraud scorer", "is not a serving endpoint name"),
            "input_columns": ([], "List at least one column"),
            "output_column": ("", "is not a valid name"),
            "output_type": ("float64", "is not a Spark type"),
        },
        schema=({"output_column": "amount"}, ONE, cols(
            "card_id:string", "amount:double", "fx_rate:double", "country:string", "qty:int", "ts:timestamp")),
        rejects=(({"batch_size": 0}, "greater than or equal to 1"), ({"timeout": "forever"}, "is not a duration")),
    ),
    Case(
        "split_router",
        invalid={"routes": ([], "List at least one route")},
        schema=({}, ONE, EVENTS),
        rejects=(
            ({"default_route": "critical"}, "is also a route name"),
            ({"routes": [{"name": "a", "condition": "true"}] * 2}, "Route 'a' appears twice"),
            ({"routes": [{"name": f"r{i}", "condition": "true"} for i in range(5)]}, "at most 4 items"),
        ),
    ),
    Case(
        "watermark",
        invalid={
            "event_time_column": ("`ts`", "is not a column name"),
            "delay": ("10", "is not a duration"),
        },
        schema=({}, ONE, EVENTS),
    ),
    Case(
        "data_quality",
        invalid={"expectations": ([], "List at least one expectation")},
        schema=({}, ONE, EVENTS),
        rejects=(
            ({"expectations": [{"name": "x", "condition": "a > 0", "action": "quarantine"}]}, "'warn', 'drop'"),
            ({"quarantine_table": "main.x.y z"}, "is not a table name"),
        ),
    ),
]
test_example_config_is_valid, test_each_required_field_rejects_invalid_value, test_cross_field_rules, test_output_schema = (
    case_tests(CASES))


def findings(type_id: str, changes: dict, inputs: dict) -> list[tuple[str, str | None]]:
    node = get_node_type(type_id)
    config = node.config.model_validate(with_changes(node.example, changes))
    return [(f.code, f.field) for f in node.checks(config, Inputs(inputs))]


CHECKS = [
    ("map_select", {"columns": [{"expr": "amount"}, {"expr": "qty", "alias": "amount"}]}, ONE,
     [("map_select.duplicate", "columns")]),
    ("flatten_explode", {"column": "country"}, ONE, [("flatten.type", "column")]),
    ("flatten_explode", {"column": "tags", "alias": "country", "flatten_struct": False},
     {"in": (cols("tags:array<string>", "country:string"),)}, [("flatten.collision", "alias")]),
    ("window_aggregate", {"event_time_column": "country"}, ONE, [("column.not_timestamp", "event_time_column")]),
    ("window_aggregate", {"event_time_column": "ts", "aggregations": [
        {"function": "avg", "column": "country", "alias": "a"}]}, ONE, [("aggregate.type", "aggregations[0].column")]),
    ("stream_stream_join", {"right_watermark": None, "join_type": "inner"},
     {"left": (cols("ad_id:string", "impression_ts:string"),), "right": (cols("ad_id:bigint", "click_ts:timestamp"),)},
     [("column.not_timestamp", "time_bound.left_time_column"), ("join.key_types", "right_keys[0]"),
      ("join.unbounded_state", "left_watermark")]),
    ("stream_static_join", {"keys": [], "condition": "s.cust = t.customer_id AND t.tier > 1"},
     {"in": (cols("customer_id:string"),)},
     [("column.unknown", "condition"), ("column.unknown", "condition")]),
    ("stream_static_join", {"table_columns": []}, ONE, [("join.table_columns", "table_columns")]),
    ("union_merge", {}, {"in": (cols("id:string", "n:int"), cols("id:string", "x:int"))},
     [("union.columns", "by_name")]),
    ("union_merge", {"by_name": False, "distinct": True},
     {"in": (cols("id:string", "n:int"), cols("id:timestamp", "n:int", "x:int"))},
     [("union.arity", "by_name"), ("union.types", None), ("union.distinct_state", "distinct")]),
    ("rename_cast", {"mappings": [{"column": "qty", "rename_to": "amount"}]}, ONE,
     [("rename.collision", "mappings")]),
    ("watermark", {"event_time_column": "amount"}, ONE, [("column.not_timestamp", "event_time_column")]),
    ("data_quality", {"expectations": [{"name": "a", "condition": "amount > 0"}]}, ONE,
     [("quality.quarantine_unused", "quarantine_table")]),
    ("lookup_enrichment", {"table_columns": [], "columns": ["tier"]}, ONE, [("lookup.table_columns", "table_columns")]),
]


@pytest.mark.parametrize("type_id,changes,inputs,expected", CHECKS, ids=[c[0] for c in CHECKS])
def test_node_checks(type_id, changes, inputs, expected):
    assert findings(type_id, changes, inputs) == expected


@pytest.mark.parametrize("type_id", ["map_select", "window_aggregate", "stream_stream_join", "union_merge",
                                     "rename_cast", "watermark", "data_quality", "flatten_explode"])
def test_valid_examples_have_no_error_findings_on_matching_inputs(type_id):
    inputs = {
        "map_select": ONE,
        "window_aggregate": {"in": (cols("page:string", "user_id:string", "load_ms:int", "ts:timestamp"),)},
        "stream_stream_join": {"left": (cols("ad_id:string", "impression_ts:timestamp"),),
                               "right": (cols("ad_id:string", "click_ts:timestamp"),)},
        "union_merge": {"in": (EVENTS, EVENTS)},
        "rename_cast": {"in": (cols("evt_ts:string", "amt:double", "qty:bigint"),)},
        "watermark": ONE,
        "data_quality": ONE,
        "flatten_explode": {"in": (cols("line_items:array<struct<sku:string,qty:int>>"),)},
    }[type_id]
    assert findings(type_id, {}, inputs) == []


def test_split_router_has_one_port_per_route_and_the_default():
    node = get_node_type("split_router")
    config = node.config.model_validate(node.example)
    assert [p.name for p in node.output_ports(config)] == ["critical", "high_value", "other"]
    no_default = node.config.model_validate(with_changes(node.example, {"default_route": None}))
    assert [p.name for p in node.output_ports(no_default)] == ["critical", "high_value"]


def test_flatten_map_and_plain_array():
    node = get_node_type("flatten_explode")
    source = cols("id:string", "attrs:map<string,bigint>", "tags:array<string>")
    as_map = node.config.model_validate({"column": "attrs", "alias": "attr"})
    assert node.output_schema(as_map, Inputs({"in": (source,)})) == cols(
        "id:string", "attr_key:string", "attr_value:bigint", "tags:array<string>")
    as_array = node.config.model_validate({"column": "tags", "outer": True})
    assert node.output_schema(as_array, Inputs({"in": (source,)})) == cols(
        "id:string", "attrs:map<string,bigint>", "tags:string")


def test_window_aggregate_decimal_results():
    from lakestream.nodes.transforms.window_aggregate import result_type

    assert result_type("sum", "decimal(10,2)") == "decimal(20,2)"
    assert result_type("avg", "decimal(10,2)") == "decimal(14,6)"
    assert result_type("sum", "float") == "double"
    assert result_type("min", "date") == "date"


def test_map_select_keep_existing_replaces_in_place():
    node = get_node_type("map_select")
    config = node.config.model_validate({"columns": [{"expr": "amount * 100", "alias": "amount"},
                                                     {"expr": "'x'", "alias": "tag"}], "keep_existing": True})
    assert node.output_schema(config, Inputs(ONE)) == cols(
        "card_id:string", "amount:double", "fx_rate:double", "country:string", "qty:int", "ts:timestamp", "tag:string")


@pytest.mark.parametrize("type_id,changes,expected", [
    ("stream_stream_join", {}, set(Target)),
    ("stream_stream_join", {"join_type": "full"}, {Target.SDP_PYTHON, Target.SSS}),
    ("union_merge", {"distinct": True}, {Target.SDP_PYTHON, Target.SSS}),
    ("ml_model_endpoint", {}, set(Target)),
    ("ml_model_endpoint", {"invocation": "pandas_udf"}, {Target.SDP_PYTHON, Target.SSS}),
    ("custom_python_udf", {}, {Target.SDP_PYTHON, Target.SSS}),
    ("window_aggregate", {"window_type": "session"}, set(Target)),
])
def test_targets_follow_the_config(type_id, changes, expected):
    node = get_node_type(type_id)
    assert node.targets_for(node.config.model_validate(with_changes(node.example, changes))) == expected


@pytest.mark.parametrize("by_name", [True, False])
def test_union_of_identical_inputs_equals_the_column_by_column_rule(by_name):
    """Identical inputs take a shortcut; it must give what aligning them column by column gives."""
    union = get_node_type("union_merge")
    config = union.config.model_validate({"by_name": by_name})
    same = cols("id:integer", "n:long", "v:float", "m:map<string,int>")
    shortcut = union.output_schema(config, Inputs({"in": (same, same, cols(*(f"{c.name}:{c.type}" for c in same)))}))
    assert [(c.name, c.type) for c in shortcut] == [("id", "int"), ("n", "bigint"), ("v", "float"),
                                                    ("m", "map<string,int>")]
    # the same types met in a different order go the general way and agree
    general = union.output_schema(config, Inputs({"in": (same, cols("id:int", "n:bigint", "v:float", "m:map<string,int>"))}))
    assert general == shortcut
    assert list(union.checks(config, Inputs({"in": (same, same)}))) == []
