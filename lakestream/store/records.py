"""The version file format: a JSON object whose first line is a small `meta` header, then the document.

    {"meta": {"version": 3, "saved_at": "…", "saved_by": "ana", "name": "…", "sha256": "…", …},
    "document": { …the pipeline document, exactly as exported… }}

The whole file is valid JSON; listing reads only the first line; opening checks the document's
sha256, so a damaged file is reported instead of half loaded.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from lakestream.pipeline import DocumentError, Pipeline, load_pipeline
from lakestream.store.model import DeployRecord, VersionInfo

_HEAD = b'{"meta": '
_MIDDLE = b',\n"document": '
_TAIL = b"}\n"
_SUMMARY_DESCRIPTION = 300


class BadRecord(ValueError):
    """A file that is not a well-formed version file; the message says what is wrong."""


def encode_version(pipeline: Pipeline, saved_by: str, note: str = "", message: str = "") -> bytes:
    """The bytes of the version file for `pipeline` (its `version` and `updated_at` already set);
    `note` says what the store did ("restored version 2"), `message` is what the user wrote on save."""
    document = pipeline.to_json().encode("utf-8")
    meta = {
        "version": pipeline.version,
        "saved_at": pipeline.updated_at.isoformat(),
        "saved_by": saved_by,
        "note": note,
        **({"message": message} if message else {}),
        "name": pipeline.name,
        "description": pipeline.description[:_SUMMARY_DESCRIPTION],
        "node_count": len(pipeline.nodes),
        "target": pipeline.code_target,
        "doc_bytes": len(document),
        "sha256": hashlib.sha256(document).hexdigest(),
    }
    # ensure_ascii keeps the header free of raw newlines whatever the name holds.
    header = json.dumps(meta, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return _HEAD + header + _MIDDLE + document + _TAIL


def decode_meta(first_line: bytes) -> dict[str, Any]:
    """The meta header from a version file's first line; BadRecord when it is not one."""
    if not (first_line.startswith(_HEAD) and first_line.endswith(b",\n")):
        raise BadRecord("its header line is missing or cut short")
    try:
        meta = json.loads(first_line[len(_HEAD):-2])
        _ = (meta["version"], meta["saved_at"], meta["doc_bytes"], meta["sha256"])
    except (ValueError, KeyError, TypeError):
        raise BadRecord("its header is not readable") from None
    return meta


def expected_size(first_line: bytes, meta: dict[str, Any]) -> int:
    """The size the whole file must have, from its header (a cheap check for truncation)."""
    return len(first_line) - 2 + len(_MIDDLE) + int(meta["doc_bytes"]) + len(_TAIL)


def version_info(meta: dict[str, Any]) -> VersionInfo:
    try:
        return VersionInfo(
            version=int(meta["version"]),
            saved_at=datetime.fromisoformat(meta["saved_at"]),
            saved_by=str(meta.get("saved_by", "")),
            name=str(meta.get("name", "")),
            node_count=int(meta.get("node_count", 0)),
            note=str(meta.get("note", "")),
            message=str(meta.get("message", "")),
        )
    except (KeyError, TypeError, ValueError):
        raise BadRecord("its header has invalid values") from None


def decode_version(data: bytes) -> tuple[dict[str, Any], Pipeline]:
    """(meta, pipeline) from a whole version file; BadRecord says what is wrong with it."""
    end = data.find(b"\n")
    meta = decode_meta(data[: end + 1] if end >= 0 else data)
    start = end - 1 + len(_MIDDLE)  # the middle part begins with the ",\n" that ends the first line
    if data[end - 1:start] != _MIDDLE or not data.endswith(_TAIL) or len(data) != expected_size(data[: end + 1], meta):
        raise BadRecord(f"it is cut short or padded ({len(data)} bytes)")
    document = data[start: -len(_TAIL)]
    if hashlib.sha256(document).hexdigest() != meta["sha256"]:
        raise BadRecord("its content does not match its checksum (the file was damaged or edited)")
    try:
        return meta, load_pipeline(document)
    except DocumentError as error:
        raise BadRecord(str(error)) from None


def encode_json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def decode_json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        raise BadRecord("it is not JSON") from None
    if not isinstance(value, dict):
        raise BadRecord("it is not a JSON object")
    return value


def deploy_record(value: dict[str, Any]) -> DeployRecord:
    try:
        return DeployRecord(
            id=str(value["id"]),
            pipeline_id=str(value["pipeline_id"]),
            version=int(value["version"]),
            at=datetime.fromisoformat(value["at"]),
            by=str(value.get("by", "")),
            status=str(value.get("status", "")),
            details=dict(value.get("details") or {}),
        )
    except (KeyError, TypeError, ValueError):
        raise BadRecord("it is not a deploy record") from None
