"""Recovery of tasks whose worker died: heartbeats and the stale-task requeue.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the
worker is done. A worker killed in between (SIGKILL, the out-of-memory killer, a lost host)
leaves the task RUNNING for ever: nothing in django-tasks-db looks at it again.

So each ``chalkline db_worker`` process beats: from its first task on, a background thread writes
``worker:<id>`` to the ``task_workers`` cache (a database table of its own, shared by every node)
every ``TASK_WORKER_HEARTBEAT_SECONDS``, with a lifetime of ``TASK_WORKER_TIMEOUT_SECONDS``. The
same thread sweeps: a RUNNING task that started more than the timeout ago and whose worker (the
last id in ``worker_ids``) has no live beat is put back in the queue (READY), to be claimed by any
worker. A task that has lost ``TASK_MAX_WORKER_LOSSES`` workers is marked FAILED with
:class:`WorkerLost` instead, so a task that kills its worker every time does not loop.
``chalkline requeue-stale-tasks`` runs the same sweep (cron), for a site with no live worker.

A requeued task runs again from the start, so tasks must be safe to run twice: a certificate is
made once per record, mail is claimed per delivery row; a directory import's rerun finds its batch
claimed and stops, and the import's own heartbeat takeover abandons it. Two are not exact: a password-reset mail may go out twice (two valid links), and a policy import the
dead worker had claimed stays *parsing* (the rerun finds it claimed and does nothing; import the
file again).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.tasks import TaskResultStatus
from django.tasks.signals import task_started
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

HEARTBEAT_CACHE = "task_workers"


class WorkerLost(Exception):
    """The workers that ran this task died before it finished, TASK_MAX_WORKER_LOSSES times."""


@dataclass
class SweepResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _key(worker_id: str) -> str:
    return f"worker:{worker_id}"


def beat(worker_id: str) -> None:
    """Mark ``worker_id`` alive for the next TASK_WORKER_TIMEOUT_SECONDS."""
    caches[HEARTBEAT_CACHE].set(
        _key(worker_id), timezone.now().isoformat(), timeout=settings.TASK_WORKER_TIMEOUT_SECONDS
    )


def is_alive(worker_id: str) -> bool:
    return caches[HEARTBEAT_CACHE].get(_key(worker_id)) is not None


def requeue_stale_tasks(*, now: datetime | None = None) -> SweepResult:
    """Requeue (or, past the loss limit, fail) every RUNNING task whose worker stopped beating."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASK_WORKER_TIMEOUT_SECONDS)
    result = SweepResult()
    candidates = list(
        DBTaskResult.objects.running().filter(started_at__lt=cutoff).values_list("pk", flat=True)
    )
    for pk in candidates:
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:  # finished meanwhile
                continue
            worker = row.worker_ids[-1] if row.worker_ids else ""
            if worker and is_alive(worker):
                continue  # a long task of a live worker
            if len(row.worker_ids) >= settings.TASK_MAX_WORKER_LOSSES:
                row.set_failed(
                    WorkerLost(
                        f"{len(row.worker_ids)} workers died while running this task "
                        "(TASK_MAX_WORKER_LOSSES)"
                    )
                )
                result.failed.append(str(row.pk))
                logger.warning(
                    "task %s failed: its workers died %d times", row.pk, len(row.worker_ids)
                )
            else:
                row.status = TaskResultStatus.READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                result.requeued.append(str(row.pk))
                logger.warning("task %s requeued: its worker %s stopped beating", row.pk, worker)
    return result


class WorkerMonitor:
    """The heartbeat and sweep thread of one worker process."""

    def __init__(self) -> None:
        self.worker_id = ""
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="task-worker-monitor", daemon=True)

    def on_task_started(self, sender: Any, task_result: Any, **kwargs: Any) -> None:
        ids = getattr(task_result, "worker_ids", None) or []
        if ids and ids[-1] != self.worker_id:
            self.worker_id = ids[-1]
        if self.worker_id:
            try:
                beat(self.worker_id)
            except Exception:  # the thread beats again shortly; the task must not fail for it
                logger.warning("heartbeat of worker %s failed", self.worker_id, exc_info=True)

    def tick(self) -> SweepResult | None:
        try:
            if self.worker_id:
                beat(self.worker_id)
            return requeue_stale_tasks()
        except Exception:  # the database restarting, say: try again at the next tick
            logger.warning("task worker heartbeat or sweep failed", exc_info=True)
            return None
        finally:
            connections.close_all()  # this thread's own connections only

    def run(self) -> None:
        while not self.stop.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS):
            self.tick()


_monitor: WorkerMonitor | None = None


def start_worker_monitor() -> WorkerMonitor:
    """Called once by ``chalkline db_worker`` at start: beat while running tasks, and sweep."""
    global _monitor
    if _monitor is None:
        _monitor = WorkerMonitor()
        task_started.connect(_monitor.on_task_started, dispatch_uid="chalkline-task-worker-beat")
        _monitor.thread.start()
    return _monitor
