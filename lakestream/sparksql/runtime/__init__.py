"""Spark SQL value semantics in plain Python (standard library only): shipped beside generated code.

The pattern runtimes (`lakestream_cep`, `lakestream_match_recognize`) carry these modules in their own
package, so they import each other relatively only.
"""
