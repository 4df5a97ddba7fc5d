"""The district's import lock: one import at a time, a heartbeat that proves the holder alive,
takeover of a dead (or, by an administrator, a live) claim, and the sweep of uploads that no
live import needs.

A claim is dead when its import is running and its heartbeat is older than
``IMPORT_HEARTBEAT_TIMEOUT_SECONDS``, or queued and claimed longer ago than
``IMPORT_QUEUED_TIMEOUT_SECONDS`` (no worker started it). A dead claim is taken over by the next
import, by ``chalkline sweep-uploads``, or at once by an administrator: its batch is marked
abandoned (failed, nothing applied) and its uploaded files are deleted.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people import uploads
from chalkline.people.models import District, ImportBatch, ImportLock, User

logger = logging.getLogger(__name__)

ACTIVE = (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)


class ImportBusyError(Exception):
    """Another import for this district is running."""

    def __init__(self) -> None:
        super().__init__(
            "An import is already running for this district. Wait for it to finish, then try again."
        )


class ImportLockLost(Exception):
    """The import's claim was taken over (it looked dead, or an administrator took it)."""

    def __init__(self) -> None:
        super().__init__(
            "Abandoned: the import lock was taken over while this import ran; nothing was applied."
        )


class NothingToTakeOver(Exception):
    def __init__(self) -> None:
        super().__init__("No import holds the lock: there is nothing to take over.")


def dead_claims(now: datetime) -> Q:
    """The claims that may be taken over (on ImportLock)."""
    beat = now - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS)
    queued = now - timedelta(seconds=settings.IMPORT_QUEUED_TIMEOUT_SECONDS)
    running = ImportBatch.Status.RUNNING
    return (
        Q(batch__status=running, heartbeat_at__lt=beat)
        | Q(batch__status=running, heartbeat_at__isnull=True, claimed_at__lt=beat)
        | Q(batch__status=ImportBatch.Status.QUEUED, claimed_at__lt=queued)
    )


def claim_import_lock(district: District, batch: ImportBatch) -> None:
    """Claim the district's lock with one conditional UPDATE, compared against the holder read
    just before (so two claimers never both win). A free lock, a finished holder or a dead
    claim may be claimed; a dead holder is abandoned. ImportBusyError otherwise."""
    ImportLock.objects.get_or_create(district=district)
    now = timezone.now()
    previous = ImportLock.objects.filter(district=district).values_list("batch_id", flat=True)[0]
    claimed = (
        ImportLock.objects.filter(district=district, batch_id=previous)
        .filter(
            Q(batch__isnull=True)
            | Q(batch__status__in=[ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED])
            | dead_claims(now)
        )
        .update(batch=batch, claimed_at=now, heartbeat_at=now)
    )
    if not claimed:
        raise ImportBusyError
    if previous and previous != batch.pk:
        _abandon(
            previous, now, "Abandoned: the worker stopped without finishing; nothing was applied."
        )


def release_import_lock(batch: ImportBatch) -> None:
    ImportLock.objects.filter(district_id=batch.district_id, batch=batch).update(
        batch=None, claimed_at=None, heartbeat_at=None
    )


def holds_lock_for_commit(batch: ImportBatch) -> bool:
    """In the apply transaction, just before it commits: lock the claim row and tell whether
    this batch still holds it. A takeover waits for the commit, and an import whose claim was
    taken over rolls back instead of applying beside its successor."""
    held = (
        ImportLock.objects.select_for_update()
        .filter(district_id=batch.district_id)
        .values_list("batch_id", flat=True)
        .first()
    )
    return held == batch.pk


def _abandon(batch_id: int, now: datetime, message: str) -> bool:
    """Mark a batch that never finished as abandoned (failed) and delete its files once the
    transaction commits."""
    paths = list(
        ImportBatch.objects.filter(pk=batch_id).values_list("package_path", "staff_csv_path")
    )
    changed = ImportBatch.objects.filter(pk=batch_id, status__in=ACTIVE).update(
        status=ImportBatch.Status.FAILED,
        finished_at=now,
        phase="Abandoned",
        message=message,
        package_path="",
        staff_csv_path="",
    )
    if paths:
        transaction.on_commit(lambda: uploads.discard(*paths[0]))
    return bool(changed)


def current_import(district: District) -> ImportBatch | None:
    """The batch holding the district's lock, while it is queued or running."""
    lock = (
        ImportLock.objects.filter(district=district, batch__status__in=ACTIVE)
        .select_related("batch")
        .first()
    )
    if lock is None or lock.batch is None:
        return None
    lock.batch.heartbeat_at = lock.heartbeat_at  # type: ignore[attr-defined]
    return lock.batch


