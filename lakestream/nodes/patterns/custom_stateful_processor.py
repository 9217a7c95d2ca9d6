"""Custom processor: the user's own StatefulProcessor class, checked and run per key."""

from __future__ import annotations

import ast
from typing import Literal

from pydantic import Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Inputs, NodeType, PatternFacets, Schema
from lakestream.nodes.fields import Columns, Name, PythonCode, declared_schema
from lakestream.nodes.patterns.common import PatternConfig, event_time_checks

REQUIRED_METHODS = ("init", "handleInputRows")


class ProcessorCodeError(ValueError):
    """The code does not define a usable StatefulProcessor subclass."""


def find_processor(code: str, class_name: str | None = None) -> ast.ClassDef:
    """Return the processor class in `code`; raise ProcessorCodeError saying what is wrong."""
    try:
        tree = ast.parse(code)
        compile(tree, "<processor>", "exec")
    except SyntaxError as error:
        raise ProcessorCodeError(f"The code does not compile: {error.msg} (line {error.lineno})") from None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if class_name:
        chosen = [c for c in classes if c.name == class_name]
        if not chosen:
            raise ProcessorCodeError(f"The code defines no class {class_name!r}")
    else:
        chosen = [c for c in classes if any(ast.unparse(b).endswith("StatefulProcessor") for b in c.bases)]
        if len(chosen) != 1:
            raise ProcessorCodeError(
                "Define exactly one class deriving from StatefulProcessor, or name it in class_name"
            )
    cls = chosen[0]
    methods = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    missing = [m for m in REQUIRED_METHODS if m not in methods]
    if missing:
        raise ProcessorCodeError(f"Class {cls.name} lacks the method(s) {', '.join(missing)}")
    return cls


class Config(PatternConfig):
    code: PythonCode = Field(
        description="Python code defining a pyspark StatefulProcessor subclass (init, handleInputRows, "
        "optionally handleExpiredTimer and close); document its state variables in the code"
    )
    class_name: Name | None = Field(None, description="The processor class (empty: the one StatefulProcessor subclass)")
    output_schema: Columns = Field(min_length=1, description="Columns of the rows the processor yields")
    time_mode: Literal["none", "processing", "event"] = Field("event", description="Timer mode of the processor")

    @model_validator(mode="after")
    def _code_defines_processor(self):
        try:
            find_processor(self.code, self.class_name)
        except ProcessorCodeError as error:
            raise ValueError(str(error)) from None
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.output_schema)


DOCS = """\
The events are grouped by key_columns (with a watermark on event_time_column when time_mode is
event) and handed to the class with transformWithStateInPandas; it yields pandas DataFrames with
exactly output_schema's columns. LakeStream checks that the code compiles and that the class
defines init and handleInputRows, and runs it on sample events locally with Spark.
"""

EXAMPLE = {
    "key_columns": ["card_id"],
    "event_time_column": "ts",
    "watermark_delay": "1 minute",
    "time_mode": "event",
    "output_schema": [{"name": "card_id", "type": "string"}, {"name": "events", "type": "bigint"}],
    "code": (
        "import pandas as pd\n"
        "from pyspark.sql.streaming.stateful_processor import StatefulProcessor\n"
        "from pyspark.sql.types import LongType, StructField, StructType\n"
        "\n\n"
        "class CountEvents(StatefulProcessor):\n"
        "    \"\"\"Emits each key's running event count. State: count (bigint).\"\"\"\n"
        "\n"
        "    def init(self, handle):\n"
        "        self.count = handle.getValueState(\"count\", StructType([StructField(\"n\", LongType())]))\n"
        "\n"
        "    def handleInputRows(self, key, rows, timerValues):\n"
        "        n = self.count.get()[0] if self.count.exists() else 0\n"
        "        for frame in rows:\n"
        "            n += len(frame)\n"
        "        self.count.update((n,))\n"
        "        yield pd.DataFrame({\"card_id\": [key[0]], \"events\": [n]})\n"
        "\n"
        "    def close(self):\n"
        "        pass\n"
    ),
}

PATTERN = PatternFacets(
    bind=None, replay="spark", codegen="own",
    watermark="The user's processor decides: Spark drops rows at or before the watermark of the micro-batch "
    "before their own, and event-time timers fire as the watermark passes them.",
    example_rows=(), state_probes=None,
)


NODE = NodeType(
    type="custom_stateful_processor",
    name="Custom processor",
    category=Category.PATTERN,
    description="Runs your own StatefulProcessor class per key.",
    icon="code",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,
    stateful_reason="runs a user StatefulProcessor with transformWithStateInPandas",
    checks=event_time_checks,
    docs=DOCS,
    example=EXAMPLE,
    pattern=PATTERN,
)
