"""Sharing in the volume store: an explicit share record in the other user's folder, never implied access.

    users/<bob>/shared/<pipeline id>.json   {"owner": "ana@…", "pipeline_id": …, "shared_at": …}

Bob lists what was shared with him and opens it through a Store on Ana's folder acting as Bob, so
his saves carry his name and the usual expected-version conflicts apply.
"""

from __future__ import annotations

from datetime import datetime, timezone

from lakestream.store import paths
from lakestream.store.errors import NotFound, StoreError
from lakestream.store.model import Summary
from lakestream.store.records import BadRecord, decode_json, encode_json
from lakestream.store.store import Store

SHARED = "shared"


def _other(store: Store, user: str) -> Store:
    """The store of another user, acting as `store.user`."""
    if user == store.user:
        raise StoreError("That is your own folder.")
    return Store(store.backend.for_user(paths.user_folder(user)), user=store.user)


def share(store: Store, pipeline_id: str, with_user: str) -> None:
    """Let `with_user` list, open and save one of the caller's pipelines."""
    if not store.exists(pipeline_id):
        raise NotFound(f"No pipeline with id {pipeline_id} in {store.location}.")
    other = _other(store, with_user)
    record = {"owner": store.user, "pipeline_id": pipeline_id,
              "shared_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
    other.backend.replace(f"{SHARED}/{pipeline_id}.json", encode_json(record))


def unshare(store: Store, pipeline_id: str, with_user: str) -> None:
    _other(store, with_user).backend.delete(f"{SHARED}/{paths.check_id(pipeline_id)}.json")


def _records(store: Store) -> list[dict]:
    out = []
    for name in sorted(store.backend.list(SHARED)):
        pipeline_id = name.removesuffix(".json")
        if not paths.is_id(pipeline_id):
            continue
        try:
            record = decode_json(store.backend.read(f"{SHARED}/{name}"))
        except (BadRecord, FileNotFoundError):
            continue
        if record.get("pipeline_id") == pipeline_id and isinstance(record.get("owner"), str):
            out.append(record)
    return out


def shared_with_me(store: Store) -> list[Summary]:
    """Summaries of the pipelines others shared with the caller (`owner` set); unreadable ones carry `error`."""
    out = []
    for record in _records(store):
        owner, pipeline_id = record["owner"], record["pipeline_id"]
        try:
            summary = _other(store, owner).summary(pipeline_id)
        except StoreError as error:
            summary = Summary(pipeline_id, "(unavailable)", error=str(error))
        out.append(Summary(**{**summary.__dict__, "owner": owner}))
    return out


def shared_store(store: Store, owner: str, pipeline_id: str) -> Store:
    """The store to open and save a pipeline `owner` shared with the caller; NotFound without a share record."""
    if not any(r["owner"] == owner and r["pipeline_id"] == pipeline_id for r in _records(store)):
        raise NotFound(f"{owner} has not shared pipeline {pipeline_id} with you.")
    return _other(store, owner)
