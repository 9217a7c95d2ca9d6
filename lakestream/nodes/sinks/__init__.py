"""Sink node types (one input, no output), in palette order."""

MODULES = [
    "delta_table_sink",
    "kafka_sink",
    "rest_webhook_sink",
    "alert_sink",
    "email_sink",
    "sql_warehouse_sink",
    "unity_catalog_table_sink",
    "dead_letter_queue",
    "lakebase_sink",
    "feature_store_sink",
]
