"""Spark SQL in one layer: parsing, types, the Python evaluator with Spark's semantics, and code escaping.

Every other package imports it; it imports nothing else from lakestream (tests/core/test_layering.py).
"""
