"""Profiles of ~/.databrickscfg for the app's workspace connection: list them, save host + token as one.

The file is databricks-sdk's (`DATABRICKS_CONFIG_FILE` moves it). Listing never returns a secret.
Saving edits only the named section, keeps every other line as it was, and writes the file with mode
0600 through a temporary file and a rename, so a failure leaves the old file whole. Which profile the
app uses is remembered in LakeStream's home (`workspace.json`: the profile name only, never a token).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lakestream.errors import UserError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HOST = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?/?$")
SECRET_KEYS = ("token", "password", "client_secret", "azure_client_secret", "google_credentials")
# Environment variables that make databricks-sdk ignore a chosen profile's host and credentials.
ENVIRONMENT_AUTH = ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET")


class ProfileError(UserError):
    """A profile could not be saved or read; the message says why."""


@dataclass(frozen=True)
class Profile:
    name: str
    host: str
    auth: str  # "token", "oauth (databricks-cli)", … as a person reads it; never the secret


def config_file(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("DATABRICKS_CONFIG_FILE") or Path.home() / ".databrickscfg").expanduser()


def environment_auth(env: dict[str, str] | None = None) -> str | None:
    """The workspace the environment configures (it wins over any profile), or None."""
    env = os.environ if env is None else env
    if any(env.get(k) for k in ENVIRONMENT_AUTH):
        return env.get("DATABRICKS_HOST") or "the environment's workspace"
    return None


def _auth(section: configparser.SectionProxy) -> str:
    kind = section.get("auth_type")
    if kind:
        return {"databricks-cli": "OAuth (databricks auth login)", "external-browser": "OAuth (browser)",
                "pat": "token"}.get(kind, kind)
    if section.get("token"):
        return "token"
    if section.get("client_id"):
        return "OAuth (service principal)"
    return "OAuth (databricks auth login)"  # a host alone: the CLI's U2M login is the usual source


def _read(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, default_section="__none__")
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError, configparser.Error) as error:
        raise ProfileError(f"{path} cannot be read: {str(error).splitlines()[0]}") from None
    return parser


def list_profiles(path: Path | None = None) -> list[Profile]:
    """Profiles that name a workspace host, in file order; an unreadable file raises ProfileError."""
    path = path or config_file()
    if not path.exists():
        return []
    parser = _read(path)
    return [Profile(name, parser[name].get("host", ""), _auth(parser[name]))
            for name in parser.sections() if parser[name].get("host") and not parser[name].get("account_id")]


def cli_login_help(name: str, path: Path | None = None) -> str | None:
    """What to do when profile `name`, which uses the Databricks CLI's login (auth_type = databricks-cli),
    could not be used; None for a profile of another kind."""
    import shutil

    path = path or config_file()
    parser = _read(path) if path.exists() else None
    if parser is None or name not in parser or parser[name].get("auth_type", "").strip() != "databricks-cli":
        return None
    host = parser[name].get("host", "<workspace URL>")
    where = ("the `databricks` command is not installed on the LakeStream server" if shutil.which("databricks")
             is None else "the `databricks` command gave no token for it (not logged in, or the login expired)")
    return (f"Profile {name!r} uses the Databricks CLI's login (auth_type = databricks-cli), but {where}. "
            f"On this machine, install the Databricks CLI and run `databricks auth login --host {host} "
            f"--profile {name}`, then choose the profile again.")


def browser_login_in_environment(env: dict[str, str] | None = None) -> str | None:
    """Like browser_login, for the environment's workspace (DATABRICKS_AUTH_TYPE=external-browser)."""
    env = os.environ if env is None else env
    if env.get("DATABRICKS_AUTH_TYPE", "").strip() != "external-browser":
        return None
    return ("DATABRICKS_AUTH_TYPE=external-browser signs in through a web browser, which the LakeStream server "
            "cannot open. Run `databricks auth login` in a terminal and use its profile (auth_type = "
            "databricks-cli), or a service principal or a token.")


def browser_login(name: str, path: Path | None = None) -> str | None:
    """Why profile `name` cannot be used by a server, when it signs in through a web browser
    (auth_type = external-browser: databricks-sdk would open a browser and wait for its redirect, which on
    a headless server never comes); None for any other profile (also one that does not exist)."""
    path = path or config_file()
    if not path.exists():
        return None
    parser = _read(path)
    if name not in parser or parser[name].get("auth_type", "").strip() != "external-browser":
        return None
    host = parser[name].get("host", "<workspace URL>")
    return (f"Profile {name!r} signs in through a web browser (auth_type = external-browser), which the "
            f"LakeStream server cannot open. In a terminal, run `databricks auth login --host {host} "
            f"--profile {name}`: the profile then uses the Databricks CLI's login (auth_type = databricks-cli), "
            "which LakeStream can use. A service principal (client_id and client_secret) or a token works too.")


def checked_entry(name: str, host: str, token: str) -> str:
    """The workspace URL of a profile entry (https:// added), or ProfileError naming what is wrong."""
    if not NAME.match(name or ""):
        raise ProfileError(f"{name!r} is not a profile name: letters, digits, '.', '-' or '_' (like lakestream)")
    host = (host or "").strip()
    if host and "://" not in host:
        host = f"https://{host}"
    if not HOST.match(host):
        raise ProfileError(f"{host or 'An empty host'!r} is not a workspace URL: write it like "
                           "https://adb-1234567890123456.7.azuredatabricks.net")
    if not token or any(c.isspace() for c in token) or not token.isprintable():
        raise ProfileError("The token is empty or has spaces or line breaks: paste the personal access token only")
    return host.rstrip("/")


def save_profile(name: str, host: str, token: str, path: Path | None = None) -> Path:
    """Write `[name]` with host and token into the config file (mode 0600); other sections stay untouched."""
    host = checked_entry(name, host, token)
    path = path or config_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path} cannot be read: {error}") from None
    block = [f"[{name}]\n", f"host  = {host}\n", f"token = {token}\n"]
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{name}]"), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines += (["\n"] if lines else []) + block
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        kept = [ln for ln in lines[start + 1:end] if not re.match(r"\s*(host|token|auth_type)\s*[=:]", ln)]
        lines[start:end] = block + [ln for ln in kept if ln.strip()] + ["\n"] * (end < len(lines))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".databrickscfg.", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)  # it holds a token: readable by its owner only
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(lines))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ProfileError(f"{path} cannot be written: {error}") from None
    return path


def _choice_file(home: Path | None) -> Path:
    from lakestream.store.local import default_home

    return Path(home or default_home()) / "workspace.json"


def chosen_profile(home: Path | None = None) -> str | None:
    """The profile the app was last connected with (None: the SDK's default lookup)."""
    try:
        name = json.loads(_choice_file(home).read_text(encoding="utf-8")).get("profile")
    except (OSError, ValueError, AttributeError):
        return None
    return name if isinstance(name, str) and NAME.match(name) else None


def choose_profile(name: str | None, home: Path | None = None) -> None:
    """Remember `name` as the app's profile (None forgets it). Only the name is written."""
    path = _choice_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"profile": name}), encoding="utf-8")
    os.replace(temporary, path)
