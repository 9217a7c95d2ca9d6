"""Unity Catalog browsing for forms: catalogs → schemas → tables → columns, cached per session."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from lakestream.deploy.errors import describe
from lakestream.errors import UserError
from lakestream.sparksql.types import canonical_name  # UC `type_text` already is Spark SQL: aliases only



class CatalogError(UserError):
    """The catalog could not be read; the message says why."""


@dataclass(frozen=True)
class TableColumn:
    name: str
    type: str
    nullable: bool = True


class CatalogBrowser:
    """One session's view of Unity Catalog. Answers are cached until `refresh()`; calls raise CatalogError."""

    def __init__(self, client):
        self._client = client
        self._cache: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def _cached(self, key: tuple[str, ...], load):
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        try:
            value = load()
        except Exception as error:
            raise CatalogError(f"Cannot read {'.'.join(key[1:]) or 'the catalogs'}: "
                               f"{describe(error, self._client.config.http_timeout_seconds)}") from None
        with self._lock:
            self._cache[key] = value
        return value

    def refresh(self) -> None:
        with self._lock:
            self._cache.clear()

    def catalogs(self) -> list[str]:
        return self._cached(("catalogs",), lambda: sorted(c.name for c in self._client.catalogs.list() if c.name))

    def schemas(self, catalog: str) -> list[str]:
        return self._cached(("schemas", catalog),
                            lambda: sorted(s.name for s in self._client.schemas.list(catalog) if s.name))

    def tables(self, catalog: str, schema: str) -> list[str]:
        def load():
            found = self._client.tables.list(catalog, schema, omit_columns=True)
            return sorted(t.name for t in found if t.name)

        return self._cached(("tables", catalog, schema), load)

    def columns(self, full_name: str) -> list[TableColumn]:
        """The columns of `catalog.schema.table`, with Spark SQL type names."""
        if full_name.count(".") != 2:
            raise CatalogError(f"{full_name!r} is not a full table name: write catalog.schema.table")

        def load():
            info = self._client.tables.get(full_name)
            return [TableColumn(c.name, canonical_name((c.type_text or "string").lower()),
                                c.nullable is not False)
                    for c in (info.columns or []) if c.name]

        return self._cached(("columns", full_name), load)

    def schema_fields(self, full_name: str) -> list[dict[str, str]]:
        """The table's columns in a source node's `schema` form: [{"name": ..., "type": ...}, ...]."""
        return [{"name": c.name, "type": c.type} for c in self.columns(full_name)]
