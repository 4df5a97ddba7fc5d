"""``chalkline requeue-stale-tasks``: put back in the queue the tasks whose worker died."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chalkline.lib.task_workers import requeue_stale_tasks


class Command(BaseCommand):
    help = (
        "Requeue every RUNNING task whose worker has not beaten for TASK_WORKER_TIMEOUT_SECONDS "
        "(fail it after TASK_MAX_WORKER_LOSSES lost workers). Every db_worker already does this; "
        "run it from cron when workers may all be down. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = requeue_stale_tasks()
        self.stdout.write(
            f"Requeued {len(result.requeued)} task(s); failed {len(result.failed)} "
            "that lost too many workers."
        )
