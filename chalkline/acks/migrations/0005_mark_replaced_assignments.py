"""Assignments closed by a follow-up campaign before 0004 carry the status "closed" and the reason
"Replaced by the follow-up for version N": give them the status "replaced" and the reason
"Replaced by version N". The reverse puts both back."""

from typing import Any

from django.db import migrations

OLD_PREFIX = "Replaced by the follow-up for version "
NEW_PREFIX = "Replaced by version "


def forwards(apps: Any, schema_editor: Any) -> None:
    assignment = apps.get_model("acks", "Assignment")
    rows = assignment.objects.filter(status="closed", closed_reason__startswith=OLD_PREFIX)
    for pk, reason in rows.values_list("pk", "closed_reason").iterator():
        assignment.objects.filter(pk=pk).update(
            status="replaced", closed_reason=NEW_PREFIX + reason[len(OLD_PREFIX) :]
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    assignment = apps.get_model("acks", "Assignment")
    rows = assignment.objects.filter(status="replaced")
    for pk, reason in rows.values_list("pk", "closed_reason").iterator():
        seq = reason[len(NEW_PREFIX) :] if reason.startswith(NEW_PREFIX) else "?"
        assignment.objects.filter(pk=pk).update(status="closed", closed_reason=OLD_PREFIX + seq)


class Migration(migrations.Migration):
    dependencies = [("acks", "0004_assignment_replaced_status")]

    operations = [migrations.RunPython(forwards, backwards)]
