from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommunityConfig(AppConfig):
    name = "vigil.web.community"
    label = "community"
    verbose_name = "Hub community"

    def ready(self) -> None:
        post_migrate.connect(_forum_categories, sender=self)


def _forum_categories(**kwargs: Any) -> None:
    from vigil.web.community.forum import ensure_categories

    try:
        kwargs["apps"].get_model("community", "ForumCategory")
    except LookupError:  # migrated back to before the forum existed
        return
    ensure_categories()
