#!/usr/bin/env bash
# Installs the local services the `services` tests start themselves: mosquitto (MQTT broker) and
# PostgreSQL 15 server binaries. Idempotent; the tests never use the system-wide instances.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v runuser >/dev/null || missing+=(util-linux)

if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python clients (already in the project's `test` extra; repeated so this script stands alone).
python -m pip install -q "paho-mqtt>=2,<3" "psycopg[binary]>=3.1,<4" "aiosmtpd>=1.4"

echo "services ready: $(/usr/sbin/mosquitto -h | head -1); $(/usr/lib/postgresql/15/bin/postgres --version)"
