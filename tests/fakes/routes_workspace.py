"""Fake routes: current user, workspace objects (import/export/mkdirs/list/delete) and the Files API."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import posixpath
import re
import time
from email.utils import formatdate
from typing import Any

from databricks.sdk.service import files as files_svc
from databricks.sdk.service import iam
from databricks.sdk.service import workspace as ws_svc

from .validation import ApiError

NOTEBOOK_HEADERS = {"# Databricks notebook source": "PYTHON", "-- Databricks notebook source": "SQL"}
LANGUAGES = {".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R"}


def _millis() -> int:
    return int(time.time() * 1000)


def _clean(path: str | None) -> str:
    if not path or not path.startswith("/"):
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Path ({path}) must be absolute")
    if "\x00" in path or any(part in (".", "..") for part in path.split("/")):
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Invalid path: {path!r}")
    return posixpath.normpath(path)


def _multipart(request) -> dict[str, bytes]:
    """Form fields of a multipart/form-data body (what `w.workspace.upload` sends)."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        raise ApiError(400, "MALFORMED_REQUEST", "expected multipart/form-data")
    return {part.get_param("name", header="content-disposition"): part.get_payload(decode=True) or b""
            for part in message.iter_parts()}


def install(fake) -> None:
    fake.objects = {"/": {"object_type": "DIRECTORY", "object_id": 1}}
    for root in ("/Workspace", "/Users", "/Shared", "/Workspace/Users", "/Workspace/Shared"):
        fake.objects[root] = {"object_type": "DIRECTORY", "object_id": fake.new_id()}
    fake.files = {}  # Files API: path -> {"data": bytes, "modified": ms}
    fake.directories = set()

    def info(path: str) -> dict[str, Any]:
        obj = fake.objects[path]
        out = {"path": path, "object_type": obj["object_type"], "object_id": obj["object_id"],
               "resource_id": str(obj["object_id"])}
        for key in ("language", "size", "created_at", "modified_at"):
            if obj.get(key) is not None:
                out[key] = obj[key]
        return ws_svc.ObjectInfo.from_dict(out).as_dict()

    def need(path: str) -> dict[str, Any]:
        if path not in fake.objects:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Path ({path}) doesn't exist.")
        return fake.objects[path]

    def mkdirs_at(path: str) -> None:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:i])
            existing = fake.objects.get(prefix)
            if existing is None:
                fake.objects[prefix] = {"object_type": "DIRECTORY", "object_id": fake.new_id()}
            elif existing["object_type"] != "DIRECTORY":
                raise ApiError(400, "RESOURCE_ALREADY_EXISTS", f"Path ({prefix}) already exists and is not a directory.")

    def me(request):
        user = request.user
        return iam.User.from_dict({
            "id": str(abs(hash(user)) % 10**12), "userName": user, "displayName": user.split("@")[0],
            "active": True, "emails": [{"value": user, "primary": True, "type": "work"}],
        }).as_dict()

    def mkdirs(request):
        body = request.json or {}
        mkdirs_at(_clean(body.get("path")))
        return {}

    def import_(request):
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = _multipart(request)
            fields = {k: v.decode() for k, v in form.items() if k != "content"}
            content = form.get("content", b"")
            overwrite = fields.get("overwrite") == "true"
        else:
            fields = dict(request.json or {})
            unknown = set(fields) - {"path", "content", "format", "language", "overwrite"}
            if unknown:
                raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Unknown field(s): {', '.join(sorted(unknown))}")
            content = base64.b64decode(fields.get("content") or "")
            overwrite = bool(fields.get("overwrite"))
        path = _clean(fields.get("path"))
        fmt = fields.get("format", "SOURCE")
        if fmt not in {f.value for f in ws_svc.ImportFormat}:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Invalid format {fmt}")
        first_line = content.split(b"\n", 1)[0].decode(errors="replace").strip()
        notebook = (fmt == "SOURCE" and fields.get("language")) or (fmt == "AUTO" and first_line in NOTEBOOK_HEADERS)
        if fmt == "SOURCE" and not fields.get("language"):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "The language field is required with format SOURCE.")
        if notebook:
            path = re.sub(r"\.(py|sql|scala|r)$", "", path, flags=re.IGNORECASE)
        parent = posixpath.dirname(path)
        if fake.objects.get(parent, {}).get("object_type") != "DIRECTORY":
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"The parent folder ({parent}) does not exist.")
        existing = fake.objects.get(path)
        if existing and (not overwrite or existing["object_type"] == "DIRECTORY"):
            raise ApiError(400, "RESOURCE_ALREADY_EXISTS", f"Path ({path}) already exists.")
        now = _millis()
        language = fields.get("language") or (NOTEBOOK_HEADERS.get(first_line) if notebook else None)
        if not language:
            language = LANGUAGES.get(posixpath.splitext(path)[1].lower())
        fake.objects[path] = {
            "object_type": "NOTEBOOK" if notebook else "FILE",
            "object_id": existing["object_id"] if existing else fake.new_id(),
            "language": language, "content": content, "size": len(content),
            "created_at": existing.get("created_at", now) if existing else now, "modified_at": now,
        }
        return {}

    def import_file(request, path):
        """The workspace-files API the Databricks CLI writes bundle files with: the raw body is the file."""
        path = _clean("/" + path.lstrip("/"))
        overwrite = request.arg("overwrite", "false") == "true"
        parent = posixpath.dirname(path)
        if fake.objects.get(parent, {}).get("object_type") != "DIRECTORY":
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"The parent folder ({parent}) does not exist.")
        existing = fake.objects.get(path)
        if existing and existing["object_type"] == "DIRECTORY":
            raise ApiError(400, "RESOURCE_ALREADY_EXISTS", f"Path ({path}) already exists.")
        if existing and not overwrite:
            raise ApiError(409, "RESOURCE_ALREADY_EXISTS", f"{path} already exists.")
        now = _millis()
        fake.objects[path] = {
            "object_type": "FILE", "object_id": existing["object_id"] if existing else fake.new_id(),
            "language": None, "content": request.body, "size": len(request.body),
            "created_at": existing.get("created_at", now) if existing else now, "modified_at": now,
        }
        return {}

    def get_status(request):
        path = _clean(request.arg("path"))
        need(path)
        return info(path)

    def list_(request):
        path = _clean(request.arg("path"))
        obj = need(path)
        if obj["object_type"] != "DIRECTORY":
            return {"objects": [info(path)]}
        children = sorted(p for p in fake.objects if p != path and posixpath.dirname(p) == path)
        return ws_svc.ListResponse.from_dict({"objects": [info(p) for p in children]}).as_dict()

    def delete(request):
        body = request.json or {}
        path = _clean(body.get("path"))
        obj = need(path)
        inside = [p for p in fake.objects if p.startswith(path.rstrip("/") + "/")]
        if obj["object_type"] == "DIRECTORY" and inside and not body.get("recursive"):
            raise ApiError(400, "DIRECTORY_NOT_EMPTY", f"Folder ({path}) is not empty.")
        for p in inside + [path]:
            del fake.objects[p]
        return {}

    def export(request):
        path = _clean(request.arg("path"))
        obj = need(path)
        if obj["object_type"] == "DIRECTORY":
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "Exporting a directory needs format DBC.")
        if request.arg("direct_download") == "true":
            from .workspace import Response

            return Response(200, obj["content"], {"Content-Type": "application/octet-stream"})
        return {"content": base64.b64encode(obj["content"]).decode(), "file_type": posixpath.splitext(path)[1][1:]}

    _install_files(fake)
    fake.routes += [
        ("GET", re.compile(r"/api/2\.0/preview/scim/v2/Me"), me),
        ("POST", re.compile(r"/api/2\.0/workspace/mkdirs"), mkdirs),
        ("POST", re.compile(r"/api/2\.0/workspace/import"), import_),
        ("POST", re.compile(r"/api/2\.0/workspace-files/import-file/(.+)"), import_file),
        ("GET", re.compile(r"/api/2\.0/workspace/get-status"), get_status),
        ("GET", re.compile(r"/api/2\.0/workspace/list"), list_),
        ("POST", re.compile(r"/api/2\.0/workspace/delete"), delete),
        ("GET", re.compile(r"/api/2\.0/workspace/export"), export),
    ]


