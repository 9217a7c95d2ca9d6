"""MATCH_RECOGNIZE (SQL:2016 row pattern recognition): parser, compiler, matcher, batch replay and streaming.

Runtime modules shipped beside generated Spark code (standard library only): pattern, matcher, runtime,
engine (and processor, which adds pyspark/pandas). Generation-time modules: expressions (sqlglot), program.
"""
