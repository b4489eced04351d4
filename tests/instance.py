"""One Vigil instance per VIGIL_HOME, on whichever database the suite runs on.

The suite runs twice in CI: on the embedded SQLite (each instance folder holds its own
database) and on PostgreSQL, chosen by VIGIL_TEST_DATABASE_SERVER
(e.g. postgresql://postgres@127.0.0.1:5432). There, every instance folder gets a fresh database
of its own, copied from a template migrated once per test process, so a test that runs the real
`vigil` command in a subprocess sees an empty instance exactly as on SQLite.

Use `instance_env(home)` for every subprocess that runs Vigil with its own VIGIL_HOME.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

SERVER_VARIABLE = "VIGIL_TEST_DATABASE_SERVER"

_databases: dict[str, str] = {}
_template: str | None = None


def database_server() -> str:
    return os.environ.get(SERVER_VARIABLE, "").rstrip("/")


def on_postgresql() -> bool:
    return bool(database_server())


def instance_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `vigil` process whose instance is `home`."""
    env = {**os.environ, "VIGIL_HOME": str(home), **extra}
    env.pop("VIGIL_DATABASE_URL", None)
    if on_postgresql():
        env["VIGIL_DATABASE_URL"] = database_url_for(home)
    return env


def database_url_for(home: Path) -> str:
    key = str(Path(home).absolute())
    if key not in _databases:
        name = _create_database(template=_migrated_template())
        _databases[key] = f"{database_server()}/{name}"
    return _databases[key]


def fresh_database_url() -> str:
    """An empty, migrated database (for the in-process instance of a test session)."""
    return f"{database_server()}/{_create_database(template=_migrated_template())}"


def _migrated_template() -> str:
    global _template
    if _template is None:
        name = _create_database(template=None)
        home = tempfile.mkdtemp(prefix="vigil-template-home-")
        env = {
            **os.environ,
            "VIGIL_HOME": home,
            "VIGIL_DATABASE_URL": f"{database_server()}/{name}",
            "DJANGO_SETTINGS_MODULE": "vigil.web.settings",
        }
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
            env=env,
            check=True,
            timeout=600,
        )
        _template = name
    return _template


def _create_database(*, template: str | None) -> str:
    import psycopg

    name = f"vigil_test_{uuid.uuid4().hex[:16]}"
    copy = f" TEMPLATE {template}" if template else ""
    with psycopg.connect(f"{database_server()}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}{copy}")
    atexit.register(_drop_database, name)
    return name


def _drop_database(name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(f"{database_server()}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    except psycopg.Error:
        pass  # the server went away first; the CI machine is discarded anyway


def copy_instance(source: Path, target: Path) -> None:
    """A copy of a whole instance: its folder and, on PostgreSQL, its database."""
    import shutil

    shutil.copytree(source, target)
    if on_postgresql():
        name = _create_database(template=database_url_for(source).rsplit("/", 1)[1])
        _databases[str(Path(target).absolute())] = f"{database_server()}/{name}"


class RawDatabase:
    """The instance's database opened directly, as someone with the file (or a superuser's
    login) could: plain SQL with `?` placeholders on SQLite and PostgreSQL alike."""

    def __init__(self, home: Path, *, read_only: bool = False) -> None:
        self.postgresql = on_postgresql()
        if self.postgresql:
            import psycopg

            self._connection: Any = psycopg.connect(database_url_for(home))
        else:
            import sqlite3

            path = Path(home) / "vigil.sqlite3"
            uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
            self._connection = sqlite3.connect(uri, uri=True, timeout=5)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.postgresql:
            sql = sql.replace("?", "%s")
        return self._connection.execute(sql, params)

    def fetch_row(self, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        cursor = self.execute(sql, params)
        found = cursor.fetchone()
        if found is None:
            return None
        return dict(zip([column[0] for column in cursor.description], found, strict=True))

    def drop_audit_guards(self) -> None:
        """What an attacker does first: the append-only triggers go."""
        if self.postgresql:
            self.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
            return
        triggers = self.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_auditentry'"
        ).fetchall()
        for (name,) in triggers:
            self.execute(f'DROP TRIGGER "{name}"')

    def commit(self) -> None:
        self._connection.commit()

    def rollback(self) -> None:
        self._connection.rollback()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> RawDatabase:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def instance_exists(home: Path) -> bool:
    """Whether the instance's database was created yet (before `vigil init`, it was not)."""
    return on_postgresql() or (Path(home) / "vigil.sqlite3").exists()
