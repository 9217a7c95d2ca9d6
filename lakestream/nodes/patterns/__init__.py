"""CEP pattern node types (per key, in event time)."""

MODULES = ["sequence_detector"]
