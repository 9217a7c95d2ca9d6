"""Test tooling: run Databricks-style SDP SQL on open-source `spark-pipelines` (Spark 4.x) over local JSON files.

Open-source SDP lacks a few Databricks-only pieces (docs/import.md lists them); `localize` rewrites them the
same way in any text, so the hand-written original and LakeStream's regenerated SQL run under the same rules:

- `CREATE OR REFRESH` -> `CREATE`; `PRIVATE` dropped; classic `STREAMING LIVE TABLE` -> `STREAMING TABLE`,
  `LIVE TABLE` -> `MATERIALIZED VIEW`, `LIVE.x` -> `x`; a table's `COMMENT "…"` line dropped;
- `[STREAM] read_files(path, …, schema => '…')` / `cloud_files(path, fmt, map('schema', '…'))` -> a temporary
  view (Python, `transformations/local_sources.py`) reading the JSON lines of `events/<slug of path>`;
- `CONSTRAINT n EXPECT (c) [ON VIOLATION DROP ROW | FAIL UPDATE]` -> the query filtered on `c` (drop) or
  failing through raise_error (fail); a warn-only expectation keeps every row (as on Databricks).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlglot
from sqlglot import exp

_CALL = re.compile(r"(STREAM\s+)?\b(read_files|cloud_files)\s*\(", re.IGNORECASE)
_CONSTRAINT = re.compile(r"CONSTRAINT\s+(`[^`]+`|\w+)\s+EXPECT\s*\(", re.IGNORECASE)
YML = """name: "{name}"
storage: "{storage}"
configuration:
  "spark.sql.shuffle.partitions": "2"
  "spark.sql.session.timeZone": "UTC"
  "spark.sql.ansi.enabled": "false"
libraries:
  - glob:
      include: "transformations/**"
"""


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")


def _closing(text: str, open_at: int) -> int:
    """Index of the bracket closing the one at open_at (quotes skipped)."""
    depth, i, quote = 0, open_at, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unclosed bracket")


def _source_call(call: str) -> tuple[str, str]:
    """(path, schema DDL) of a read_files / cloud_files call."""
    tree = sqlglot.parse_one(f"SELECT * FROM {call}", read="databricks").find(exp.Anonymous)
    path, schema = tree.expressions[0].this, None
    for arg in tree.expressions[1:]:
        if isinstance(arg, exp.Kwarg) and arg.this.name == "schema":
            schema = arg.expression.this
        elif isinstance(arg, exp.VarMap):
            pairs = dict(zip([k.this for k in arg.args["keys"].expressions],
                             [v.this for v in arg.args["values"].expressions], strict=False))
            schema = pairs.get("schema", schema)
    if schema is None:
        raise ValueError(f"{call}: declare the schema to run it locally")
    return path, schema


def _sources(sql: str, views: dict[str, tuple[str, str, bool]]) -> str:
    out, cursor = [], 0
    for match in _CALL.finditer(sql):
        if match.start() < cursor:
            continue
        close = _closing(sql, match.end() - 1)
        streaming = bool(match.group(1)) or match.group(2).lower() == "cloud_files"  # Auto Loader: always a stream
        path, schema = _source_call(sql[match.start(2):close + 1])
        name = f"src_{slug(path)}" + ("" if streaming else "_batch")
        views[name] = (path, schema, streaming)
        out.append(sql[cursor:match.start()])
        out.append(f"STREAM({name})" if streaming else name)
        cursor = close + 1
    out.append(sql[cursor:])
    return "".join(out)


def _expectations(statement: str) -> str:
    """Move a dataset's CONSTRAINT list into its query (filters and raise_error checks)."""
    head = re.match(r"\s*CREATE\s+[^(]*?(TABLE|VIEW)\s+[`\w.]+\s*\(", statement, re.IGNORECASE | re.DOTALL)
    if not head or not _CONSTRAINT.search(statement[head.end():head.end() + 200]):
        return statement
    close = _closing(statement, head.end() - 1)
    inside = statement[head.end():close]
    checks = []
    for match in _CONSTRAINT.finditer(inside):
        cond_close = _closing(inside, match.end() - 1)
        condition = inside[match.end():cond_close]
        after = inside[cond_close + 1:cond_close + 40].upper()
        name = match.group(1).strip("`").replace("'", "")
        if after.lstrip().startswith("ON VIOLATION DROP ROW"):
            checks.append(f"coalesce({condition}, false)")
        elif after.lstrip().startswith("ON VIOLATION FAIL UPDATE"):
            checks.append(f"CASE WHEN coalesce({condition}, false) THEN true "
                          f"ELSE raise_error('expectation {name} failed') END")
    rest = statement[close + 1:]
    as_at = re.search(r"\bAS\b", rest, re.IGNORECASE)
    query = rest[as_at.end():]
    header = statement[:head.end() - 1] + rest[:as_at.start()]
    if checks:
        query = f"\nSELECT * FROM ({query}\n) WHERE " + " AND ".join(checks)
    return f"{header}AS {query}"


