"""Python UDF: computes one column with the user's Python function (row-at-a-time or pandas)."""

from __future__ import annotations

import ast
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import PYTHON_TARGETS, Category, Column, Inputs, NodeType, Schema, merge_schema
from lakestream.nodes.fields import Model, Name, PythonCode, SparkType
from lakestream.nodes.transforms.common import KeyColumns, parse_python, top_level_functions


def udf_function(code: str) -> ast.FunctionDef:
    """The function the UDF calls: the last top-level def (earlier ones are helpers)."""
    functions = top_level_functions(parse_python(code))
    if not functions:
        raise ValueError("The code must define a function, like: def score(amount, country): return ...")
    return functions[-1]


def _has_function(code: str) -> str:
    udf_function(code)
    return code


class Config(Model):
    code: Annotated[PythonCode, AfterValidator(_has_function)] = Field(
        description="Python code; its last top-level function is called with the input columns, in order"
    )
    input_columns: KeyColumns = Field(description="Columns passed to the function, in order")
    output_column: Name = Field(description="Name of the column the function's result goes into")
    output_type: SparkType = Field(description="Spark type of the result: string, double, array<string>, …")
    vectorized: bool = Field(
        False, description="pandas UDF: the function receives and returns pandas Series (much faster)"
    )

    @model_validator(mode="after")
    def _arity(self):
        function = udf_function(self.code)
        params = function.args
        if params.vararg is None:
            positional = params.posonlyargs + params.args
            required = len(positional) - len(params.defaults)
            if not required <= len(self.input_columns) <= len(positional):
                raise ValueError(
                    f"{function.name}() takes {len(positional)} argument(s) but input_columns lists "
                    f"{len(self.input_columns)}: list one column per parameter"
                )
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return merge_schema(inputs.one(), (Column(config.output_column, config.output_type),))


EXAMPLE = {
    "code": '''import re


def normalise_merchant(name):
    """Upper-case merchant names without punctuation or store numbers."""
    if name is None:
        return None
    return re.sub(r"[^A-Z ]|\\s+#?\\d+$", "", name.upper()).strip()
''',
    "input_columns": ["merchant"],
    "output_column": "merchant_clean",
    "output_type": "string",
    "vectorized": False,
}

NODE = NodeType(
    type="custom_python_udf",
    name="Python UDF",
    category=Category.TRANSFORM,
    description="Adds a column computed by your own Python function.",
    icon="terminal",
    config=Config,
    output_schema=output_schema,
    targets=PYTHON_TARGETS,  # a Python function cannot be expressed in SDP SQL
    docs="The result column is appended (or replaces an input column of the same name).",
    example=EXAMPLE,
)