def _volume_path(path: str) -> str:
    path = _clean(path)
    if not re.fullmatch(r"/Volumes/[^/]+/[^/]+/[^/]+(/.*)?", path):
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Invalid path {path}: expected /Volumes/<catalog>/<schema>/<volume>/...")
    return path


def _install_files(fake) -> None:
    """The Files API (Unity Catalog volumes): files by PUT/GET/HEAD/DELETE, directories listed."""
    from .workspace import Response

    def volume_root(path: str) -> str:
        return "/".join(path.split("/")[:5])

    def add_parents(path: str) -> None:
        parent = posixpath.dirname(path)
        while len(parent.split("/")) > 5:  # the volume root itself always exists
            if parent in fake.files:
                raise ApiError(409, "ALREADY_EXISTS", f"A file exists at {parent}")
            fake.directories.add(parent)
            parent = posixpath.dirname(parent)

    def file_headers(entry: dict[str, Any]) -> dict[str, str]:
        return {"Content-Type": "application/octet-stream", "Content-Length": str(len(entry["data"])),
                "Last-Modified": formatdate(entry["modified"] / 1000, usegmt=True)}

    def put_file(request, path):
        path = _volume_path(path)
        overwrite = request.arg("overwrite", "false") == "true"
        if path in fake.directories:
            raise ApiError(409, "ALREADY_EXISTS", f"A directory exists at {path}")
        if path in fake.files and not overwrite:
            raise ApiError(409, "ALREADY_EXISTS", f"The file being created already exists: {path}")
        add_parents(path)
        fake.files[path] = {"data": request.body, "modified": _millis()}
        return Response(204, b"", {})

    def get_file(request, path):
        path = _volume_path(path)
        if path not in fake.files:
            raise ApiError(404, "NOT_FOUND", f"The file being accessed is not found: {path}")
        entry = fake.files[path]
        data = entry["data"]
        headers = file_headers(entry)
        byte_range = re.fullmatch(r"bytes=(\d+)-(\d*)", request.headers.get("range", ""))
        if request.method == "GET" and byte_range:  # ranged reads for resumable downloads
            start = int(byte_range.group(1))
            end = int(byte_range.group(2)) + 1 if byte_range.group(2) else len(data)
            data = data[start:end]
            headers["Content-Length"] = str(len(data))
            headers["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{len(entry['data'])}"
            return Response(206, data, headers)
        return Response(200, data if request.method == "GET" else b"", headers)

    def delete_file(request, path):
        path = _volume_path(path)
        if path not in fake.files:
            raise ApiError(404, "NOT_FOUND", f"The file being accessed is not found: {path}")
        del fake.files[path]
        return Response(204, b"", {})

    def is_dir(path: str) -> bool:
        return path in fake.directories or path == volume_root(path)

    def put_dir(request, path):
        path = _volume_path(path).rstrip("/")
        if path in fake.files:
            raise ApiError(409, "ALREADY_EXISTS", f"A file exists at {path}")
        add_parents(path + "/x")
        if path != volume_root(path):
            fake.directories.add(path)
        return Response(204, b"", {})

    def head_dir(request, path):
        path = _volume_path(path).rstrip("/")
        if not is_dir(path):
            raise ApiError(404, "NOT_FOUND", f"The directory being accessed is not found: {path}")
        return Response(200, b"", {})

    def list_dir(request, path):
        path = _volume_path(path).rstrip("/")
        if not is_dir(path):
            raise ApiError(404, "NOT_FOUND", f"The directory being accessed is not found: {path}")
        entries = []
        for d in sorted(fake.directories):
            if posixpath.dirname(d) == path:
                entries.append({"path": d + "/", "name": posixpath.basename(d), "is_directory": True})
        for f, entry in sorted(fake.files.items()):
            if posixpath.dirname(f) == path:
                entries.append({"path": f, "name": posixpath.basename(f), "is_directory": False,
                                "file_size": len(entry["data"]), "last_modified": entry["modified"]})
        return files_svc.ListDirectoryResponse.from_dict({"contents": entries}).as_dict()

    def delete_dir(request, path):
        path = _volume_path(path).rstrip("/")
        if path not in fake.directories:
            raise ApiError(404, "NOT_FOUND", f"The directory being accessed is not found: {path}")
        if any(p.startswith(path + "/") for p in list(fake.files) + list(fake.directories)):
            raise ApiError(409, "DIRECTORY_NOT_EMPTY", f"The directory being deleted is not empty: {path}")
        fake.directories.discard(path)
        return Response(204, b"", {})

    files = r"/api/2\.0/fs/files(/.+)"
    directories = r"/api/2\.0/fs/directories(/.+)"
    fake.routes += [
        ("PUT", re.compile(files), put_file),
        ("GET", re.compile(files), get_file),
        ("HEAD", re.compile(files), get_file),
        ("DELETE", re.compile(files), delete_file),
        ("PUT", re.compile(directories), put_dir),
        ("HEAD", re.compile(directories), head_dir),
        ("GET", re.compile(directories), list_dir),
        ("DELETE", re.compile(directories), delete_dir),
    ]
