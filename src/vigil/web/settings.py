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
    "django.contrib.sessions",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "vigil.records.cases",
    "vigil.records.review",
    "vigil.records.analysis",
    "vigil.records.faces",
    "vigil.records.api",
    "vigil.records.audit",
    "vigil.records.accounts",
    "vigil.records.governance",
    "vigil.records.matching",
    "vigil.records.chats",
    "django_tasks",
    "django_tasks_db",
    "vigil.records.jobs",
    "vigil.records.hub",
    "vigil.records.community",
    "vigil.records.training",
    "vigil.hub",  # seeds the hub's tables at every migrate
]

MIDDLEWARE = [
    "vigil.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.web.middleware.IdleTimeoutMiddleware",
    "vigil.web.middleware.RouteRulesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "vigil.web.urls"
WSGI_APPLICATION = "vigil.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csrf",
                "django.contrib.auth.context_processors.auth",
                "vigil.web.review.context.wellbeing",
            ],
            # web/ holds no Django app of its own: its tag library is named here.
            "libraries": {"hub_tags": "vigil.web.hub.templatetags.hub_tags"},
        },
    }
]

# Vendored assets are served from the package by vigil.web.review.views.assets (no CDN, no
# collectstatic step): a handful of small files with long cache headers.
STATIC_URL = "/static/"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# -- sign-in and sessions ----------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_FAILURES_BEFORE_LOCK = 5
LOCKOUT_MINUTES = config.env_int("VIGIL_LOCKOUT_MINUTES", 30, minimum=1)
SESSION_IDLE_MINUTES = config.env_int("VIGIL_SESSION_IDLE_MINUTES", 30, minimum=1)
if SESSION_IDLE_MINUTES > 30:
    raise config.ConfigError("VIGIL_SESSION_IDLE_MINUTES must be at most 30")
# The idle lock itself is vigil.web.middleware.IdleTimeoutMiddleware (background polling does
# not count as activity); the cookie outlives it by a little so the lock can say why.
SESSION_COOKIE_AGE = (SESSION_IDLE_MINUTES + 5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = False  # the static JS reads it for htmx and fetch requests
OTP_TOTP_ISSUER = "Vigil"

# -- transport security: VIGIL_TLS=true once the server is reached over HTTPS -----------------
TLS = config.env_bool("VIGIL_TLS", False)
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
LANGUAGE_COOKIE_SECURE = TLS
SECURE_SSL_REDIRECT = TLS
SECURE_HSTS_SECONDS = 31_536_000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_SQLITE = {
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
# The embedded default is SQLite in the instance folder; VIGIL_DATABASE_URL chooses PostgreSQL.
_DATABASE_URL = config.database_url()
DATABASES = {
    "default": config.postgresql_settings(_DATABASE_URL) if _DATABASE_URL else _SQLITE,
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Background jobs (`vigil worker`): queued in the database, so no broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
# The six UN languages; Arabic is laid out right to left.
LANGUAGES = [
    ("ar", "العربية"),
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

# Hub notifications: printed to the console unless an operator configures a mail backend.
EMAIL_BACKEND = config.env_str(
    "VIGIL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = config.env_str("VIGIL_EMAIL_FROM", "vigil-hub@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("VIGIL_LOG_LEVEL", "WARNING")},
}
