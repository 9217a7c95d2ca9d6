"""LakeStream: a visual complex-event-processing pipeline builder for Databricks."""

__version__ = "0.1.0"
