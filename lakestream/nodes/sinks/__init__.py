"""Sink node types (one input, no output)."""

MODULES = ["delta_table_sink"]
