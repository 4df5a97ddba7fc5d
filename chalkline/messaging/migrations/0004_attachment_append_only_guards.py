"""Message attachments are append-only in the database itself, like the messages they belong to
(chalkline.lib.appendonly): UPDATE and DELETE refused on SQLite and PostgreSQL, TRUNCATE on
PostgreSQL."""

from django.db import migrations

from chalkline.lib.appendonly import Guard, guard_operation

GUARDS = (Guard(table="messaging_attachment", message="never changed"),)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_message_attachments")]

    operations = [guard_operation(*GUARDS)]
