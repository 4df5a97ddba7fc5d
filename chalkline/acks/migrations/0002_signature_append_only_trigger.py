"""On PostgreSQL, a trigger refuses UPDATE and DELETE on acknowledgment records, whoever sends
them (the model and its QuerySet refuse too)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION acks_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'acks_signature records never change: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS acks_signature_immutable ON acks_signature;
CREATE TRIGGER acks_signature_immutable
    BEFORE UPDATE OR DELETE ON acks_signature
    FOR EACH ROW EXECUTE FUNCTION acks_signature_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS acks_signature_immutable ON acks_signature;
DROP FUNCTION IF EXISTS acks_signature_immutable();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("acks", "0001_campaigns_assignments_signatures")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
