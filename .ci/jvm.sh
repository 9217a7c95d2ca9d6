#!/usr/bin/env bash
# Resolves the JVM pieces of the I/O tests from Maven Central into a cache folder the machine keeps:
#   $LAKESTREAM_JARS/broker  Apache Kafka (KRaft broker) started by tests/realio's fixture
#   $LAKESTREAM_JARS/spark   Spark's Kafka and Avro connectors and Delta Lake, handed to Spark with spark.jars
# and a Python environment with pyspark 4.2.0 and delta-spark 4.4.1 for `lakestream run --io real` in the tests
# (Delta Lake has no release for Spark 4.3, the pinned pyspark): $LAKESTREAM_IO_PYTHON's environment, else
# <venv>/lakestream-spark42 inside an activated virtual environment, else ~/.cache/lakestream/spark42
# (tests/realio/io_env.py). It sees the main environment's packages but its own pyspark.
# Maven's own cache is ~/.m2, pip's ~/.cache/pip; a folder whose pom has not changed is kept as it is.
set -euo pipefail
cd "$(dirname "$0")"

export DEBIAN_FRONTEND=noninteractive
if ! command -v mvn >/dev/null; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends maven >/dev/null
fi

JARS="${LAKESTREAM_JARS:-$HOME/.cache/lakestream/jars}"
for part in broker spark; do
  pom="jvm/$part/pom.xml"
  stamp="$JARS/$part/.pom.sha256"
  sum="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    continue
  fi
  rm -rf "$JARS/$part"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$JARS/$part"
  echo "$sum" > "$stamp"
done
if [ -z "${LAKESTREAM_IO_PYTHON:-}" ]; then
  VENV="$(python ../tests/realio/io_env.py)"
  if ! "$VENV/bin/python" -c "import pyspark, delta; assert pyspark.__version__ == '4.2.0'" 2>/dev/null; then
    rm -rf "$VENV"
    python -m venv --system-site-packages "$VENV"
    "$VENV/bin/python" -m pip install -q "pyspark==4.2.0" "delta-spark==4.4.1"
  fi
  # --system-site-packages reaches the base interpreter only: from an activated venv, LakeStream and its
  # dependencies live in that venv, so its site-packages (with their .pth files) go behind the environment's own.
  parent="$(python -c 'import sysconfig; p = sysconfig.get_paths(); print("\n".join(dict.fromkeys([p["purelib"], p["platlib"]])))')"
  own="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  printf 'import site; site.addsitedir(%s)\n' $(printf '"%s" ' $parent) > "$own/lakestream-parent.pth"
fi
echo "jvm ready: $(ls "$JARS/broker" | grep -c jar) broker jars, $(ls "$JARS/spark" | grep -c jar) Spark connector jars in $JARS"
