"""MATCH_RECOGNIZE's SQL, below the node declarations: the PATTERN parser, the DEFINE/MEASURES compiler, the spec.

The runtime that runs a spec (matcher, engine, processor) is lakestream.cep.match_recognize; `pattern.py` ships
beside generated code with it (standard library only).
"""
