"""Starts Django for the CLI: settings from the environment, the schema brought up to date."""

from __future__ import annotations

import os

_ready = False


def setup_django(*, migrate: bool = True) -> None:
    global _ready
    if _ready:
        return
    from vigil import config

    home = config.vigil_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    _ready = True
