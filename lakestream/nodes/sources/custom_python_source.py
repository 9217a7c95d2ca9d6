"""Custom Python source: the user's DataSourceStreamReader, wrapped into a PySpark Python data source."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from lakestream.nodes.base import PYTHON_TARGETS, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, PythonCode, declared_schema
from lakestream.nodes.sources.common import RequiredColumns, schema_field
from lakestream.nodes.transforms.common import classes_deriving, parse_python

# The methods PySpark calls on each kind of reader (pyspark.sql.datasource).
REQUIRED_METHODS = {
    "DataSourceStreamReader": ("initialOffset", "latestOffset", "partitions", "read"),
    "SimpleDataSourceStreamReader": ("initialOffset", "read"),
}


def _reader(code: str) -> str:
    tree = parse_python(code)
    readers = classes_deriving(tree, *REQUIRED_METHODS)
    if len(readers) != 1:
        raise ValueError(
            "The code must define exactly one class deriving from DataSourceStreamReader or "
            f"SimpleDataSourceStreamReader (found {len(readers)})"
        )
    reader = readers[0]
    base = next(b for b in (getattr(x, "attr", getattr(x, "id", "")) for x in reader.bases) if b in REQUIRED_METHODS)
    defined = {n.name for n in reader.body if hasattr(n, "name")}
    missing = [m for m in REQUIRED_METHODS[base] if m not in defined]
    if missing:
        raise ValueError(f"Class {reader.name} must define {', '.join(missing)} (required by {base})")
    return code


class Config(Model):
    code: Annotated[PythonCode, AfterValidator(_reader)] = Field(
        description="Python code defining one DataSourceStreamReader (or SimpleDataSourceStreamReader) class"
    )
    schema_: RequiredColumns = schema_field("Columns of the tuples the reader yields, in order")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.schema_)


EXAMPLE = {
    "code": '''from pyspark.sql.datasource import SimpleDataSourceStreamReader


class CounterReader(SimpleDataSourceStreamReader):
    """Emits ten numbered ticks per micro-batch."""

    def initialOffset(self):
        return {"next": 0}

    def read(self, start):
        first = start["next"]
        rows = [(i, f"tick-{i}") for i in range(first, first + 10)]
        return iter(rows), {"next": first + 10}
''',
    "schema": [{"name": "n", "type": "bigint"}, {"name": "label", "type": "string"}],
}

NODE = NodeType(
    type="custom_python_source",
    name="Custom Python source",
    category=Category.SOURCE,
    description="Streams records from your own Python DataSourceStreamReader.",
    icon="code",
    config=Config,
    output_schema=output_schema,
    targets=PYTHON_TARGETS,
    inputs=(),
    example=EXAMPLE,
)
