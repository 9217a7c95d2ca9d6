"""Change-apply runtime: shipped beside generated SSS code as `lakestream_changes`; imports only pyspark.

`apply.Changes` holds the semantics (CDC SCD type 1 / 2 with deletes, merge upserts), `stores` keeps
the state in versioned parquet folders (local profile) or Delta tables (Databricks).
"""
