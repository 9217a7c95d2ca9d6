"""Contexts of the Python-code transforms: a user UDF (code kept as a string literal) and model serving calls."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, ident, spark_type, sql
from lakestream.durations import duration_seconds
from lakestream.nodes.transforms.custom_python_udf import udf_function


def custom_python_udf(view) -> dict:
    """The user's code is compiled at run time from a literal, so it can never alter the generated module."""
    config = view.config
    return {
        "source_name": Code(f"{view.name.upper()}_SOURCE"),
        "loader": Code(f"{view.name}_function"),
        "source": config.code,
        "function": udf_function(config.code).name,
        "wrapper": Code("F.pandas_udf" if config.vectorized else "F.udf"),
        "output": config.output_column,
        "output_type": spark_type(config.output_type),
        "arguments": [ident(c) for c in config.input_columns],
    }


def ml_model_endpoint(view) -> dict:
    config = view.config
    output_type = spark_type(config.output_type)
    fallback = Code(f"CAST({sql(config.fallback_value)} AS {output_type})") if config.fallback_value else None
    if config.invocation == "ai_query":
        unused = sorted({"timeout", "batch_size"} & config.model_fields_set)
        if unused:  # ai_query takes no timeout or batch size: say so rather than drop them silently
            view.warn(f"{' and '.join(unused)} {'apply' if len(unused) > 1 else 'applies'} to the pandas UDF only: "
                      "ai_query has no per-call "
                      "timeout and batches rows itself", unused[0])
    if view.local:
        view.warn("Local profile: model serving is not reachable; the column holds fallback_value", "endpoint")
        expression = fallback or Code(f"CAST(NULL AS {output_type})")
        mode = "expr"
    elif config.invocation == "ai_query":
        request = ", ".join(f"{sql(c)}, {ident(c)}" for c in config.input_columns)
        call = f"ai_query({sql(config.endpoint)}, named_struct({request}), returnType => {sql(output_type)}"
        expression = Code(f"coalesce({call}, failOnError => false).result, {fallback})" if fallback else f"{call})")
        mode = "expr"
    else:
        view.need("import pandas as pd")
        expression = None
        mode = "pandas_udf"
    return {
        "mode": mode,
        "expression": expression,
        "output": config.output_column,
        "output_type": output_type,
        "function": Code(f"{view.name}_predict"),
        "endpoint": config.endpoint,
        "batch_size": config.batch_size,
        "timeout_seconds": int(duration_seconds(config.timeout)),
        "features": [ident(c) for c in config.input_columns],
        "fallback": fallback,
    }


CONTEXTS = {"custom_python_udf": custom_python_udf, "ml_model_endpoint": ml_model_endpoint}
