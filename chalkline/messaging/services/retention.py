"""Records retention and disposal of the hub's messages under the Local Records Act
(50 ILCS 205/7: no public record is disposed of without the Local Records Commission's written
approval). One function per business event, each audited in its transaction:

- the records officer enters an approved retention schedule item and each approved disposal
  certificate (with its scan, optional);
- legal holds are placed and released;
- ``dispose_records`` executes a certificate in ONE transaction: it writes a tombstone per
  eligible message, opens the disposal gate (``disposal_gate.py``), deletes the messages with
  their recipients and retractions (and the threads left empty), closes the gate and records one
  audit event carrying the SHA-256 of the tombstones.

Eligible: a message of the certificate's record series, sent within the dates the certificate
covers, older than the schedule's retention period, and on no active legal hold.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.attachments import blob_path, text_path
from chalkline.messaging.disposal_gate import PG_SETTING
from chalkline.messaging.models import (
    ALL_SERIES,
    Attachment,
    BlockedAttempt,
    DisposalCertificate,
    DisposalRun,
    LegalHold,
    Message,
    Recipient,
    RetentionSchedule,
    Thread,
    Tombstone,
    add_months,
)
from chalkline.messaging.services.sending import MessagingError
from chalkline.people.models import District, Person, User

MAX_CERTIFICATE_BYTES = 20 * 1024 * 1024
CERTIFICATE_TYPES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8",
}
#: Messages per disposal run: one run is one transaction; the command repeats runs until done.
DEFAULT_RUN_LIMIT = 5000
_CHUNK = 500


# --- reads ----------------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the installation's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def retention_cutoff(schedule: RetentionSchedule, *, now: datetime.datetime) -> datetime.datetime:
    """Messages sent before this moment are past the schedule's retention period."""
    local = timezone.localtime(now)
    day = add_months(local.date(), -schedule.retention_months)
    return local.replace(year=day.year, month=day.month, day=day.day)


def active_holds(district: District) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(district=district, released_at__isnull=True)


def held_messages(district: District) -> Q | None:
    """A filter matching every message an active legal hold keeps (None: no hold is on)."""
    holds = list(active_holds(district))
    if not holds:
        return None
    q = Q(pk__in=[])
    for hold in holds:
        if hold.scope == LegalHold.Scope.EVERYONE:
            return Q()
        if hold.scope == LegalHold.Scope.PERSON:
            q |= (
                Q(sender__person_id=hold.person_id)
                | Q(recipients__person_id=hold.person_id)
                | Q(recipients__user__person_id=hold.person_id)
                | Q(recipients__copy_of_student_id=hold.person_id)
            )
        elif hold.scope == LegalHold.Scope.THREAD:
            q |= Q(thread_id=hold.thread_id) | Q(thread__parent_id=hold.thread_id)
        elif hold.scope == LegalHold.Scope.DATES and hold.date_from and hold.date_to:
            q |= Q(
                sent_at__gte=_start_of(hold.date_from),
                sent_at__lt=_start_of(hold.date_to + datetime.timedelta(days=1)),
            )
    return q


def covered_messages(
    certificate: DisposalCertificate, *, now: datetime.datetime
) -> QuerySet[Message]:
    """Messages the certificate covers and the schedule no longer requires (holds ignored)."""
    schedule = certificate.schedule
    until = min(
        retention_cutoff(schedule, now=now),
        _start_of(certificate.covers_through + datetime.timedelta(days=1)),
    )
    qs = Message.objects.filter(thread__district_id=certificate.district_id, sent_at__lt=until)
    if certificate.covers_from is not None:
        qs = qs.filter(sent_at__gte=_start_of(certificate.covers_from))
    if schedule.series != ALL_SERIES:
        qs = qs.filter(thread__audience_kind=schedule.series)
    return qs


@dataclass(frozen=True)
class Eligibility:
    certificate: DisposalCertificate
    covered: int
    held: int

    @property
    def eligible(self) -> int:
        return self.covered - self.held


