"""The suite runs on the database it was asked to: SQLite by default, PostgreSQL when told."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.instance import on_postgresql
from vigil import config


def test_the_instance_runs_on_the_database_the_suite_was_asked_for(django_instance: Path) -> None:
    from django.db import connection

    assert connection.vendor == ("postgresql" if on_postgresql() else "sqlite")


def test_a_postgresql_url_becomes_django_settings() -> None:
    settings = config.postgresql_settings(
        "postgresql://vigil:s%40cret@db.local:6543/vigil?sslmode=require"
    )
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["NAME"], settings["USER"], settings["PASSWORD"]) == (
        "vigil",
        "vigil",
        "s@cret",
    )
    assert (settings["HOST"], settings["PORT"]) == ("db.local", "6543")
    assert settings["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("mysql://root@localhost/vigil", "must start with postgresql://"),
        ("postgresql://localhost", "must name a database"),
        ("postgresql://localhost:notaport/vigil", "port that is not a number"),
    ],
)
def test_a_database_url_vigil_cannot_use_is_refused_with_a_reason(url: str, complaint: str) -> None:
    with pytest.raises(config.ConfigError, match=complaint):
        config.postgresql_settings(url)
