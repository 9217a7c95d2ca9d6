"""Store paths, built only from validated parts: canonical UUIDs, version numbers, encoded user names.

Nothing a user typed (a pipeline name, a file name) ever becomes part of a path.
"""

from __future__ import annotations

import re
import uuid

from lakestream.store.errors import InvalidId, StoreError

PIPELINES = "pipelines"
PREFERENCES = "preferences.json"
_VERSION_FILE = re.compile(r"^(\d{10})\.json$")
_USER_SAFE = re.compile(r"[A-Za-z0-9@_\-.]")
MAX_USER_LENGTH = 254  # the longest e-mail address


def check_id(pipeline_id: object) -> str:
    """Return `pipeline_id` if it is a canonical (lower-case, hyphenated) UUID; raise InvalidId otherwise."""
    if isinstance(pipeline_id, str) and len(pipeline_id) == 36:
        try:
            if str(uuid.UUID(pipeline_id)) == pipeline_id:
                return pipeline_id
        except ValueError:
            pass
    shown = repr(pipeline_id)[:60]
    raise InvalidId(f"{shown} is not a pipeline id (pipeline ids are UUIDs like 0f6c2b1e-…)")


def is_id(name: str) -> bool:
    try:
        check_id(name)
    except InvalidId:
        return False
    return True


def new_id() -> str:
    return str(uuid.uuid4())


def pipeline_dir(pipeline_id: str) -> str:
    return f"{PIPELINES}/{check_id(pipeline_id)}"


def versions_dir(pipeline_id: str) -> str:
    return f"{pipeline_dir(pipeline_id)}/versions"


def version_file(pipeline_id: str, version: int) -> str:
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 10**10:
        raise StoreError(f"Version numbers are whole numbers from 1; {version!r} is not one.")
    return f"{versions_dir(pipeline_id)}/{version:010d}.json"


def version_of(file_name: str) -> int | None:
    """The version number a file name in versions/ stands for (None for anything else)."""
    match = _VERSION_FILE.match(file_name)
    return int(match.group(1)) if match else None


def trash_marker(pipeline_id: str) -> str:
    return f"{pipeline_dir(pipeline_id)}/trash.json"


def deploys_dir(pipeline_id: str) -> str:
    return f"{pipeline_dir(pipeline_id)}/deploys"


def user_folder(user: str) -> str:
    """`users/<user>` with every character outside [A-Za-z0-9@_-.] percent-encoded, so an e-mail
    stays readable and no user name can climb out of `users/` ('/', '..', NUL are all encoded)."""
    if not isinstance(user, str) or not user.strip():
        raise StoreError("A user name is needed for the volume store (the e-mail of the user).")
    if len(user) > MAX_USER_LENGTH:
        raise StoreError(f"User names are at most {MAX_USER_LENGTH} characters.")
    out = []
    for char in user:
        if _USER_SAFE.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    encoded = "".join(out)
    if encoded.startswith("."):
        encoded = "%2E" + encoded[1:]  # never ".", ".." or a hidden name
    return f"users/{encoded}"
