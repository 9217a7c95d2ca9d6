"""A real Apache Kafka broker (KRaft, one node) for the I/O tests, from the jars .ci/jvm.sh resolves with Maven.

Listeners on 127.0.0.1: PLAINTEXT, SASL_PLAINTEXT (PLAIN, users in USERS), SSL, and SASL_SSL (PLAIN and
SCRAM-SHA-512, the SCRAM credentials written at format time; PLAIN also knows Event Hubs' `$ConnectionString` user). TLS uses a certificate made for the run with
`cryptography`, served as a PEM keystore; clients trust it through a PKCS12 truststore made with keytool.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from lakestream.spark_local import jars_root
from tests.services.servers import free_port, self_signed_certificate, wait_for_port

USERS = {"alice": "alice-secret"}
# Event Hubs' Kafka endpoint: user $ConnectionString, the namespace's connection string as password (SASL_SSL listener)
EVENT_HUBS_CONNECTION = ("Endpoint=sb://contoso-telemetry.servicebus.windows.net/;SharedAccessKeyName=listen;"
                         "SharedAccessKey=c2VjcmV0LWtleQ==")
TRUSTSTORE_PASSWORD = "trust-pw"
_PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
_SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule"


def broker_jars() -> Path:
    return jars_root() / "broker"


def java() -> str:
    return shutil.which("java") or "java"


class KafkaBroker:
    """One broker+controller process; `stop()` ends it and removes its folder."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lakestream-kafka-"))
        self.plain_port, self.sasl_port, self.ssl_port, self.sasl_ssl_port, controller = (free_port() for _ in range(5))
        cert, key = self_signed_certificate(self.dir)
        keystore = self.dir / "keystore.pem"
        keystore.write_text(key.read_text() + cert.read_text())
        self.ca = cert
        self.truststore = self.dir / "truststore.p12"
        subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "broker", "-file", str(cert),
                        "-keystore", str(self.truststore), "-storetype", "PKCS12",
                        "-storepass", TRUSTSTORE_PASSWORD], check=True, capture_output=True)
        users = " ".join(f'user_{name}="{password}"' for name, password in USERS.items())
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{controller}",
            "controller.listener.names": "CONTROLLER",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.plain_port},SASL_PLAINTEXT://127.0.0.1:{self.sasl_port},"
                         f"SSL://127.0.0.1:{self.ssl_port},SASL_SSL://127.0.0.1:{self.sasl_ssl_port},"
                         f"CONTROLLER://127.0.0.1:{controller}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,"
                                              "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config":
                f'{_PLAIN} required username="alice" password="{USERS["alice"]}" {users};',
            "listener.name.ssl.ssl.keystore.type": "PEM",
            "listener.name.ssl.ssl.keystore.location": str(keystore),
            "listener.name.sasl_ssl.ssl.keystore.type": "PEM",
            "listener.name.sasl_ssl.ssl.keystore.location": str(keystore),
            "listener.name.sasl_ssl.sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-512",
            "listener.name.sasl_ssl.plain.sasl.jaas.config":
                f'{_PLAIN} required {users} user_$ConnectionString="{EVENT_HUBS_CONNECTION}";',
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": f"{_SCRAM} required;",
            "log.dirs": str(self.dir / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
        }
        config = self.dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        (self.dir / "log4j2.properties").write_text(
            "rootLogger.level=WARN\nrootLogger.appenderRef.f.ref=F\nappender.f.type=File\nappender.f.name=F\n"
            f"appender.f.fileName={self.dir / 'broker.log'}\nappender.f.layout.type=PatternLayout\n"
            "appender.f.layout.pattern=%d %p %c %m%n\n")
        cluster = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        scram = [a for name, password in USERS.items()
                 for a in ("--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]")]
        self._java("kafka.tools.StorageTool", "format", "-t", cluster, "-c", str(config), *scram, wait=True)
        self.process = self._java("kafka.Kafka", str(config))
        try:
            for port in (self.plain_port, self.sasl_port, self.ssl_port, self.sasl_ssl_port):
                wait_for_port(port, timeout=90)
        except TimeoutError:
            self.stop()
            raise

    def _java(self, main: str, *args: str, wait: bool = False):
        command = [java(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                   f"-Dlog4j2.configurationFile={self.dir / 'log4j2.properties'}",
                   "-cp", str(broker_jars() / "*"), main, *args]
        if wait:
            return subprocess.run(command, check=True, capture_output=True, timeout=120)
        return subprocess.Popen(command, stdout=(self.dir / "stdout.log").open("wb"), stderr=subprocess.STDOUT)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.plain_port}"

    @property
    def sasl_bootstrap(self) -> str:
        return f"127.0.0.1:{self.sasl_port}"

    @property
    def ssl_bootstrap(self) -> str:
        return f"127.0.0.1:{self.ssl_port}"

    @property
    def sasl_ssl_bootstrap(self) -> str:
        return f"127.0.0.1:{self.sasl_ssl_port}"

    def listener(self, protocol: str) -> str:
        """The bootstrap address of the listener speaking `protocol`."""
        return {"PLAINTEXT": self.bootstrap, "SASL_PLAINTEXT": self.sasl_bootstrap, "SSL": self.ssl_bootstrap,
                "SASL_SSL": self.sasl_ssl_bootstrap}[protocol]

    def client_config(self, protocol: str = "PLAINTEXT") -> dict:
        """confluent-kafka settings for one listener."""
        if protocol == "SASL_PLAINTEXT":
            return {"bootstrap.servers": self.sasl_bootstrap, "security.protocol": "SASL_PLAINTEXT",
                    "sasl.mechanisms": "PLAIN", "sasl.username": "alice", "sasl.password": USERS["alice"]}
        if protocol == "SASL_SSL":
            return {"bootstrap.servers": self.sasl_ssl_bootstrap, "security.protocol": "SASL_SSL",
                    "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "alice", "sasl.password": USERS["alice"],
                    "ssl.ca.location": str(self.ca)}
        if protocol == "SSL":
            return {"bootstrap.servers": self.ssl_bootstrap, "security.protocol": "SSL",
                    "ssl.ca.location": str(self.ca)}
        return {"bootstrap.servers": self.bootstrap}

    def produce(self, topic: str, values: list, keys: list | None = None, headers: list | None = None,
                protocol: str = "PLAINTEXT") -> None:
        """Write `values` (bytes or str) to `topic`, in order, and wait for every acknowledgement."""
        from confluent_kafka import Producer

        producer = Producer({**self.client_config(protocol), "acks": "all"})
        errors = []
        for i, value in enumerate(values):
            producer.produce(topic, value=value, key=None if keys is None else keys[i],
                             headers=None if headers is None else headers[i],
                             on_delivery=lambda error, _msg: errors.append(error) if error else None)
        if producer.flush(60) or errors:
            raise RuntimeError(f"could not write to {topic}: {errors or 'timed out'}")

    def consume(self, topic: str, expected: int, timeout: float = 60.0, protocol: str = "PLAINTEXT") -> list:
        """Read `topic` from its beginning until `expected` messages arrived (or the timeout): the messages."""
        from confluent_kafka import Consumer

        consumer = Consumer({**self.client_config(protocol), "group.id": f"reader-{uuid.uuid4()}",
                             "auto.offset.reset": "earliest", "enable.auto.commit": False})
        consumer.subscribe([topic])
        messages, deadline = [], time.monotonic() + timeout
        try:
            while len(messages) < expected and time.monotonic() < deadline:
                message = consumer.poll(0.5)
                if message is not None and message.error() is None:
                    messages.append(message)
            end = time.monotonic() + 2  # anything beyond `expected` is an error of the writer: collect it too
            while time.monotonic() < end:
                message = consumer.poll(0.5)
                if message is not None and message.error() is None:
                    messages.append(message)
        finally:
            consumer.close()
        return messages

    def stop(self) -> None:
        if getattr(self, "process", None) is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
