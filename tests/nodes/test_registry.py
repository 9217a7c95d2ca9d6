"""The node registry: catalogue ids in palette order, contract rules, validator integration."""

from __future__ import annotations

import types
from typing import Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from lakestream.nodes import node_types
from lakestream.nodes.base import Category
from lakestream.nodes.fields import SecretRef
from lakestream.pipeline import load_pipeline
from lakestream.validate import validate
from tests.core.factories import edge, node

# CATALOGUE.md, in its order (palette order).
CATALOGUE = {
    Category.SOURCE: [
        "kafka_source", "delta_table_source", "auto_loader", "rest_webhook_source", "cdc_stream",
        "event_hubs_source", "kinesis_source", "mqtt_source", "custom_python_source", "stream_simulator",
    ],
    Category.TRANSFORM: [
        "filter", "map_select", "flatten_explode", "lookup_enrichment", "window_aggregate", "stream_stream_join",
        "stream_static_join", "union_merge", "rename_cast", "custom_python_udf", "ml_model_endpoint",
        "split_router", "watermark", "data_quality", "sql_transform",  # sql_transform: issue 19, not in CATALOGUE.md
    ],
    Category.SINK: [
        "delta_table_sink", "kafka_sink", "rest_webhook_sink", "alert_sink", "email_sink", "sql_warehouse_sink",
        "unity_catalog_table_sink", "dead_letter_queue", "lakebase_sink", "feature_store_sink",
    ],
}


@pytest.mark.parametrize("category", list(CATALOGUE), ids=lambda c: c.value)
def test_registry_has_the_catalogue_types_in_order(category):
    assert [n.type for n in node_types(category)] == CATALOGUE[category]


def test_counts():
    assert [len(node_types(c)) for c in CATALOGUE] == [10, 15, 10]


@pytest.mark.parametrize("spec", node_types(), ids=lambda n: n.type)
def test_node_declares_the_contract(spec):
    assert spec.name and spec.description.endswith(".") and spec.icon and spec.colour.startswith("#")
    assert spec.config.model_config.get("frozen") and spec.config.model_config.get("extra") == "forbid"
    assert spec.example, "a realistic example config for the UI and docs"
    if spec.category is Category.SOURCE:
        assert spec.inputs == () and [p.name for p in spec.outputs] == ["out"]
    if spec.category is Category.SINK:
        assert spec.outputs == () and [p.name for p in spec.inputs] == ["in"]


def _models(model: type[BaseModel]):
    yield model
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not SecretRef:
                yield from _models(annotation)
            stack.extend(get_args(annotation))


CREDENTIAL_WORDS = ("password", "secret", "token", "access_key", "secret_key", "sasl_username", "credential")


def _is_secret_ref(annotation) -> bool:
    if annotation is SecretRef:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return all(a is SecretRef or a is type(None) for a in get_args(annotation))
    return False


@pytest.mark.parametrize("spec", node_types(), ids=lambda n: n.type)
def test_credential_fields_only_take_secret_references(spec):
    for model in _models(spec.config):
        for name, info in model.model_fields.items():
            if any(word in name for word in CREDENTIAL_WORDS):
                assert _is_secret_ref(info.annotation), f"{model.__name__}.{name} must be a SecretRef"


def _document(nodes, edges):
    return load_pipeline({"format": 1, "name": "t", "nodes": nodes, "edges": edges})


def test_a_pipeline_of_new_nodes_validates_cleanly_and_propagates_columns():
    doc = _document(
        [
            node("src", "stream_simulator", {"profile": "clickstream", "seed": 1}),
            node("wm", "watermark", {"event_time_column": "ts", "delay": "1 minute"}),
            node("sel", "map_select", {"columns": [{"expr": "page"}, {"expr": "user_id"}, {"expr": "ts"}]}),
            node("agg", "window_aggregate", {
                "window_type": "sliding", "duration": "10 minutes", "slide": "5 minutes", "event_time_column": "ts",
                "watermark_delay": "1 minute", "group_by": ["page"],
                "aggregations": [{"function": "count_distinct", "column": "user_id", "alias": "visitors"}],
            }),
            node("out", "unity_catalog_table_sink", {"table": "main.web.page_visitors"}),
        ],
        [edge("e1", "src", "wm"), edge("e2", "wm", "sel"), edge("e3", "sel", "agg"), edge("e4", "agg", "out")],
    )
    assert [i for i in validate(doc) if i.severity == "error"] == []


def test_validator_finds_bad_column_references_per_join_port():
    left = {"profile": "card_transactions"}
    right = {"profile": "custom", "custom_schema": [{"name": "card", "type": "string"},
                                                    {"name": "at", "type": "string"}]}
    doc = _document(
        [
            node("a", "stream_simulator", left),
            node("b", "stream_simulator", right),
            node("j", "stream_stream_join", {
                "left_keys": ["card_id"], "right_keys": ["card_id"],
                "time_bound": {"left_time_column": "ts", "right_time_column": "at", "after": "1 hour"},
                "left_watermark": "1 hour", "right_watermark": "1 hour",
            }),
            node("out", "delta_table_sink", {"table": "main.x.y"}),
        ],
        [edge("e1", "a", "j", target_port="left"), edge("e2", "b", "j", target_port="right"),
         edge("e3", "j", "out")],
    )
    errors = {(i.code, i.field) for i in validate(doc) if i.severity == "error" and i.node_id == "j"}
    assert errors == {("column.unknown", "right_keys[0]"), ("column.not_timestamp", "time_bound.right_time_column")}


def test_union_arity_and_split_ports_reach_the_validator():
    sim = {"profile": "iot_sensors"}
    doc = _document(
        [
            node("a", "stream_simulator", sim),
            node("split", "split_router", {"routes": [{"name": "hot", "condition": "temperature > 80"}]}),
            node("u", "union_merge", {}),
            node("out", "delta_table_sink", {"table": "main.x.y"}),
            node("out2", "delta_table_sink", {"table": "main.x.z"}),
        ],
        [edge("e1", "a", "split"), edge("e2", "split", "u", source_port="hot"),
         edge("e3", "split", "u", source_port="default"), edge("e4", "u", "out"),
         edge("e5", "split", "out2", source_port="cold")],
    )
    issues = [i for i in validate(doc) if i.severity == "error"]
    assert [i.code for i in issues if i.code.startswith(("edge", "port"))] == ["edge.port"]
    assert "no output port 'cold'" in issues[0].message


def test_missing_columns_in_transform_configs_are_reported_with_their_path():
    doc = _document(
        [
            node("src", "stream_simulator", {"profile": "ecommerce_orders"}),
            node("rn", "rename_cast", {"mappings": [{"column": "quantiy", "rename_to": "n"},
                                                    {"column": "price", "cast_to": "decimal(10,2)"}]}),
            node("agg", "window_aggregate", {
                "window_type": "tumbling", "duration": "1 hour", "event_time_column": "ts",
                "watermark_delay": "5 minutes", "group_by": ["product"],
                "aggregations": [{"function": "sum", "column": "price", "alias": "revenue"}],
            }),
            node("out", "unity_catalog_table_sink", {"table": "main.shop.revenue"}),
        ],
        [edge("e1", "src", "rn"), edge("e2", "rn", "agg"), edge("e3", "agg", "out")],
    )
    unknown = sorted((i.node_id, i.field, i.hint) for i in validate(doc) if i.code == "column.unknown")
    assert unknown == [("agg", "group_by[0]", "Did you mean 'product_id'?"),
                       ("rn", "mappings[0].column", "Did you mean 'quantity'?")]
