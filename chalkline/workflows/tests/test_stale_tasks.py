"""A task whose worker died is requeued (chalkline/lib/task_workers.py), run to the end by the
next worker, and failed after TASK_MAX_WORKER_LOSSES lost workers; a live worker's task is left."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chalkline.lib.task_workers import SweepResult, WorkerMonitor, beat, is_alive
from chalkline.outbox.tasks import send_mail_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    settings.TASK_MAX_WORKER_LOSSES = 3


def _claimed(by: list[str], seconds_ago: int) -> Any:
    """A queued task claimed by the workers ``by`` (the last one running it), as a worker does."""
    result = send_mail_task.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    for worker in by:
        row.claim(worker)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING
    return row


def _requeue() -> str:
    out = StringIO()
    call_command("requeue_stale_tasks", stdout=out)
    return out.getvalue()


# A worker closes its connections between tasks, as the monitor thread does: these two commit.
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_is_requeued_and_then_finished_by_another_worker(
    db_tasks: None,
) -> None:
    row = _claimed(["killed-worker"], seconds_ago=120)
    assert "Requeued 1 task(s); failed 0" in _requeue()
    row.refresh_from_db()
    assert (row.status, row.started_at) == (TaskResultStatus.READY, None)
    assert row.worker_ids == ["killed-worker"]  # the history of who tried stays
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2
    assert "Requeued 0 task(s)" in _requeue()  # idempotent


def test_a_running_task_of_a_live_worker_is_left_alone(db_tasks: None) -> None:
    row = _claimed(["busy-worker"], seconds_ago=600)  # a long task
    beat("busy-worker")
    assert "Requeued 0 task(s); failed 0" in _requeue()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_task_younger_than_the_timeout_is_left_alone(db_tasks: None) -> None:
    # claimed a moment ago: its worker may not have beaten yet
    row = _claimed(["new-worker"], seconds_ago=5)
    assert "Requeued 0 task(s)" in _requeue()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_task_that_lost_too_many_workers_is_failed_not_looped(db_tasks: None) -> None:
    row = _claimed(["w1", "w2", "w3"], seconds_ago=120)
    assert "Requeued 0 task(s); failed 1" in _requeue()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "chalkline.lib.task_workers.WorkerLost"
    assert "3 workers died" in row.traceback


def _tick_in_thread(monitor: WorkerMonitor) -> SweepResult | None:
    """One tick in a thread of its own, with its own connection, as in a worker process."""
    out: list[SweepResult | None] = []
    thread = threading.Thread(target=lambda: out.append(monitor.tick()))
    thread.start()
    thread.join()
    return out[0]


@pytest.mark.django_db(transaction=True)
def test_the_worker_monitor_beats_for_the_task_it_runs_and_sweeps_others(db_tasks: None) -> None:
    dead = _claimed(["killed-worker"], seconds_ago=120)
    monitor = WorkerMonitor()
    assert not is_alive("this-worker")
    monitor.on_task_started(sender=None, task_result=SimpleNamespace(worker_ids=["this-worker"]))
    assert is_alive("this-worker")
    result = _tick_in_thread(monitor)
    assert result is not None and result.requeued == [str(dead.pk)]
    mine = _claimed(["this-worker"], seconds_ago=120)
    assert _tick_in_thread(monitor) is not None
    mine.refresh_from_db()
    assert mine.status == TaskResultStatus.RUNNING
