"""A case's citation of an archived message (with the hash it had) is append-only in the
database itself."""

from django.db import migrations

from chalkline.lib.appendonly import Guard, guard_operation


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_case_cites_messages")]

    operations = [
        guard_operation(Guard(table="workflows_casemessagecitation", message="never changed"))
    ]
