from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HubConfig(AppConfig):
    name = "vigil.web.hub"
    label = "hub"
    verbose_name = "Hub catalogue"

    def ready(self) -> None:
        post_migrate.connect(_sync_seed, sender=self)


def _sync_seed(**kwargs: Any) -> None:
    """The shipped catalogue joins the database at every migrate (`vigil init`, upgrades)."""
    from vigil.web.hub.catalogue import sync_seed

    try:
        kwargs["apps"].get_model("hub", "Tool")
    except LookupError:  # migrated back to before the catalogue existed
        return
    sync_seed()
