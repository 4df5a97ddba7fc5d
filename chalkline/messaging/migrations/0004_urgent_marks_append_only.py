"""Urgent marks are append-only in the database itself, like sent messages (0002)."""

from django.db import migrations

from chalkline.lib.appendonly import Guard, guard_operation


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_quiet_hours_review_queue")]

    operations = [guard_operation(Guard(table="messaging_urgentmark", message="never changed"))]
