"""The hub's shipped content (tool catalogue, forum categories, courses) joins the database at
every migrate (`vigil init`, upgrades). The records apps define the tables; seeding them is the
hub's domain, so the hooks live here, in an app of their own with no models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class HubSeedsConfig(AppConfig):
    name = "vigil.hub"
    label = "hub_seeds"
    verbose_name = "Hub content shipped with Vigil"

    def ready(self) -> None:
        for label, model, seed in (
            ("hub", "Tool", _catalogue),
            ("community", "ForumCategory", _forum_categories),
            ("training", "Course", _courses),
        ):
            post_migrate.connect(
                _when_migrated(label, model, seed),
                sender=apps.get_app_config(label),
                weak=False,
                dispatch_uid=f"vigil-hub-seed-{label}",
            )


def _when_migrated(label: str, model: str, seed: Callable[[], None]) -> Callable[..., None]:
    def handler(**kwargs: Any) -> None:
        try:
            kwargs["apps"].get_model(label, model)
        except LookupError:  # migrated back to before the table existed
            return
        seed()

    return handler


def _catalogue() -> None:
    from vigil.hub.catalogue.database import sync_seed

    sync_seed()


def _forum_categories() -> None:
    from vigil.hub.community.forum import ensure_categories

    ensure_categories()


def _courses() -> None:
    from vigil.hub.training.seed import seed_courses

    seed_courses()
