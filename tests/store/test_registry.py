"""Choosing a backend by name (argument or LAKESTREAM_STORE) with clear errors; the version file format."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakestream.store import StoreError, UnknownStore, open_store
from lakestream.store.paths import user_folder
from lakestream.store.records import BadRecord, decode_version, encode_version
from tests.store.conftest import make_pipeline


def test_unknown_backend_lists_the_choices(monkeypatch):
    with pytest.raises(UnknownStore, match="Unknown store 'ftp'; choose one of: local, volume."):
        open_store("ftp")
    monkeypatch.setenv("LAKESTREAM_STORE", "s3")
    with pytest.raises(UnknownStore, match="'s3'"):
        open_store()


def test_local_is_the_default_and_follows_lakestream_home(monkeypatch, tmp_path):
    monkeypatch.delenv("LAKESTREAM_STORE", raising=False)
    monkeypatch.setenv("LAKESTREAM_HOME", str(tmp_path / "lh"))
    store = open_store()
    saved = store.create(make_pipeline())
    assert store.backend.name == "local" and store.location == str(tmp_path / "lh")
    assert (tmp_path / "lh" / "pipelines" / saved.id / "versions" / "0000000001.json").is_file()
    assert open_store("LOCAL", home=tmp_path / "other").location == str(tmp_path / "other")


def test_volume_needs_a_path_and_a_workspace(monkeypatch, tmp_path):
    monkeypatch.delenv("LAKESTREAM_VOLUME", raising=False)
    with pytest.raises(StoreError, match="needs a volume folder: set LAKESTREAM_VOLUME"):
        open_store("volume")
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.databrickscfg
    monkeypatch.setenv("LAKESTREAM_VOLUME", "/Volumes/main/ls/files/lakestream")
    with pytest.raises(StoreError, match="No Databricks workspace is configured"):
        open_store("volume")
    with pytest.raises(StoreError, match="not a volume folder"):
        open_store("volume", path="/tmp/../etc")


def test_volume_store_finds_its_user_from_the_workspace(fake):
    store = open_store("volume", path="/Volumes/main/ls/files/x", client=fake.client(token="dapi-bob"))
    assert store.user == "bob@example.com" and store.location.endswith("/users/bob@example.com")


@pytest.mark.parametrize("user, folder", [
    ("ana@example.com", "users/ana@example.com"),
    ("../../x", "users/%2E.%2F..%2Fx"),
    ("a/b", "users/a%2Fb"),
    ("nul\x00", "users/nul%00"),
    ("é", "users/%C3%A9"),
])
def test_user_folders_cannot_escape(user, folder):
    encoded = user_folder(user)
    assert encoded.count("/") == 1 and not encoded.split("/")[1].startswith(".")
    assert encoded == folder


def test_user_folder_limits():
    with pytest.raises(StoreError, match="at most 254"):
        user_folder("x" * 300)
    with pytest.raises(StoreError, match="user name is needed"):
        user_folder("  ")


def test_version_file_is_valid_json_with_a_header_line():
    saved = make_pipeline().model_copy(update={"version": 4, "name": "multi\nline ✓"})
    data = encode_version(saved, "ana", "note")
    whole = json.loads(data)
    assert whole["meta"]["version"] == 4 and whole["meta"]["name"] == "multi\nline ✓"
    assert whole["document"] == json.loads(saved.to_json())
    assert data.split(b"\n", 1)[0].startswith(b'{"meta": {')  # the header is one line
    meta, loaded = decode_version(data)
    assert loaded == saved and meta["saved_by"] == "ana"
    for broken in (data[:-1], data[:50], data + b" ", data.replace(b"Payments", b"Paymentz"), b""):
        with pytest.raises(BadRecord):
            decode_version(broken)


@given(st.text(min_size=1, max_size=60).filter(str.strip), st.text(min_size=1, max_size=60).filter(str.strip))
@settings(max_examples=300, deadline=None)
def test_user_folders_are_one_segment_and_never_shared_by_two_users(a, b):
    folder_a, folder_b = user_folder(a), user_folder(b)
    segment = folder_a.removeprefix("users/")
    assert "/" not in segment and "\x00" not in segment and not segment.startswith(".")
    assert (folder_a == folder_b) == (a == b)
