"""Source node types (no input, one output)."""

MODULES = ["kafka_source"]
