"""Attachments and urgent marks are append-only like the messages they belong to; a records
disposal run deletes them with their message through the same gate (see
chalkline.messaging.disposal_gate)."""

from django.db import migrations

from chalkline.lib.appendonly import guard_operation, unguard_operation
from chalkline.messaging.disposal_gate import DEPENDENT_GATED_GUARDS, DEPENDENT_OLD_GUARDS


class Migration(migrations.Migration):
    dependencies = [("messaging", "0010_merge_attachments")]

    operations = [
        unguard_operation(*DEPENDENT_OLD_GUARDS),
        guard_operation(*DEPENDENT_GATED_GUARDS),
    ]
