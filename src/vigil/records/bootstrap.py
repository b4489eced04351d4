"""Starts Django for the CLI: settings from the environment, the schema brought up to date."""

from __future__ import annotations

import os
from pathlib import Path

_ready = False


def setup_django(*, migrate: bool = True, must_exist: bool = False) -> None:
    """Django on VIGIL_HOME, created if need be; with `must_exist`, an instance that is not
    there (no home, or no database file in it) is a ConfigError and nothing is created."""
    global _ready
    if _ready:
        return
    # Before the home and the database are created: private to this user whatever the caller's
    # umask (vigil.core.private.PRIVATE_UMASK, not imported so that records import no core).
    os.umask(0o077)
    from vigil import config

    home = config.vigil_home()
    if must_exist:
        _require_instance(home)
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    _ready = True


def _require_instance(home: Path) -> None:
    from vigil import config

    if not home.is_dir():
        raise config.ConfigError(f"no Vigil instance in {home}: is VIGIL_HOME right?")
    # On PostgreSQL the database lies elsewhere; the embedded one must already be in the home.
    if not config.database_url() and not config.database_path(home).is_file():
        raise config.ConfigError(
            f"no Vigil instance in {home} (no {config.database_path(home).name}): "
            "is VIGIL_HOME right?"
        )
