"""Dependency-free pattern runtime: shipped beside generated SSS code, also used by the local engine.

Every module in this package imports only the standard library and its siblings (relatively), so
the folder can be copied next to generated code and run on Databricks with nothing but pyspark.
"""
