"""Code generation of the service connectors: MQTT/REST sources and webhook/alert/email/Lakebase sinks.

Each module declares CONTEXTS for one node type; the generated code imports the connector runtime
(`lakestream/connectors/`), which `_runtime.ship` writes beside it as the `lakestream_connectors` package.
"""
