"""The pattern engine: Spark SQL expressions in Python, and the pure-Python semantics of every CEP node."""
