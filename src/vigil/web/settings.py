"""Django settings for Vigil. Every value comes from vigil.config's typed helpers."""

from __future__ import annotations

import secrets
from pathlib import Path

from vigil import config

HOME = config.vigil_home()


def _secret_key(home: Path) -> str:
    """From VIGIL_SECRET_KEY, else one generated once into the instance folder (never the repo)."""
    from_env = config.env_str("VIGIL_SECRET_KEY", "")
    if from_env:
        return from_env
    key_file = home / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if not home.exists():
        # Imported before `vigil init` (e.g. by a linter): an ephemeral key is harmless then.
        return secrets.token_urlsafe(50)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


SECRET_KEY = _secret_key(HOME)
DEBUG = config.env_bool("VIGIL_DEBUG", False)
ALLOWED_HOSTS = config.env_list("VIGIL_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "vigil.web.cases",
    "vigil.web.analysis",
    "vigil.web.api",
    "vigil.web.audit",
    "vigil.web.accounts",
    "vigil.web.governance",
    "vigil.web.matching",
]

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "vigil.web.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(config.database_path(HOME)),
        "OPTIONS": {
            # WAL lets the web app read while triage writes; IMMEDIATE avoids upgrade deadlocks.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("VIGIL_LOG_LEVEL", "WARNING")},
}
