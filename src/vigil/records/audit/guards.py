"""Database triggers that refuse UPDATE and DELETE on the audit table.

They stop mistakes and casual edits through the database's own tools; someone with the file
in hand can drop them, which the hash chain then reveals. A later migration that rebuilds the
table on SQLite (Django copies it to a new table) loses them: call `install` again there.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "audit_auditentry"
MESSAGE = "audit log is append-only"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]

_POSTGRESQL_INSTALL = [
    "CREATE OR REPLACE FUNCTION vigil_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION vigil_audit_append_only();",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_append_only();",
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS vigil_audit_append_only();",
]


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRESQL_INSTALL})


def remove(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": _SQLITE_REMOVE, "postgresql": _POSTGRESQL_REMOVE})


def _run(schema_editor: BaseDatabaseSchemaEditor, by_vendor: dict[str, list[str]]) -> None:
    # Other databases get the ORM's guard and the chain only.
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)
