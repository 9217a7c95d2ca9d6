"""Secrets for the local profile: read from environment variables instead of Databricks secret scopes.

Generated code for Databricks reads `dbutils.secrets.get(scope, key)`; the local rendering of the
same pipeline calls `local_secret(scope, key)`, which reads LAKESTREAM_SECRET_<SCOPE>__<KEY>
(upper case, every character but letters and digits turned into '_').
"""

from __future__ import annotations

import os
import re


class MissingSecret(RuntimeError):
    """A secret the local run needs is not in the environment; the message says which variable to set."""


def env_name(scope: str, key: str) -> str:
    """The environment variable holding secret `scope`/`key` locally."""
    return "LAKESTREAM_SECRET_" + re.sub(r"[^A-Za-z0-9]", "_", f"{scope}__{key}").upper()


def local_secret(scope: str, key: str) -> str:
    """The value of secret `scope`/`key` from the environment; raise MissingSecret naming the variable."""
    name = env_name(scope, key)
    value = os.environ.get(name)
    if value is None:
        raise MissingSecret(f"secret {scope}/{key} is not set for the local run: export {name}=<value>")
    return value
