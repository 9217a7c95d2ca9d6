"""Spark's built-in functions as a local session lists them, with what Spark's ExpressionInfo says of each.

`python -m tests.sparksql.spark_inventory` rewrites lakestream/sparksql/spark_functions.json from the installed
Spark (after a Spark upgrade); tests/sparksql/test_function_differential.py checks the stored list against it.
"""

from __future__ import annotations

import json

from lakestream.sparksql.functions import INVENTORY

_E = "org.apache.spark.sql.catalyst.expressions."
INTERFACES = {"aggregate": _E + "aggregate.AggregateFunction", "generator": _E + "Generator",
              "window": _E + "WindowFunction", "nondeterministic": _E + "Nondeterministic",
              "lambda": _E + "HigherOrderFunction", "unevaluable": _E + "Unevaluable"}


def listed(spark) -> dict:
    """{"spark": version, "functions": [{name, class, group, is}]} from SHOW SYSTEM FUNCTIONS and ExpressionInfo."""
    jvm = spark._jvm
    registry = jvm.org.apache.spark.sql.catalyst.analysis.FunctionRegistry.builtin()
    java_class = jvm.java.lang.Class.forName
    interfaces = {k: java_class(v) for k, v in INTERFACES.items()}
    out = []
    for name in sorted({r[0] for r in spark.sql("SHOW SYSTEM FUNCTIONS").collect()}):
        info = registry.lookupFunction(jvm.org.apache.spark.sql.catalyst.FunctionIdentifier.apply(name))
        if info.isEmpty():  # operators and table-valued functions have no ExpressionInfo here
            out.append({"name": name, "class": None, "group": None, "is": []})
            continue
        info = info.get()
        try:
            found = java_class(info.getClassName())
            kinds = [k for k, i in interfaces.items() if i.isAssignableFrom(found)]
        except Exception:  # noqa: BLE001 - a class the JVM cannot load: unknown, counted as nondeterministic
            kinds = ["?"]
        out.append({"name": name, "class": info.getClassName().rsplit(".", 1)[-1], "group": info.getGroup(),
                    "is": kinds})
    return {"spark": spark.version, "functions": out}


def text(data: dict) -> str:
    """The stored form: one function a line (diffs read per function)."""
    lines = [json.dumps({"spark": data["spark"]})[:-1] + ', "functions": [']
    lines += ["  " + json.dumps(f) + ("," if i < len(data["functions"]) - 1 else "")
              for i, f in enumerate(data["functions"])]
    return "\n".join(lines + ["]}"]) + "\n"


if __name__ == "__main__":
    from lakestream.spark_local import local_session

    INVENTORY.write_text(text(listed(local_session("inventory"))), encoding="utf-8")
    print(f"wrote {INVENTORY}")
