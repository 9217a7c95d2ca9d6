"""Small pipeline documents for the real-I/O tests: Kafka sources and sinks wired pairwise."""

from __future__ import annotations

SASL = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
        "sasl_username": {"scope": "kafka", "key": "user"}, "sasl_password": {"scope": "kafka", "key": "password"}}
SASL_ENV = {"LAKESTREAM_SECRET_KAFKA__USER": "alice", "LAKESTREAM_SECRET_KAFKA__PASSWORD": "alice-secret"}


def ssl(truststore) -> dict:
    return {"security_protocol": "SSL", "ssl_truststore_location": str(truststore),
            "ssl_truststore_password": {"scope": "kafka", "key": "truststore"}}


def ssl_env(password: str) -> dict:
    return {"LAKESTREAM_SECRET_KAFKA__TRUSTSTORE": password}


def node(node_id: str, type_: str, config: dict) -> dict:
    return {"id": node_id, "type": type_, "label": node_id, "position": {"x": 0, "y": 0}, "config": config}


def document(name: str, nodes: list[dict], pairs: list[tuple[str, str]]) -> dict:
    """A pipeline of `nodes` with an edge per (source, target) pair (ports out -> in)."""
    edges = [{"id": f"e{i}", "source": s, "target": t, "source_port": "out", "target_port": "in"}
             for i, (s, t) in enumerate(pairs)]
    return {"name": name, "code_target": "sss", "settings": {"catalog": "main", "schema": "io"},
            "nodes": nodes, "edges": edges}
