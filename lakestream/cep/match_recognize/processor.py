"""The Spark side: a transformWithStateInPandas processor running the same engine per partition key.

Needs only pyspark and pandas next to the standard-library runtime (pattern, matcher, runtime, engine),
so it ships beside generated code. The key's state is one pickled blob (rows waiting for the watermark,
rows kept for PREV, the next start row, the match counter); an event-time timer wakes the key when the
watermark will release rows or end a partial match by WITHIN.

Python workers may not see the files shipped beside the job: the generated code registers this package
for pickling by value, and the processor carries the runtime's source, which it imports on the worker
when the package is not importable there.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import math
import pickle
import sys
from pathlib import Path

import pandas as pd
from pyspark.sql.streaming.stateful_processor import StatefulProcessor, StatefulProcessorHandle
from pyspark.sql.types import BinaryType, StructField, StructType

try:  # shipped beside generated code, Spark's type families sit in this package
    from .typenames import FRACTIONAL, INTEGRAL
except ImportError:  # inside lakestream they are the Spark SQL layer's
    from lakestream.sparksql.runtime.typenames import FRACTIONAL, INTEGRAL

_PACKAGE = __package__  # lakestream.cep.match_recognize here; lakestream_match_recognize beside generated code


class _SourceFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `package` and its modules from source texts carried by the processor."""

    def __init__(self, package: str, sources: dict[str, str]):
        self.package, self.sources = package, sources

    def find_spec(self, fullname, path=None, target=None):
        name = "__init__" if fullname == self.package else fullname.removeprefix(self.package + ".")
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        if name not in self.sources:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname == self.package)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = "__init__" if module.__name__ == self.package else module.__name__.rsplit(".", 1)[1]
        exec(compile(self.sources[name], f"<{module.__name__}>", "exec"), module.__dict__)  # our runtime


def _engine_class(package: str, sources: dict[str, str]):
    try:
        return importlib.import_module(f"{package}.engine").Engine
    except ModuleNotFoundError:
        sys.meta_path.append(_SourceFinder(package, sources))
        return importlib.import_module(f"{package}.engine").Engine


def _runtime_sources() -> dict[str, str]:
    if _PACKAGE.startswith("lakestream."):
        return {}  # workers import the installed lakestream package
    return {p.stem: p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("*.py")}


_STATE = StructType([StructField("blob", BinaryType(), True)])


def _coerce(value, spark_type: str):
    """A Python value in the shape Arrow expects for the output column's Spark type."""
    if value is None:
        return None
    if spark_type in INTEGRAL:
        return int(value)
    if spark_type in FRACTIONAL:
        return float(value)
    if spark_type == "string":
        return value if isinstance(value, str) else str(value)
    return value


def _python(value):
    # pandas hands NaN/NaT for SQL NULL, and Timestamps; the engine works on plain Python values
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


class MatchRecognizeProcessor(StatefulProcessor):
    """Runs one compiled MATCH_RECOGNIZE spec per grouping key; `output_types` are the Spark output types."""

    def __init__(self, spec: dict, output_types: list[str], time_zone: str = "UTC"):
        self.spec = {**spec, "time_zone": time_zone}  # pandas gets wall-clock times of the session zone
        self.output_types = output_types
        self.package = _PACKAGE
        self.sources = _runtime_sources()

    def init(self, handle: StatefulProcessorHandle) -> None:
        self.handle = handle
        self.engine = _engine_class(self.package, self.sources)(self.spec)
        self.state = handle.getValueState("match_recognize", _STATE)

    def handleInputRows(self, key, rows, timerValues):
        width = len(self.spec["columns"])
        new = []
        for frame in rows:
            # by position: the input is selected in spec order, and Arrow may rename columns such as _x
            for row in frame.iloc[:, :width].astype(object).itertuples(index=False, name=None):
                new.append(tuple(_python(v) for v in row))
        yield from self._step(new, timerValues)

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        yield from self._step([], timerValues)

    def _step(self, new_rows, timerValues):
        blob = self.state.get() if self.state.exists() else None
        state = pickle.loads(blob[0]) if blob else self.engine.new_state()
        watermark_ms = timerValues.getCurrentWatermarkInMs()
        out = self.engine.feed(state, new_rows, watermark_ms / 1000.0 if watermark_ms > 0 else None)
        if state["rows"] or state["pending"]:
            self.state.update((pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL),))
        else:
            self.state.clear()
        self._timer(self.engine.next_timer(state))
        if out:
            data = [[_coerce(v, t) for v, t in zip(row, self.output_types)] for row in out]
            yield pd.DataFrame(data, columns=self.engine.columns)

    def _timer(self, at_seconds):
        for old in self.handle.listTimers():
            self.handle.deleteTimer(old)
        if at_seconds is not None:
            # Spark fires a timer once the watermark reaches it; round up so the engine sees it passed
            self.handle.registerTimer(int(math.ceil(at_seconds * 1000)))

    def close(self) -> None:
        pass
