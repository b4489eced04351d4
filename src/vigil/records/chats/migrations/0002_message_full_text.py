"""Full-text search over message text, in each database's own way.

SQLite: an FTS5 table with the messages as external content, kept in step by triggers
(unicode61 tokens, diacritics folded). PostgreSQL: a GIN index on to_tsvector('simple', text),
language-neutral like the FTS5 tokens. vigil.web.chats.search queries whichever is there.

A later migration that rebuilds chats_message on SQLite (Django copies the table to alter it)
drops these triggers: it must create them again (see `sqlite_statements`).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE chats_message_fts USING fts5(text, content='chats_message', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER chats_message_fts_insert AFTER INSERT ON chats_message BEGIN "
    "INSERT INTO chats_message_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER chats_message_fts_delete AFTER DELETE ON chats_message BEGIN "
    "INSERT INTO chats_message_fts(chats_message_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER chats_message_fts_update AFTER UPDATE OF text ON chats_message BEGIN "
    "INSERT INTO chats_message_fts(chats_message_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO chats_message_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO chats_message_fts(chats_message_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS chats_message_fts_update",
    "DROP TRIGGER IF EXISTS chats_message_fts_delete",
    "DROP TRIGGER IF EXISTS chats_message_fts_insert",
    "DROP TABLE IF EXISTS chats_message_fts",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX chats_message_text_fts ON chats_message "
    "USING GIN (to_tsvector('simple', text))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS chats_message_text_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("chats", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
