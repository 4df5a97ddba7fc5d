"""Acknowledgment records are append-only on SQLite too (chalkline.lib.appendonly): UPDATE and
DELETE refused on both databases, TRUNCATE refused on PostgreSQL. Replaces migration 0002's
PostgreSQL-only trigger."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from chalkline.lib.appendonly import Guard, guard_operation

SIGNATURE = Guard(table="acks_signature", name="acks_signature", message="never changed")

OLD_PG_TRIGGER = """
CREATE OR REPLACE FUNCTION acks_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'acks_signature records never change: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER acks_signature_immutable
    BEFORE UPDATE OR DELETE ON acks_signature
    FOR EACH ROW EXECUTE FUNCTION acks_signature_immutable();
"""


def drop_old_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS acks_signature_immutable ON acks_signature; "
            "DROP FUNCTION IF EXISTS acks_signature_immutable();",
            params=None,
        )


def restore_old_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_PG_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("acks", "0002_signature_append_only_trigger")]

    operations = [
        migrations.RunPython(drop_old_trigger, restore_old_trigger, elidable=False),
        guard_operation(SIGNATURE),
    ]
