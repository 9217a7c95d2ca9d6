"""Source node types (no input, one output), in palette order."""

MODULES = [
    "kafka_source",
    "delta_table_source",
    "auto_loader",
    "rest_webhook_source",
    "cdc_stream",
    "event_hubs_source",
    "kinesis_source",
    "mqtt_source",
    "custom_python_source",
    "stream_simulator",
]
