"""Database triggers that refuse UPDATE and DELETE on the audit table (SQLite, PostgreSQL)."""

from django.db import migrations

from vigil.records.audit import guards


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
