"""Append-only guards from chalkline.lib.appendonly, on SQLite as well as PostgreSQL.

- ``audit_auditevent``: UPDATE and DELETE refused (SQLite and PostgreSQL), TRUNCATE refused
  (PostgreSQL). Replaces the PostgreSQL-only trigger of migration 0002.
- ``audit_auditchainhead``: the head only moves forward. An UPDATE that lowers ``last_seq``, changes
  ``last_hash`` without moving on, or moves the head to another district is refused, and so are
  DELETE and TRUNCATE: deleting the last events together with the head no longer passes quietly.
- ``audit_pendingauditevent`` stays unguarded: sealing deletes its rows as it links them.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from chalkline.lib.appendonly import Guard, guard_operation

EVENT = Guard(table="audit_auditevent", name="audit_event")
HEAD = Guard(
    table="audit_auditchainhead",
    name="audit_head",
    message="append-only (the chain head only moves forward)",
    columns=("district_id",),
    update_when=(
        "NEW.last_seq < OLD.last_seq "
        "OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash)"
    ),
)

OLD_PG_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


def drop_old_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent; "
            "DROP FUNCTION IF EXISTS audit_event_append_only();",
            params=None,
        )


def restore_old_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_PG_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_lean_indexes")]

    operations = [
        migrations.RunPython(drop_old_trigger, restore_old_trigger, elidable=False),
        guard_operation(EVENT, HEAD),
    ]
