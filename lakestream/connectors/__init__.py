"""Connector runtime shipped beside generated code: MQTT/REST streaming sources and service sinks.

Every module here depends only on the standard library, pyspark and at most one client library
(paho-mqtt for MQTT, psycopg for Lakebase), and imports its siblings relatively, so the folder can be
copied next to generated code as a package of its own. Nothing here imports the rest of LakeStream.
"""