def _pointing_at_messages() -> list[Any]:
    """Every relation that points at a message, hidden ones (``related_name="+"``) included."""
    return [
        f
        for f in Message._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _cited_elsewhere() -> list[QuerySet[Any]]:
    """Messages another part of Chalkline holds a reference to (a case cites a message as
    evidence, issue 19): kept, like a legal hold, for as long as that record keeps them; the case
    has its own retention period and legal hold."""
    out: list[QuerySet[Any]] = []
    for rel in _pointing_at_messages():
        model = rel.related_model
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            continue
        if model._meta.app_label == Message._meta.app_label:
            continue
        if rel.many_to_many or not isinstance(rel.field, models.ForeignKey):
            continue
        out.append(model._base_manager.values(rel.field.attname))
    return out


def eligible_messages(
    certificate: DisposalCertificate, *, now: datetime.datetime | None = None
) -> QuerySet[Message]:
    now = now or timezone.now()
    qs = covered_messages(certificate, now=now)
    for cited in _cited_elsewhere():
        qs = qs.exclude(pk__in=cited)
    held = held_messages(certificate.district)
    if held is not None:
        qs = qs.exclude(pk__in=Message.objects.filter(held).values("pk"))
    return qs


def eligibility(
    certificate: DisposalCertificate, *, now: datetime.datetime | None = None
) -> Eligibility:
    now = now or timezone.now()
    covered = covered_messages(certificate, now=now).count()
    eligible = eligible_messages(certificate, now=now).count()
    return Eligibility(certificate, covered, covered - eligible)


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def add_retention_schedule(
    *,
    district: District,
    by: User,
    schedule_number: str,
    item_number: str,
    series: str,
    title: str,
    retention_months: int,
    approved_on: datetime.date,
    commission_reference: str,
) -> RetentionSchedule:
    if approved_on > timezone.localdate():
        raise MessagingError("Approval date: it cannot be in the future.")
    if RetentionSchedule.objects.filter(
        district=district, schedule_number=schedule_number, item_number=item_number
    ).exists():
        raise MessagingError(f"Item: schedule {schedule_number} already has an item {item_number}.")
    schedule = RetentionSchedule.objects.create(
        district=district,
        schedule_number=schedule_number,
        item_number=item_number,
        series=series,
        title=title,
        retention_months=retention_months,
        approved_on=approved_on,
        commission_reference=commission_reference,
        created_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.RETENTION_SCHEDULE_ADDED,
        target=schedule,
        after={
            "schedule": schedule_number,
            "item": item_number,
            "series": series,
            "retention_months": retention_months,
            "approved_on": approved_on.isoformat(),
        },
    )
    return schedule


def _check_certificate_file(upload: UploadedFile[Any]) -> str:
    if upload.size is None or upload.size > MAX_CERTIFICATE_BYTES:
        raise MessagingError("Certificate file: at most 20 MB.")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in CERTIFICATE_TYPES.values()):
        raise MessagingError("Certificate file: a PDF, PNG or JPEG scan of the certificate.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def add_disposal_certificate(
    *,
    district: District,
    by: User,
    schedule: RetentionSchedule,
    number: str,
    approved_on: datetime.date,
    covers_from: datetime.date | None,
    covers_through: datetime.date,
    description: str,
    upload: UploadedFile[Any] | None = None,
) -> DisposalCertificate:
    if schedule.district_id != district.pk:
        raise MessagingError("Schedule item: not one of this district's.")
    if approved_on > timezone.localdate():
        raise MessagingError("Approval date: it cannot be in the future.")
    if approved_on < schedule.approved_on:
        raise MessagingError("Approval date: before the schedule item itself was approved.")
    if covers_from is not None and covers_from > covers_through:
        raise MessagingError("Covers from: after the last date the certificate covers.")
    if DisposalCertificate.objects.filter(district=district, number=number).exists():
        raise MessagingError(f"Certificate number: {number} is already entered.")
    digest = _check_certificate_file(upload) if upload is not None else ""
    certificate = DisposalCertificate(
        district=district,
        schedule=schedule,
        number=number,
        approved_on=approved_on,
        covers_from=covers_from,
        covers_through=covers_through,
        description=description,
        file_sha256=digest,
        created_by=by,
    )
    if upload is not None:
        certificate.file.save(f"certificate-{district.pk}-{number}.pdf", upload, save=False)
    certificate.save()
    record_event(
        district=district,
        actor=by,
        action=Action.DISPOSAL_CERTIFICATE_ADDED,
        target=certificate,
        after={
            "number": number,
            "schedule": schedule.pk,
            "approved_on": approved_on.isoformat(),
            "covers_from": covers_from.isoformat() if covers_from else None,
            "covers_through": covers_through.isoformat(),
            "file_sha256": digest,
        },
    )
    return certificate


