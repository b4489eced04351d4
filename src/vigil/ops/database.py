"""The database side of backup and restore, for SQLite and PostgreSQL alike.

A backup takes one consistent snapshot while Vigil keeps running: SQLite's online backup API
(a WAL reader, so triage goes on writing), or `pg_dump` on a snapshot exported from a
REPEATABLE READ transaction. The facts written to the manifest (row counts, audit head,
applied migrations) are read from that same snapshot, so they describe exactly what was saved.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

SQLITE_FILE = "database/vigil.sqlite3"
POSTGRESQL_FILE = "database/vigil.pgdump"
# What makes an instance not empty: restoring over any of these would lose them.
_OCCUPIED_BY = ("cases.Case", "cases.Blob", "audit.AuditEntry", "auth.User", "matching.HashList")


_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class DatabaseToolError(RuntimeError):
    """pg_dump or pg_restore is missing or failed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    tables: dict[str, int]  # rows per table
    audit_head: dict[str, Any] | None  # {"seq", "hash"} of the last entry
    migrations: dict[str, list[str]]  # applied, per app

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "audit_head": self.audit_head,
            "migrations": self.migrations,
        }


def vendor() -> str:
    return str(connection.vendor)


def snapshot(destination: Path) -> tuple[str, DatabaseFacts]:
    """Write a consistent copy of the database under `destination` (the backup folder);
    returns its path relative to it and the facts read from the same snapshot."""
    if vendor() == "sqlite":
        return SQLITE_FILE, _snapshot_sqlite(destination / SQLITE_FILE)
    if vendor() == "postgresql":
        return POSTGRESQL_FILE, _snapshot_postgresql(destination / POSTGRESQL_FILE)
    raise DatabaseToolError(f"backing up a {vendor()} database is not supported")


def restore(source: Path) -> None:
    """Replace the instance's database with the backup copy at `source`."""
    connection.close()
    if vendor() == "sqlite":
        with _sqlite(Path(source)) as saved, _sqlite(_sqlite_path()) as live:
            saved.backup(live)
    else:
        database = str(settings.DATABASES["default"]["NAME"])
        _run_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={database}",
                str(source),
            ],
        )


def live_facts() -> DatabaseFacts:
    with connection.cursor() as cursor:
        return _facts(cursor, set(connection.introspection.table_names(cursor)))


def occupied_tables() -> list[str]:
    """The tables whose rows make this instance not empty (missing tables count as empty)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found = []
        for label in _OCCUPIED_BY:
            table = apps.get_model(label)._meta.db_table
            if table in existing and _count(cursor, table):
                found.append(table)
        return found


# -- SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _sqlite(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(path, timeout=30))


def _snapshot_sqlite(target: Path) -> DatabaseFacts:
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite(_sqlite_path()) as live, _sqlite(target) as copy:
        # All pages in one step: one read transaction, so one consistent state.
        live.backup(copy)
    os.chmod(target, 0o600)
    with _sqlite(target) as copy:
        cursor = copy.cursor()
        tables = {
            row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return _facts(cursor, tables)


# -- PostgreSQL -----------------------------------------------------------------------------


def _snapshot_postgresql(target: Path) -> DatabaseFacts:
    target.parent.mkdir(parents=True, exist_ok=True)
    with transaction.atomic(), connection.cursor() as cursor:
        # The facts and pg_dump share one snapshot, held open by this transaction.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        facts = _facts(cursor, set(connection.introspection.table_names(cursor)))
        _run_tool(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
            ],
        )
    os.chmod(target, 0o600)
    return facts


def _run_tool(name: str, arguments: list[str]) -> None:
    program = shutil.which(name)
    if program is None:
        raise DatabaseToolError(
            f"{name} is not on PATH: install the PostgreSQL client tools of the server's "
            "major version (Debian: postgresql-client-NN)"
        )
    result = subprocess.run(
        [program, *arguments], env=_libpq_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DatabaseToolError(f"{name} failed: {result.stderr.strip()[-2000:]}")


def _libpq_environment() -> dict[str, str]:
    """Connection settings as libpq variables: the password never appears in `ps`."""
    database: dict[str, Any] = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in (
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    options = database.get("OPTIONS") or {}
    for option, variable in _LIBPQ_OPTIONS.items():
        if option in options:
            env[variable] = str(options[option])
    return env


# -- reading facts with a DB-API cursor (SQLite's own, or Django's) ------------------------


def _facts(cursor: Any, existing: set[str]) -> DatabaseFacts:
    tables = {
        model._meta.db_table: _count(cursor, model._meta.db_table)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in existing and not model._meta.proxy
    }
    head = None
    audit_table = apps.get_model("audit.AuditEntry")._meta.db_table
    if audit_table in existing:
        cursor.execute(f"SELECT seq, hash FROM {_quote(audit_table)} ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
        head = {"seq": int(row[0]), "hash": row[1]} if row else None
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in existing:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return DatabaseFacts(dict(sorted(tables.items())), head, migrations)


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
    return int(cursor.fetchone()[0])


def _quote(name: str) -> str:
    return str(connection.ops.quote_name(name))
