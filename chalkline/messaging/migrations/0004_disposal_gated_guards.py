"""Records disposal (50 ILCS 205/7): messages and retractions stay append-only, but a DELETE
goes through inside a running disposal run that wrote the message's tombstone first (and, on
PostgreSQL, set ``chalkline.disposal``); tombstones are append-only; a finished disposal run is
final (see chalkline.messaging.disposal_gate)."""

from django.db import migrations

from chalkline.lib.appendonly import guard_operation, unguard_operation
from chalkline.messaging.disposal_gate import GATED_GUARDS, OLD_GUARDS, TOMBSTONE_GUARDS


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_retention_schedules_certificates_holds_tombstones")]

    operations = [
        unguard_operation(*OLD_GUARDS),
        guard_operation(*GATED_GUARDS),
        guard_operation(*TOMBSTONE_GUARDS),
    ]
