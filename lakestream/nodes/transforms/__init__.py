"""Transform node types."""

MODULES = ["filter"]
