"""Connector runtime shipped beside generated code: MQTT/REST streaming sources and service sinks.

Every module here depends only on the standard library, pyspark and at most one client library
(paho-mqtt for MQTT, psycopg for Lakebase), and imports its siblings relatively, so the folder can be
copied next to generated code as a package of its own. Nothing here imports the rest of LakeStream.
"""

import sys


def _pickle_by_value() -> None:
    # Spark ships the data source classes to its Python workers by pickling them. Generated code
    # carries this package beside it, where workers cannot import it, so cloudpickle must send the
    # code itself rather than a reference to the module.
    try:
        from pyspark import cloudpickle
    except ImportError:  # used without Spark (e.g. a writer on its own)
        return
    cloudpickle.register_pickle_by_value(sys.modules[__name__])


_pickle_by_value()