@transaction.atomic
def take_over_import_lock(*, district: District, reason: str, by: User | None) -> ImportBatch:
    """An administrator frees the district's lock at once, even from an import that still
    looks alive (its heartbeat is fresh): its batch is abandoned, its files deleted, and the
    import, if it does still run, stops without applying (``holds_lock_for_commit``)."""
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ValueError("Say why the lock is taken over.")
    lock = (
        ImportLock.objects.select_for_update()
        .filter(district=district, batch__status__in=ACTIVE)
        .first()
    )
    if lock is None or lock.batch_id is None:
        raise NothingToTakeOver
    batch = ImportBatch.objects.get(pk=lock.batch_id)
    before = {
        "batch": batch.pk,
        "status": batch.status,
        "heartbeat_at": lock.heartbeat_at.isoformat() if lock.heartbeat_at else None,
    }
    now = timezone.now()
    ImportLock.objects.filter(district=district, batch_id=batch.pk).update(
        batch=None, claimed_at=None, heartbeat_at=None
    )
    who = by.get_username() if by else "the command line"
    _abandon(
        batch.pk,
        now,
        f"Abandoned: the import lock was taken over by {who} ({reason}); nothing was applied.",
    )
    record_event(
        district=district,
        actor=by,
        action=Action.DIRECTORY_IMPORT_LOCK_TAKEN_OVER,
        target=batch,
        before=before,
        after={"reason": reason},
    )
    batch.refresh_from_db()
    return batch


class Heartbeat:
    """Writes the claim's heartbeat every ``IMPORT_HEARTBEAT_SECONDS`` while the import works.

    It writes from a thread with its own database connection, so the beats are seen while the
    import's apply transaction is open. When the caller already runs inside a transaction
    (tests), another connection could not see the claim at all: the beats are then written
    inline, from ``check``. ``check`` raises ImportLockLost once the claim was taken over."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.interval = max(settings.IMPORT_HEARTBEAT_SECONDS, 0.1)
        self.lost = False
        self.inline = connection.in_atomic_block
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = 0.0

    def beat(self) -> bool:
        return bool(
            ImportLock.objects.filter(
                district_id=self.batch.district_id, batch_id=self.batch.pk
            ).update(heartbeat_at=timezone.now())
        )

    def __enter__(self) -> Heartbeat:
        if not self.inline:
            self._thread = threading.Thread(
                target=self._run, name=f"import-heartbeat-{self.batch.pk}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not self.beat():
                        self.lost = True
                        return
                except DatabaseError as exc:  # e.g. SQLite busy while the apply commits
                    logger.warning("import %s: heartbeat not written (%s)", self.batch.pk, exc)
        finally:
            connection.close()

    def check(self) -> None:
        if self.inline:
            now = timezone.now().timestamp()
            if now - self._last >= self.interval:
                self._last = now
                self.lost = self.lost or not self.beat()
        if self.lost:
            raise ImportLockLost


@dataclass
class SweepResult:
    abandoned: list[int] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)


def sweep_uploads(*, dry_run: bool = False) -> SweepResult:
    """Idempotent clean-up for cron: take over dead claims (their batches abandoned), delete
    every stored upload that no queued or running import holds, and Django's temporary uploads
    older than ``UPLOAD_TEMP_MAX_AGE_SECONDS``. A stored file younger than the heartbeat
    timeout is kept (its upload may be about to create its batch)."""
    result = SweepResult()
    now = timezone.now()
    for lock in ImportLock.objects.filter(dead_claims(now)).select_related("batch"):
        if dry_run:
            result.abandoned.append(lock.batch_id or 0)
            continue
        with transaction.atomic():
            taken = ImportLock.objects.filter(
                Q(district_id=lock.district_id, batch_id=lock.batch_id) & dead_claims(now)
            ).update(batch=None, claimed_at=None, heartbeat_at=None)
            if (
                taken
                and lock.batch_id
                and _abandon(
                    lock.batch_id,
                    now,
                    "Abandoned: the worker stopped without finishing; nothing was applied.",
                )
            ):
                result.abandoned.append(lock.batch_id)
    in_use: set[Path] = set()
    live = ImportBatch.objects.filter(status__in=ACTIVE).exclude(pk__in=result.abandoned)
    for paths in live.values_list("package_path", "staff_csv_path"):
        in_use.update(Path(p).resolve() for p in paths if p)
    for path in uploads.stored_files():
        if path.resolve() in in_use:
            continue
        if uploads.older_than(path, settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS):
            if not dry_run:
                path.unlink(missing_ok=True)
            result.files.append(path)
    if not dry_run:
        ImportBatch.objects.exclude(status__in=ACTIVE).filter(
            ~Q(package_path="") | ~Q(staff_csv_path="")
        ).update(package_path="", staff_csv_path="")
    result.temp_files = uploads.clean_temp_dir(dry_run=dry_run)
    return result
