"""Credentials for remote SPARQL endpoints, never taken from the command line.

:func:`find_credentials` reads them from environment variables or from a TOML file keyed by
endpoint URL; the caller passes both in, so this module reads no global configuration itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

__all__ = ["Credentials", "find_credentials", "default_config_path"]

#: Environment variables holding credentials for any endpoint (they win over the config file).
USER_VARIABLE, PASSWORD_VARIABLE, AUTH_VARIABLE = (
    "CASEGRAPH_ENDPOINT_USER", "CASEGRAPH_ENDPOINT_PASSWORD", "CASEGRAPH_ENDPOINT_AUTH")


@dataclass(frozen=True)
class Credentials:
    """A user name and password for HTTP Basic or Digest authentication."""

    user: str
    password: str = field(repr=False)
    auth: str = "basic"


def default_config_path(environ: Mapping[str, str]) -> Path:
    """``$CASEGRAPH_ENDPOINTS_FILE``, else ``$XDG_CONFIG_HOME/casegraph/endpoints.toml``
    (``~/.config/casegraph/endpoints.toml``)."""
    if environ.get("CASEGRAPH_ENDPOINTS_FILE"):
        return Path(environ["CASEGRAPH_ENDPOINTS_FILE"])
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "casegraph" / "endpoints.toml"


def find_credentials(url: str, *, environ: Mapping[str, str], config_path: Path | None) -> Credentials | None:
    """The credentials for ``url``: from the environment, else from the config file's table for it.

    The config file is TOML, one table per endpoint URL::

        ["http://127.0.0.1:8890/sparql-auth"]
        user = "dba"
        password = "dba"
        auth = "digest"      # or "basic" (the default)

    Raises:
        UsageError: the file does not parse, or an entry is incomplete or of the wrong type.
    """
    if environ.get(USER_VARIABLE) or environ.get(PASSWORD_VARIABLE):
        if not (environ.get(USER_VARIABLE) and environ.get(PASSWORD_VARIABLE)):
            raise UsageError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return Credentials(environ[USER_VARIABLE], environ[PASSWORD_VARIABLE],
                           _auth(environ.get(AUTH_VARIABLE, "basic"), AUTH_VARIABLE))
    if config_path is None or not config_path.is_file():
        return None
    import tomllib

    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{config_path}: cannot read the endpoints file: {error}") from None
    entry = next((value for key, value in config.items() if key.rstrip("/") == url.rstrip("/")), None)
    if entry is None:
        return None
    where = f"{config_path}: [\"{url}\"]"
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("user", "password")):
        raise UsageError(f"{where} needs user = \"...\" and password = \"...\" (strings)")
    unknown = set(entry) - {"user", "password", "auth"}
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: user, password, auth")
    return Credentials(entry["user"], entry["password"], _auth(entry.get("auth", "basic"), where + " auth"))


def _auth(value: object, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in ("basic", "digest"):
        raise UsageError(f"{where} must be basic or digest, got {value!r}")
    return value.lower()
