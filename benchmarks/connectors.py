"""Connector throughput against real local services: prints the median of 5 runs per case.

    python benchmarks/connectors.py

Needs mosquitto and PostgreSQL 15 (.ci/services.sh), paho-mqtt, psycopg and aiosmtpd. No Spark:
it times the runtime itself (what one micro-batch costs besides Spark).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyspark.sql.types import DoubleType, StringType, StructField, StructType  # noqa: E402

from lakestream.connectors.email_sink import EmailWriter  # noqa: E402
from lakestream.connectors.lakebase_sink import LakebaseWriter  # noqa: E402
from lakestream.connectors.mqtt_source import MqttDataSource  # noqa: E402
from lakestream.connectors.webhook_sink import WebhookWriter  # noqa: E402
from tests.services import servers  # noqa: E402

RUNS = 5
ROWS = [{"card_id": f"c{i}", "amount": i * 1.5, "note": "x" * 40} for i in range(10_000)]
COLUMNS = ["card_id", "amount", "note"]


def median_ms(action, setup=lambda: None) -> float:
    times = []
    for _ in range(RUNS):
        setup()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, count: int, ms: float) -> None:
    print(f"{name:<52} {ms:9.1f} ms  {count / ms * 1000:10.0f} /s")


def webhook(http) -> None:
    template = '{{"card": "{card_id}", "amount": {amount}}}'
    for batch_size, count in ((1, 500), (100, 10_000)):
        writer = WebhookWriter(http.url(), payload_template=template, batch_size=batch_size)
        ms = median_ms(lambda: writer.write_rows(ROWS[:count]), http.reset)
        report(f"webhook: {count} rows, batch_size {batch_size}", count, ms)


def email(smtp) -> None:
    writer = EmailWriter("127.0.0.1", ["ops@example.com"], "Card {card_id}", "Amount {amount}",
                         smtp_port=smtp.port, security="none", max_per_batch=1000)
    report("email: 200 messages, one connection", 200, median_ms(lambda: writer.write_rows(ROWS[:200]), smtp.reset))


def lakebase(postgres) -> None:
    postgres.query("CREATE TABLE IF NOT EXISTS bench (card_id text PRIMARY KEY, amount float8, note text)")
    append = LakebaseWriter(postgres.params, "public.bench_append")
    postgres.query("CREATE TABLE IF NOT EXISTS bench_append (card_id text, amount float8, note text)")
    upsert = LakebaseWriter(postgres.params, "public.bench", mode="upsert", keys=["card_id"])
    report("lakebase append: 10,000 rows", 10_000, median_ms(lambda: append.write_rows(ROWS, COLUMNS)))
    report("lakebase upsert: 10,000 rows (half new, half updates)", 10_000,
           median_ms(lambda: upsert.write_rows(ROWS, COLUMNS), lambda: postgres.query("DELETE FROM bench WHERE amount > 7500")))


def mqtt(broker) -> None:
    schema = StructType([StructField("card_id", StringType()), StructField("amount", DoubleType()),
                         StructField("note", StringType()), StructField("topic", StringType())])
    count = 5_000

    def receive() -> None:
        reader = MqttDataSource({"broker_url": broker.url, "topic_filter": "bench/#", "qos": "1",
                                 "schema": "card_id STRING, amount DOUBLE, note STRING"}).streamReader(schema)
        start = reader.initialOffset()
        broker.publish("bench/a", ROWS[:count])
        deadline = time.monotonic() + 60
        while reader.latestOffset()["index"] < count and time.monotonic() < deadline:
            time.sleep(0.005)
        rows = [row for part in reader.partitions(start, reader.latestOffset()) for row in reader.read(part)]
        assert len(rows) == count, len(rows)
        reader.stop()

    report(f"mqtt: publish + receive + parse {count} QoS 1 messages", count, median_ms(receive))


def main() -> None:
    http, smtp = servers.HttpRecorder(), servers.SmtpRecorder()
    broker, postgres = servers.Mosquitto(), servers.Postgres()
    try:
        webhook(http)
        email(smtp)
        lakebase(postgres)
        mqtt(broker)
    finally:
        for server in (http, smtp, broker, postgres):
            server.stop()


if __name__ == "__main__":
    main()
