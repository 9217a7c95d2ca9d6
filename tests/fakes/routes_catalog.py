"""Fake routes: Unity Catalog catalogs, schemas and tables (list and get), seeded with `fake.add_table`."""

from __future__ import annotations

import re
from typing import Any

from databricks.sdk.service import catalog

from .validation import ApiError

TYPE_NAMES = {"string": "STRING", "int": "INT", "bigint": "LONG", "double": "DOUBLE", "float": "FLOAT",
              "boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "date": "DATE", "binary": "BINARY"}


def install(fake) -> None:
    fake.catalogs = {"main": {"default": {}}}  # catalog -> schema -> table -> [(column, type_text)]

    def add_table(full_name: str, columns: list[tuple[str, str]]) -> None:
        catalog_name, schema_name, table_name = full_name.split(".")
        with fake.lock:
            fake.catalogs.setdefault(catalog_name, {}).setdefault(schema_name, {})[table_name] = list(columns)

    fake.add_table = add_table

    def schemas_of(name: str | None) -> dict[str, Any]:
        if not name:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "catalog_name is required")
        if name not in fake.catalogs:
            raise ApiError(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{name}' does not exist.")
        return fake.catalogs[name]

    def tables_of(catalog_name: str | None, schema_name: str | None) -> dict[str, Any]:
        schemas = schemas_of(catalog_name)
        if not schema_name or schema_name not in schemas:
            raise ApiError(404, "SCHEMA_DOES_NOT_EXIST", f"Schema '{catalog_name}.{schema_name}' does not exist.")
        return schemas[schema_name]

    def table_info(catalog_name: str, schema_name: str, name: str, columns: list | None) -> dict[str, Any]:
        info = {"name": name, "catalog_name": catalog_name, "schema_name": schema_name,
                "full_name": f"{catalog_name}.{schema_name}.{name}", "table_type": "MANAGED",
                "data_source_format": "DELTA"}
        if columns is not None:
            info["columns"] = [
                {"name": col, "type_text": type_text, "type_name": TYPE_NAMES.get(type_text, "STRING"),
                 "position": i, "nullable": True}
                for i, (col, type_text) in enumerate(columns)
            ]
        return catalog.TableInfo.from_dict(info).as_dict()

    def list_catalogs(request):
        items = [{"name": name, "full_name": name, "catalog_type": "MANAGED_CATALOG"} for name in sorted(fake.catalogs)]
        return catalog.ListCatalogsResponse.from_dict({"catalogs": items}).as_dict()

    def list_schemas(request):
        name = request.arg("catalog_name")
        items = [{"name": s, "catalog_name": name, "full_name": f"{name}.{s}"} for s in sorted(schemas_of(name))]
        return catalog.ListSchemasResponse.from_dict({"schemas": items}).as_dict()

    def list_tables(request):
        catalog_name, schema_name = request.arg("catalog_name"), request.arg("schema_name")
        tables = tables_of(catalog_name, schema_name)
        omit = request.arg("omit_columns") == "true"
        items = [table_info(catalog_name, schema_name, t, None if omit else cols) for t, cols in sorted(tables.items())]
        return catalog.ListTablesResponse.from_dict({"tables": items}).as_dict()

    def get_catalog(request, name):
        schemas_of(name)
        return catalog.CatalogInfo.from_dict({"name": name, "full_name": name, "catalog_type": "MANAGED_CATALOG"}).as_dict()

    def get_schema(request, full_name):
        catalog_name, _, schema_name = full_name.partition(".")
        tables_of(catalog_name, schema_name)
        return catalog.SchemaInfo.from_dict({"name": schema_name, "catalog_name": catalog_name,
                                             "full_name": full_name}).as_dict()

    def get_table(request, full_name):
        parts = full_name.split(".")
        if len(parts) != 3:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Invalid table name '{full_name}'")
        tables = tables_of(parts[0], parts[1])
        if parts[2] not in tables:
            raise ApiError(404, "TABLE_DOES_NOT_EXIST", f"Table '{full_name}' does not exist.")
        return table_info(parts[0], parts[1], parts[2], tables[parts[2]])

    fake.routes += [
        ("GET", re.compile(r"/api/2\.1/unity-catalog/catalogs"), list_catalogs),
        ("GET", re.compile(r"/api/2\.1/unity-catalog/schemas"), list_schemas),
        ("GET", re.compile(r"/api/2\.1/unity-catalog/tables"), list_tables),
        ("GET", re.compile(r"/api/2\.1/unity-catalog/tables/([^/]+)"), get_table),
        ("GET", re.compile(r"/api/2\.1/unity-catalog/catalogs/([^/]+)"), get_catalog),
        ("GET", re.compile(r"/api/2\.1/unity-catalog/schemas/([^/]+)"), get_schema),
    ]
