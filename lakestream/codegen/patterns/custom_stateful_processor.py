"""Custom processor context: the user's code as its own module beside the job, run per key."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, py
from lakestream.codegen.patterns._runtime import PACKAGE, ship
from lakestream.nodes.patterns.custom_stateful_processor import find_processor

TIME_MODES = {"none": "None", "processing": "ProcessingTime", "event": "EventTime"}


def context(view) -> dict:
    config = view.config
    cls = find_processor(config.code, config.class_name)
    module = f"{view.name}_processor"
    # the user's code is code by design: it goes verbatim into its own module, never into this file
    view.add_file(f"{module}.py", config.code if config.code.endswith("\n") else config.code + "\n")
    ship(view)
    view.need(f"from {module} import {cls.name}", f"from {PACKAGE}.spark_processor import ensure_runtime")
    keys = [py(k) for k in config.key_columns]
    return {
        "processor_class": Code(cls.name),
        "event_time": config.time_mode == "event",
        "time_column": py(config.event_time_column),
        "delay": py(config.watermark_delay),
        "group_by": keys,
        "time_mode": py(TIME_MODES[config.time_mode]),
        "output_ddl": py(view.schema_ddl(view.schema_out)),
    }


CONTEXTS = {"custom_stateful_processor": context}
