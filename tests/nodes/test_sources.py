"""Source node types: example configs, field-level rejections, cross-field rules, output schemas."""

from __future__ import annotations

from lakestream.nodes import get_node_type
from lakestream.nodes.base import Inputs
from lakestream.nodes.sources.cdc_stream import OPERATION_COLUMNS
from lakestream.nodes.sources.kafka_source import KAFKA_METADATA
from lakestream.nodes.sources.stream_simulator import PROFILE_KEYS, PROFILES
from tests.nodes.helpers import Case, case_tests, cols, with_changes

SCHEMA = [{"name": "id", "type": "string"}, {"name": "v", "type": "double"}, {"name": "ts", "type": "timestamp"}]
DECLARED = cols("id:string", "v:double", "ts:timestamp")
NO_COLUMNS = ([], "Declare at least one column")
BAD_SECRET = ({"scope": "a b", "key": "k"}, "is not a secret scope/key")

CASES = [
    Case(
        "kafka_source",
        invalid={
            "bootstrap_servers": ("  ", "This field is required"),
            "topics": ([], "at least 1 item"),
        },
        schema=({"schema": SCHEMA}, {}, DECLARED + KAFKA_METADATA),
        rejects=(
            ({"security_protocol": "SASL_SSL"}, "SASL_SSL needs sasl_mechanism, sasl_username, sasl_password"),
            ({"starting_offsets": "timestamp"}, "needs starting_timestamp"),
            ({"event_time": "event_ts"}, "'event_ts' is not a declared column"),
            ({"schema": [{"name": "a", "type": "varchar2"}]}, "is not a Spark type"),
            ({"schema": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}, "declared twice"),
        ),
    ),
    Case(
        "delta_table_source",
        invalid={"table": ("main.sales.orders; DROP TABLE x", "is not a table name")},
        schema=(
            {"schema": SCHEMA, "read_change_feed": True, "skip_change_commits": False},
            {},
            DECLARED + cols("_change_type:string", "_commit_version:bigint", "_commit_timestamp:timestamp"),
        ),
        rejects=(({"read_change_feed": True}, "exclude each other"), ({"starting_version": -1}, "greater than")),
    ),
    Case(
        "auto_loader",
        invalid={
            "path": ("landing/files", "is not a folder path"),
            "format": ("xml", "Input should be 'json', 'csv', 'parquet', 'avro' or 'text'"),
        },
        schema=({"schema": SCHEMA}, {}, DECLARED),
        rejects=(({"schema": []}, "give schema_location"), ({"delimiter": ";;"}, "give exactly one character")),
    ),
    Case(
        "rest_webhook_source",
        invalid={"url": ("status.example.com/api", "is not a URL"), "schema": NO_COLUMNS},
        schema=({"schema": SCHEMA}, {}, DECLARED),
        rejects=(
            ({"token": None}, "auth = bearer needs the secret reference(s) token"),
            ({"json_path": "$..items"}, "is not a JSON path"),
            ({"poll_interval": "often"}, "is not a duration"),
            ({"token": "s3cr3t"}, "Input should be a valid dictionary"),
        ),
    ),
    Case(
        "cdc_stream",
        invalid={
            "source_kind": ("mysql", "Input should be 'kafka' or 'table'"),
            "cdc_format": ("canal", "Input should be 'debezium', 'maxwell' or 'delta_cdf'"),
            "schema": NO_COLUMNS,
            "keys": (["customer"], "'customer' is not a declared column"),
            "sequence_by": ("version", "'version' is not a declared column"),
        },
        schema=({"schema": SCHEMA, "keys": ["id"], "sequence_by": "ts"}, {}, DECLARED + OPERATION_COLUMNS),
        rejects=(
            ({"topic": None}, "source_kind = kafka needs topic"),
            ({"cdc_format": "delta_cdf"}, "set source_kind = table"),
            ({"source_kind": "table"}, "source_kind = table needs source_table"),
            ({"keys": []}, "List at least one column"),
        ),
    ),
    Case(
        "event_hubs_source",
        invalid={
            "namespace": ("my hub!", "is not an Event Hubs namespace"),
            "event_hub": ("bad/name", "is not an event hub name"),
            "connection_secret": BAD_SECRET,
            "schema": NO_COLUMNS,
        },
        schema=({"schema": SCHEMA}, {}, DECLARED),
        rejects=(({"connection_secret": "Endpoint=sb://x"}, "Input should be a valid dictionary"),),
    ),
    Case(
        "kinesis_source",
        invalid={
            "stream_name": ("vehicle positions", "is not a Kinesis stream name"),
            "region": ("Ireland", "is not an AWS region"),
            "schema": NO_COLUMNS,
        },
        schema=({"schema": SCHEMA}, {}, DECLARED),
        rejects=(
            ({"role_arn": None}, "auth = role needs role_arn"),
            ({"auth": "access_keys"}, "needs the secret references access_key and secret_key"),
            ({"initial_position": "at_timestamp"}, "needs initial_timestamp"),
            ({"role_arn": "kinesis-reader"}, "is not a role ARN"),
        ),
    ),
    Case(
        "mqtt_source",
        invalid={
            "broker_url": ("http://broker", "is not a broker URL"),
            "topic_filter": ("plant/#/temperature", "is not an MQTT topic filter"),
            "schema": NO_COLUMNS,
        },
        schema=({"schema": SCHEMA}, {}, DECLARED + cols("topic:string")),
        rejects=(
            ({"username": {"scope": "mqtt", "key": "user"}}, "Give both username and password"),
            ({"qos": 3}, "Input should be 0, 1 or 2"),
            ({"topic_filter": "plant/sensor+"}, "is not an MQTT topic filter"),
        ),
    ),
    Case(
        "custom_python_source",
        invalid={
            "code": ("class Reader:\n    def read(self, start)\n", "does not compile: expected ':' (line 2)"),
            "schema": NO_COLUMNS,
        },
        schema=({"schema": SCHEMA}, {}, DECLARED),
        rejects=(
            ({"code": "x = 1\n"}, "exactly one class deriving from DataSourceStreamReader"),
            (
                {"code": "from pyspark.sql.datasource import DataSourceStreamReader\n"
                         "class R(DataSourceStreamReader):\n    def read(self, p):\n        return iter([])\n"},
                "Class R must define initialOffset, latestOffset, partitions",
            ),
        ),
    ),
    Case(
        "stream_simulator",
        invalid={"profile": ("weather", "Input should be 'iot_sensors', 'clickstream'")},
        schema=({"profile": "iot_sensors"}, {}, PROFILES["iot_sensors"]),
        rejects=(
            ({"profile": "custom"}, "profile = custom needs custom_schema"),
            ({"custom_schema": SCHEMA}, "custom_schema is only used with profile = custom"),
            ({"events_per_second": 0}, "greater than or equal to 1"),
            ({"anomaly_rate": 1.5}, "less than or equal to 1"),
        ),
    ),
]

test_example_config_is_valid, test_each_required_field_rejects_invalid_value, test_cross_field_rules, test_output_schema = (
    case_tests(CASES))


def test_custom_simulator_outputs_its_declared_columns():
    node = get_node_type("stream_simulator")
    config = node.config.model_validate(with_changes(node.example, {"profile": "custom", "custom_schema": SCHEMA}))
    assert node.output_schema(config, Inputs({})) == DECLARED


def test_every_profile_has_a_timestamp_and_its_key_column():
    for profile, schema in PROFILES.items():
        names = {c.name: c.type for c in schema}
        assert names["ts"] == "timestamp" and PROFILE_KEYS[profile] in names


def test_text_formats_output_one_value_column():
    loader = get_node_type("auto_loader")
    config = loader.config.model_validate({"path": "s3://bucket/logs", "format": "text"})
    assert loader.output_schema(config, Inputs({})) == cols("value:string")
