"""Typed settings from the environment. A bad value stops Vigil with a message naming it.

Used by the Django settings and by the CLI; nothing here imports Django, so worker processes
can read it too.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(ValueError):
    """An environment variable holds a value Vigil cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def vigil_home() -> Path:
    """The instance folder: database, evidence store, thumbnails, secret key."""
    return Path(env_str("VIGIL_HOME", "./vigil-data")).expanduser().absolute()


def database_path(home: Path) -> Path:
    return home / "vigil.sqlite3"


def database_url() -> str:
    """VIGIL_DATABASE_URL (postgresql://USER:PASSWORD@HOST:PORT/NAME); empty = embedded SQLite."""
    return env_str("VIGIL_DATABASE_URL", "").strip()


def postgresql_settings(url: str) -> dict[str, object]:
    """Django's DATABASES entry for a postgresql:// URL; anything else is a ConfigError."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            f"VIGIL_DATABASE_URL must start with postgresql://, not {parts.scheme or url!r}"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError("VIGIL_DATABASE_URL must name a database: postgresql://HOST/NAME")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("VIGIL_DATABASE_URL has a port that is not a number") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        # Reuse connections in long-lived processes (web, worker); 0 would reconnect per request.
        "CONN_MAX_AGE": env_int("VIGIL_DB_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
    }


def store_root(home: Path) -> Path:
    return home / "store"


def evidence_roots_from_env() -> list[str]:
    """VIGIL_EVIDENCE_ROOTS: the folders evidence may be read from, absolute, separated by ':'.
    Unset means none: Vigil reads no evidence until an administrator declares a root."""
    from vigil.core.evidence import parse_roots

    roots = parse_roots(env_str("VIGIL_EVIDENCE_ROOTS", ""))
    for root in roots:
        if not os.path.isabs(root):
            raise ConfigError(f"VIGIL_EVIDENCE_ROOTS must hold absolute folders, not {root!r}")
    return roots


def protected_paths(home: Path) -> list[Path]:
    """The instance's own files, never evidence whatever the roots say."""
    return [
        home,
        store_root(home),
        database_path(home),
        home / "secret_key",
        home / "models",
    ]


def dask_scheduler(given: str | None = None) -> str | None:
    """The Dask scheduler for `--executor dask`: `given` (--scheduler), else
    VIGIL_DASK_SCHEDULER; None when neither is set. HOST:PORT means tcp://HOST:PORT."""
    from urllib.parse import urlsplit

    origin = "--scheduler" if given is not None else "VIGIL_DASK_SCHEDULER"
    raw = (given if given is not None else env_str("VIGIL_DASK_SCHEDULER", "")).strip()
    if not raw:
        return None
    address = raw if "://" in raw else f"tcp://{raw}"
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None or parts.path:
        raise ConfigError(
            f"{origin} must be tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786), not {raw!r}"
        )
    return address