@transaction.atomic
def place_legal_hold(
    *,
    district: District,
    by: User,
    name: str,
    matter: str,
    scope: str,
    person: Person | None = None,
    thread: Thread | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> LegalHold:
    S = LegalHold.Scope
    if scope == S.PERSON and (person is None or person.district_id != district.pk):
        raise MessagingError("Person: name someone in this district's directory.")
    if scope == S.THREAD and (thread is None or thread.district_id != district.pk):
        raise MessagingError("Conversation: name a conversation of this district.")
    if scope == S.DATES and (date_from is None or date_to is None):
        raise MessagingError("Dates: a hold over a date range needs both dates.")
    if scope == S.DATES and date_from and date_to and date_from > date_to:
        raise MessagingError("Dates: the first date is after the last.")
    hold = LegalHold.objects.create(
        district=district,
        name=name,
        matter=matter,
        scope=scope,
        person=person if scope == S.PERSON else None,
        thread=thread if scope == S.THREAD else None,
        date_from=date_from if scope == S.DATES else None,
        date_to=date_to if scope == S.DATES else None,
        started_at=timezone.now(),
        started_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.LEGAL_HOLD_PLACED,
        target=hold,
        after={
            "scope": scope,
            "person": hold.person_id,
            "thread": hold.thread_id,
            "date_from": hold.date_from.isoformat() if hold.date_from else None,
            "date_to": hold.date_to.isoformat() if hold.date_to else None,
        },
    )
    return hold


@transaction.atomic
def release_legal_hold(*, hold: LegalHold, by: User, reason: str) -> LegalHold:
    if not reason.strip():
        raise MessagingError("Reason: say why the hold ends (e.g. the matter was settled).")
    claimed = LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
        released_at=timezone.now(), released_by=by, release_reason=reason.strip()
    )
    hold.refresh_from_db()
    if not claimed:
        return hold  # already released (a double submit): nothing more to record
    record_event(
        district=hold.district_id,
        actor=by,
        action=Action.LEGAL_HOLD_RELEASED,
        target=hold,
        after={"released_at": hold.released_at.isoformat() if hold.released_at else None},
    )
    return hold


def _gate(open_: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PG_SETTING, "on" if open_ else ""])


def _delete(table: str, column: str, ids: list[int]) -> int:
    n = 0
    with connection.cursor() as cursor:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608
            n += cursor.rowcount
    return n


def _delete_dependents(ids: list[int]) -> dict[str, int]:
    """Delete the rows of every table that points at the messages (recipients, retractions and
    whatever other parts of the hub add: attachments, review items…), and their files once the
    run commits. Rows of a dependent with append-only triggers of its own are refused unless its
    guard opens the same gate (``disposal_gate.py``): the run then fails whole, as it should."""
    removed: dict[str, int] = {}
    blobs = set(Attachment.objects.filter(message_id__in=ids).values_list("sha256", flat=True))
    for rel in _pointing_at_messages():
        if rel.many_to_many or not isinstance(rel.field, models.ForeignKey):
            continue
        model = rel.related_model
        assert isinstance(model, type) and issubclass(model, models.Model)  # noqa: S101
        if model._meta.app_label != Message._meta.app_label:
            continue  # cited elsewhere: never eligible (``_cited_elsewhere``)
        table, column = model._meta.db_table, rel.field.column
        if rel.on_delete is models.SET_NULL:
            # a record that only mentions the message (it outlives it): forget the link
            removed[table] = _set_null(table, column, ids)
            continue
        files = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if files:
            rows = model._base_manager.filter(**{f"{rel.field.attname}__in": ids})
            names = [name for row in rows.values_list(*files) for name in row if name]
            transaction.on_commit(partial(_delete_files, names), robust=True)
        removed[table] = _delete(table, column, ids)
    if blobs:
        transaction.on_commit(partial(_delete_unused_blobs, blobs), robust=True)
    return removed


def _delete_unused_blobs(shas: set[str]) -> None:
    """The disposed messages' attachment files (and their extracted text), unless another
    message still has the same file (files are stored once, by SHA-256)."""
    still = set(Attachment.objects.filter(sha256__in=shas).values_list("sha256", flat=True))
    for sha in shas - still:
        for path in (blob_path(sha), text_path(sha)):
            path.unlink(missing_ok=True)


