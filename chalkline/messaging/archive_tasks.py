"""Background work for the messaging hub: an archive export is made here (a large one takes a
while; the records officer's page shows its status)."""

from __future__ import annotations

from django.tasks import task

from chalkline.messaging.services.archive import run_archive_export


@task
def run_archive_export_task(export_id: int) -> None:
    run_archive_export(export_id=export_id)