def localize(sql: str) -> tuple[str, str]:
    """(pipeline.sql, local_sources.py) for open-source spark-pipelines."""
    sql = re.sub(r"^\s*--.*$", "", sql, flags=re.MULTILINE)
    sql = re.sub(r"CREATE\s+OR\s+REFRESH", "CREATE", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bPRIVATE\s+", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r"STREAMING\s+LIVE\s+TABLE", "STREAMING TABLE", sql, flags=re.IGNORECASE)
    sql = re.sub(r"CREATE\s+LIVE\s+TABLE", "CREATE MATERIALIZED VIEW", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bLIVE\.", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r"^\s*COMMENT\s+(\"[^\"]*\"|'[^']*')\s*$", "", sql, flags=re.MULTILINE | re.IGNORECASE)
    views: dict[str, tuple[str, str, bool]] = {}
    sql = _sources(sql, views)
    statements = [s for s in sql.split(";") if s.strip()]
    sql = ";\n".join(_expectations(s) for s in statements) + ";\n"
    python = ["from pyspark import pipelines as dp", "from pyspark.sql import SparkSession", "",
              "spark = SparkSession.active()", "INPUT_ROOT = spark.conf.get('spark.lakestream.input_root')", ""]
    for name, (path, schema, streaming) in sorted(views.items()):
        reader = "spark.readStream" if streaming else "spark.read"
        python += ["", f"@dp.temporary_view(name={name!r})", f"def {name}():",
                   f"    return {reader}.schema({schema!r}).json(INPUT_ROOT + '/' + {slug(path)!r})", ""]
    return sql, "\n".join(python)


def project(folder: Path, sql: str, inputs: dict[str, list[dict]], name: str) -> None:
    """A spark-pipelines project: the localized SQL, its local sources, the input files."""
    pipeline_sql, sources = localize(sql)
    (folder / "transformations").mkdir(parents=True)
    (folder / "transformations" / "pipeline.sql").write_text(pipeline_sql, encoding="utf-8")
    (folder / "transformations" / "local_sources.py").write_text(sources, encoding="utf-8")
    events = folder / "events"
    for path, rows in inputs.items():
        target = events / slug(path)
        target.mkdir(parents=True)
        (target / "000.json").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    yml = YML.format(name=name, storage=(folder / "storage").as_uri())
    yml = yml.replace('"spark.sql.ansi.enabled": "false"\n',
                      f'"spark.sql.ansi.enabled": "false"\n  "spark.lakestream.input_root": "{events}"\n')
    (folder / "spark-pipeline.yml").write_text(yml, encoding="utf-8")


def tables(sql: str) -> list[str]:
    """The persisted datasets (streaming tables, materialized views) a text defines, by name."""
    names = re.findall(r"CREATE\s+(?:OR\s+REFRESH\s+)?(?:PRIVATE\s+)?(?:STREAMING\s+(?:LIVE\s+)?TABLE|LIVE\s+TABLE|"
                       r"MATERIALIZED\s+VIEW)\s+([`\w.]+)", sql, flags=re.IGNORECASE)
    return sorted({n.replace("`", "").split(".")[-1] for n in names})


def run(folder: Path, conf_dir: Path):
    """`spark-pipelines run` in a project folder, its Spark Connect server on 127.0.0.1 and an ephemeral
    port (SPARK_TESTING makes PySpark pick one: engineers' runs in parallel would clash on 15002)."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    (conf_dir / "spark-defaults.conf").write_text("spark.connect.grpc.binding.address 127.0.0.1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_GATEWAY", "SPARK_"))}
    env.update(SPARK_CONF_DIR=str(conf_dir), SPARK_TESTING="1")
    return subprocess.run([shutil.which("spark-pipelines"), "run"], cwd=folder, capture_output=True, text=True,
                          timeout=900, env=env)
