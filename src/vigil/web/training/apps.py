from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrainingConfig(AppConfig):
    name = "vigil.web.training"
    label = "training"
    verbose_name = "Hub training"

    def ready(self) -> None:
        post_migrate.connect(_seed_courses, sender=self)


def _seed_courses(**kwargs: Any) -> None:
    """The shipped courses join the database at every migrate (`vigil init`, upgrades)."""
    from vigil.web.training.seed import seed_courses

    try:
        kwargs["apps"].get_model("training", "Course")
    except LookupError:  # migrated back to before training existed
        return
    seed_courses()
