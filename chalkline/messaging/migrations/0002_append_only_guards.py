"""Sent messages, retractions and blocked attempts are append-only in the database itself
(chalkline.lib.appendonly): UPDATE and DELETE refused on SQLite and PostgreSQL, TRUNCATE on
PostgreSQL."""

from django.db import migrations

from chalkline.lib.appendonly import Guard, guard_operation

GUARDS = (
    Guard(table="messaging_message", message="never edited"),
    Guard(table="messaging_retraction", message="never changed"),
    Guard(table="messaging_blockedattempt", message="never changed"),
)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_threads_messages_recipients")]

    operations = [guard_operation(*GUARDS)]
