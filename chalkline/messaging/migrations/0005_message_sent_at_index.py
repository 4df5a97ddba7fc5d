"""An index on messages' sent date for retention eligibility (and the archive's date ranges): a
BRIN index on PostgreSQL (messages are appended in sent order, so a few pages of summaries cover
millions of rows), a B-tree on SQLite."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAME = "messaging_message_sent_at_idx"


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON messaging_message USING brin (sent_at)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON messaging_message (sent_at)")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_disposal_gated_guards")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
