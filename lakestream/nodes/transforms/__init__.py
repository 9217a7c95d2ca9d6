"""Transform node types, in palette order."""

MODULES = [
    "filter",
    "map_select",
    "flatten_explode",
    "lookup_enrichment",
    "window_aggregate",
    "stream_stream_join",
    "stream_static_join",
    "union_merge",
    "rename_cast",
    "custom_python_udf",
    "ml_model_endpoint",
    "split_router",
    "watermark",
    "data_quality",
    "sql_transform",
]