def _set_null(table: str, column: str, ids: list[int]) -> int:
    n = 0
    with connection.cursor() as cursor:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({marks})",  # noqa: S608
                chunk,
            )
            n += cursor.rowcount
    return n


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _drop_empty_threads(thread_ids: set[int]) -> int:
    """Delete the threads the disposal left without messages, replies or blocked attempts
    (private replies first, then their parents); keep any other."""
    dropped = 0
    candidates = set(thread_ids)
    parents = set(
        Thread.objects.filter(pk__in=candidates, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    candidates |= {p for p in parents if p is not None}
    for _ in range(2):
        empty = list(
            Thread.objects.filter(
                pk__in=candidates, messages__isnull=True, private_replies__isnull=True
            )
            .exclude(pk__in=BlockedAttempt.objects.filter(thread__isnull=False).values("thread"))
            .exclude(pk__in=LegalHold.objects.filter(thread__isnull=False).values("thread"))
            .values_list("pk", flat=True)
        )
        for pk in empty:
            try:
                with transaction.atomic():
                    Thread.objects.filter(pk=pk).delete()
            except (ProtectedError, IntegrityError):
                continue  # another part of the hub still refers to it: keep the thread
            dropped += 1
    return dropped


def _tombstones_digest(rows: list[tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for message_id, sha in sorted(rows):
        digest.update(f"{message_id}:{sha}\n".encode())
    return digest.hexdigest()


def dispose_records(
    *,
    certificate: DisposalCertificate,
    by: User | None,
    idempotency_key: str,
    via: str = "web",
    limit: int = DEFAULT_RUN_LIMIT,
) -> DisposalRun | None:
    """Dispose of up to ``limit`` eligible messages under ``certificate`` in one transaction.

    Returns the run (the earlier one when ``idempotency_key`` was used already), or None when
    nothing is eligible. Two runs at once never dispose of a message twice: the certificate row
    is locked for the run, and a tombstone's message id is unique."""
    if limit < 1:
        raise MessagingError("Limit: at least one message per run.")
    try:
        with transaction.atomic():
            return _dispose(
                certificate=certificate,
                by=by,
                idempotency_key=idempotency_key,
                via=via,
                limit=limit,
            )
    except IntegrityError:
        earlier = DisposalRun.objects.filter(
            district_id=certificate.district_id, idempotency_key=idempotency_key
        ).first()
        if earlier is None:
            raise
        return earlier


def _dispose(
    *,
    certificate: DisposalCertificate,
    by: User | None,
    idempotency_key: str,
    via: str,
    limit: int,
) -> DisposalRun | None:
    # one run per certificate at a time (a second waits here, then finds what is left)
    certificate = (
        DisposalCertificate.objects.select_for_update()
        .select_related("schedule", "district")
        .get(pk=certificate.pk)
    )
    earlier = DisposalRun.objects.filter(
        district_id=certificate.district_id, idempotency_key=idempotency_key
    ).first()
    if earlier is not None:
        return earlier
    now = timezone.now()
    # a tombstoned message is already gone: no need to exclude tombstones here
    eligible = list(
        eligible_messages(certificate, now=now)
        .order_by("pk")
        .values_list("pk", "thread_id", "sha256", "sent_at")[:limit]
    )
    if not eligible:
        return None
    held = (
        eligibility(certificate, now=now).held if active_holds(certificate.district).exists() else 0
    )
    run = DisposalRun.objects.create(
        district_id=certificate.district_id,
        certificate=certificate,
        by=by,
        via=via,
        idempotency_key=idempotency_key,
        started_at=now,
        held=held,
    )
    Tombstone.objects.bulk_create(
        [
            Tombstone(
                district_id=certificate.district_id,
                run=run,
                certificate=certificate,
                message_id=pk,
                thread_id=thread_id,
                sha256=sha,
                sent_at=sent_at,
                disposed_at=now,
            )
            for pk, thread_id, sha, sent_at in eligible
        ],
        batch_size=1000,
    )
    ids = [row[0] for row in eligible]
    _gate(True)
    removed = _delete_dependents(ids)
    recipients = removed.get(Recipient._meta.db_table, 0)
    disposed = _delete("messaging_message", "id", ids)
    _gate(False)
    threads = _drop_empty_threads({row[1] for row in eligible})
    digest = _tombstones_digest([(row[0], row[2]) for row in eligible])
    run.state = DisposalRun.State.DONE
    run.finished_at = timezone.now()
    run.disposed = disposed
    run.recipients = recipients
    run.threads = threads
    run.tombstones_sha256 = digest
    run.save(
        update_fields=[
            "state",
            "finished_at",
            "disposed",
            "recipients",
            "threads",
            "tombstones_sha256",
        ]
    )
    after: dict[str, Any] = {
        "certificate": certificate.number,
        "schedule": certificate.schedule_id,
        "messages": disposed,
        "recipients": recipients,
        "threads": threads,
        "held": held,
        "first_message": ids[0],
        "last_message": ids[-1],
        "tombstones_sha256": digest,
        "via": via,
    }
    record_event(
        district=certificate.district_id,
        actor=by,
        action=Action.MESSAGES_DISPOSED,
        target=run,
        after=after,
    )
    return run
