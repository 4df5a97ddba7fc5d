"""The archive's write paths (issue 18, point 9): audited searches and reads by people who are
not in the thread, and exports (asked for, made in the background, downloaded), each audited in
its transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.archive import Criteria
from chalkline.messaging.models import ArchiveExport, ExportProfile, Thread
from chalkline.messaging.selectors import mine
from chalkline.messaging.services.sending import MessagingError
from chalkline.people.models import District, Person, User

log = logging.getLogger(__name__)


def record_archive_search(
    *, district: District, by: User, criteria: Criteria, page: int, shown: int
) -> None:
    """A search of the archive, with its criteria: always audited (the archive is everyone's)."""
    record_event(
        district=district,
        actor=by,
        action=Action.ARCHIVE_SEARCHED,
        after={"criteria": criteria.as_dict(), "page": page, "shown": shown},
    )


def _participant(thread: Thread, user: User) -> bool:
    if thread.started_by_id == user.pk:
        return True
    return thread.messages.filter(recipients__in=_mine_rows(user)).exists()


def _mine_rows(user: User) -> Any:
    from chalkline.messaging.models import Recipient

    return Recipient.objects.filter(mine(user)).values("pk")


def record_archive_read(*, thread: Thread, by: User) -> bool:
    """A thread opened from the archive: audited unless the reader takes part in it. Returns
    whether an event was written."""
    if _participant(thread, by):
        return False
    record_event(
        district=thread.district_id,
        actor=by,
        action=Action.ARCHIVE_THREAD_READ,
        target=thread,
        after={"messages": thread.messages.count()},
    )
    return True


@transaction.atomic
def request_archive_export(
    *,
    district: District,
    by: User,
    profile: str,
    criteria: Criteria,
    student: Person | None,
    reference: str,
    idempotency_key: str,
) -> ArchiveExport:
    """Ask for an export; it is made by a task after commit. The same key twice gives the same
    export (a double-clicked button)."""
    existing = ArchiveExport.objects.filter(requested_by=by, idempotency_key=idempotency_key)
    if (found := existing.first()) is not None:
        return found
    if profile not in ExportProfile.values:
        raise MessagingError(f"Profile: choose one of {', '.join(ExportProfile.values)}.")
    if profile == ExportProfile.PARENT:
        if student is None or student.district_id != district.pk:
            raise MessagingError("Student: a parent's request names the student.")
        if student.kind != Person.Kind.STUDENT:
            raise MessagingError("Student: the person named is not a student.")
    elif student is not None:
        student = None
    if criteria.date_from and criteria.date_to and criteria.date_from > criteria.date_to:
        raise MessagingError("Dates: the first day comes after the last.")
    try:
        with transaction.atomic():
            export = ArchiveExport.objects.create(
                district=district,
                requested_by=by,
                profile=profile,
                criteria=criteria.as_dict(),
                student=student,
                reference=reference.strip()[:100],
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        return ArchiveExport.objects.get(requested_by=by, idempotency_key=idempotency_key)
    record_event(
        district=district,
        actor=by,
        action=Action.ARCHIVE_EXPORT_REQUESTED,
        target=export,
        after={
            "profile": profile,
            "criteria": export.criteria,
            "student": student.pk if student else None,
            "reference": export.reference,
        },
    )
    from chalkline.messaging.archive_tasks import run_archive_export_task

    export_id = export.pk
    transaction.on_commit(lambda: run_archive_export_task.enqueue(export_id))
    return export


def run_archive_export(*, export_id: int) -> ArchiveExport | None:
    """Make the export's file. The row is claimed with a conditional UPDATE (queued -> running),
    so a second worker, or the same task run twice, does nothing. A failure marks the export
    failed (audited) with a message free of personal data."""
    claimed = ArchiveExport.objects.filter(pk=export_id, status=ArchiveExport.Status.QUEUED).update(
        status=ArchiveExport.Status.RUNNING
    )
    if not claimed:
        return None
    export = ArchiveExport.objects.select_related(
        "district", "requested_by__person", "student"
    ).get(pk=export_id)
    try:
        return _make(export)
    except Exception as exc:
        log.exception("archive export %s failed", export_id)
        with transaction.atomic():
            export.status = ArchiveExport.Status.FAILED
            export.error = f"The export could not be made ({type(exc).__name__})."
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "error", "finished_at"])
            record_event(
                district=export.district_id,
                actor=None,
                action=Action.ARCHIVE_EXPORT_FAILED,
                target=export,
                after={"error": type(exc).__name__},
            )
        return export


def _make(export: ArchiveExport) -> ArchiveExport:
    from chalkline.audit.selectors import current_head
    from chalkline.messaging.archive_export import make_export

    now = timezone.now()
    head = current_head(export.district_id)
    made = make_export(export, head_seq=head.seq, head_hash=head.hash, made_at=now)
    with transaction.atomic():
        export.file.save(export.filename, ContentFile(made.data), save=False)
        export.status = ArchiveExport.Status.READY
        export.message_count = made.count
        export.withheld_count = made.withheld
        export.sha256 = made.sha256
        export.size = len(made.data)
        export.finished_at = timezone.now()
        export.save(
            update_fields=[
                "file",
                "status",
                "message_count",
                "withheld_count",
                "sha256",
                "size",
                "finished_at",
            ]
        )
        record_event(
            district=export.district_id,
            actor=export.requested_by,
            action=Action.ARCHIVE_EXPORT_MADE,
            target=export,
            after={
                "profile": export.profile,
                "criteria": export.criteria,
                "student": export.student_id,
                "count": made.count,
                "withheld": made.withheld,
                "sha256": made.sha256,
                "bytes": len(made.data),
                "printed_head": {"seq": head.seq, "hash": head.hash},
            },
        )
    return export


@transaction.atomic
def record_export_download(*, export: ArchiveExport, by: User) -> None:
    record_event(
        district=export.district_id,
        actor=by,
        action=Action.ARCHIVE_EXPORT_DOWNLOADED,
        target=export,
        after={"sha256": export.sha256},
    )
