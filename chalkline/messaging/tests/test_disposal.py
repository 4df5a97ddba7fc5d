"""Disposal under a certificate: what is eligible, one audited step that deletes the messages
despite the append-only triggers, the tombstones it leaves, and what ordinary code still cannot
do (SQLite here; the PostgreSQL twins are in test_disposal_postgresql.py)."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from chalkline.audit.models import AuditEvent
from chalkline.audit.services import verify_chain
from chalkline.messaging.models import (
    DisposalRun,
    LegalHold,
    Message,
    MessageImmutable,
    Recipient,
    Retraction,
    Thread,
    Tombstone,
)
from chalkline.messaging.services import (
    MessagingError,
    dispose_records,
    eligibility,
    place_legal_hold,
    release_legal_hold,
    retract_message,
    start_thread,
)
from chalkline.messaging.tests.conftest import School
from chalkline.messaging.tests.retention_helpers import (
    at,
    records_officer,
    reply_as_guardian,
    schedule_and_certificate,
    send_family_message,
)

NOW = at(2026, 12, 6)


def _frozen() -> mock._patch[mock.MagicMock]:
    return mock.patch("django.utils.timezone.now", return_value=NOW)


def test_eligible_means_past_retention_covered_and_not_held(school: School) -> None:
    officer = records_officer(school)
    old = send_family_message(school, at(2019, 5, 1), "An old note")
    reply_as_guardian(school, old, at(2019, 5, 2))
    send_family_message(school, at(2021, 1, 5), "After the certificate's dates")
    send_family_message(school, at(2024, 1, 5), "Too young for the schedule")
    certificate = schedule_and_certificate(school, officer, months=60)
    with _frozen():
        found = eligibility(certificate)
    assert (found.covered, found.held, found.eligible) == (2, 0, 2)
    # a schedule of 8 years: nothing from 2019 is past it in 2026
    longer = schedule_and_certificate(school, officer, months=96, number="DC-2", item="4")
    with _frozen():
        assert eligibility(longer).covered == 0


def test_disposal_deletes_messages_and_leaves_tombstones_and_one_audit_event(
    school: School,
) -> None:
    officer = records_officer(school)
    old = send_family_message(school, at(2019, 5, 1), "An old note")
    reply = reply_as_guardian(school, old, at(2019, 5, 2))
    retract_message(message=reply, by=school.world.users["guardian_north"], reason="typo")
    young = send_family_message(school, at(2024, 1, 5), "Too young")
    certificate = schedule_and_certificate(school, officer)
    with _frozen():
        run = dispose_records(certificate=certificate, by=officer, idempotency_key="run-1")
    assert run is not None and run.state == DisposalRun.State.DONE
    assert (run.disposed, run.threads) == (2, 1)
    assert run.recipients >= 2
    assert not Message.objects.filter(pk__in=[old.pk, reply.pk]).exists()
    assert not Recipient.objects.filter(message_id__in=[old.pk, reply.pk]).exists()
    assert not Retraction.objects.exists()
    assert not Thread.objects.filter(pk=old.thread_id).exists()
    assert Message.objects.filter(pk=young.pk).exists()
    stones = {t.message_id: t for t in Tombstone.objects.all()}
    assert set(stones) == {old.pk, reply.pk}
    assert stones[old.pk].sha256 == old.sha256
    assert stones[old.pk].thread_id == old.thread_id
    assert stones[old.pk].certificate_id == certificate.pk
    event = AuditEvent.objects.get(action="messaging.messages_disposed")
    after = json.loads(event.after)
    assert after["messages"] == 2 and after["certificate"] == "DC-2026-001"
    assert after["tombstones_sha256"] == run.tombstones_sha256
    # the messages' own audit events stay, holding hashes, never bodies
    sent = AuditEvent.objects.filter(action="messaging.message_sent", target_id=str(old.pk))
    assert sent.count() == 1
    assert old.sha256 in sent[0].after and "old note" not in sent[0].after
    assert not AuditEvent.objects.filter(after__contains="old note").exists()
    assert verify_chain(school.world.district.pk).ok


def test_a_double_submit_returns_the_same_run(school: School) -> None:
    officer = records_officer(school)
    send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    with _frozen():
        first = dispose_records(certificate=certificate, by=officer, idempotency_key="k")
        again = dispose_records(certificate=certificate, by=officer, idempotency_key="k")
        other = dispose_records(certificate=certificate, by=officer, idempotency_key="k2")
    assert first is not None and again == first
    assert other is None  # nothing left to dispose of
    assert DisposalRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="messaging.messages_disposed").count() == 1


@pytest.mark.parametrize("scope", ["person", "thread", "dates", "everyone"])
def test_a_legal_hold_keeps_messages_until_released(school: School, scope: str) -> None:
    officer = records_officer(school)
    old = send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    kwargs: dict[str, object] = {
        "person": school.world.guardian_north,
        "thread": old.thread,
        "date_from": datetime.date(2019, 4, 1),
        "date_to": datetime.date(2019, 5, 1),
    }
    hold = place_legal_hold(
        district=school.world.district,
        by=officer,
        name="Doe v. District",
        matter="Litigation hold letter of 2026-11-20",
        scope=scope,
        **kwargs,  # type: ignore[arg-type]
    )
    with _frozen():
        found = eligibility(certificate)
        assert (found.covered, found.held, found.eligible) == (1, 1, 0)
        assert dispose_records(certificate=certificate, by=officer, idempotency_key="a") is None
    assert Message.objects.filter(pk=old.pk).exists()
    release_legal_hold(hold=hold, by=officer, reason="Settled.")
    release_legal_hold(hold=hold, by=officer, reason="Settled.")  # a double submit
    assert AuditEvent.objects.filter(action="messaging.legal_hold_released").count() == 1
    with _frozen():
        run = dispose_records(certificate=certificate, by=officer, idempotency_key="b")
    assert run is not None and run.disposed == 1


def test_a_hold_on_another_person_keeps_nothing(school: School) -> None:
    officer = records_officer(school)
    send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    place_legal_hold(
        district=school.world.district,
        by=officer,
        name="Other matter",
        matter="Someone else",
        scope=LegalHold.Scope.PERSON,
        person=school.classmate_guardian,
    )
    with _frozen():
        assert eligibility(certificate).eligible == 1


def test_ordinary_code_cannot_delete_a_message(school: School) -> None:
    message = send_family_message(school, at(2019, 5, 1))
    with pytest.raises(MessageImmutable):
        Message.objects.filter(pk=message.pk).delete()
    Recipient.objects.filter(message=message).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_message WHERE id = %s", [message.pk])
    assert Message.objects.filter(pk=message.pk).exists()


def test_a_tombstone_without_a_running_run_opens_nothing(school: School) -> None:
    officer = records_officer(school)
    message = send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    # a finished run and a tombstone forged for a live message: the gate stays shut
    run = DisposalRun.objects.create(
        district=school.world.district,
        certificate=certificate,
        idempotency_key="forged",
        state=DisposalRun.State.DONE,
        started_at=NOW,
    )
    Tombstone.objects.create(
        district=school.world.district,
        run=run,
        certificate=certificate,
        message_id=message.pk,
        thread_id=message.thread_id,
        sha256=message.sha256,
        sent_at=message.sent_at,
        disposed_at=NOW,
    )
    Recipient.objects.filter(message=message).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_message WHERE id = %s", [message.pk])
    # a finished run is final, and tombstones are append-only
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE messaging_disposalrun SET state = 'running' WHERE id = %s", [run.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_tombstone")
    with pytest.raises(MessageImmutable):
        Tombstone.objects.all().delete()


def test_dispose_records_command_is_idempotent_on_a_frozen_clock(school: School) -> None:
    officer = records_officer(school)
    for day in (1, 2, 3):
        send_family_message(school, at(2019, 5, day), f"Note {day}")
    schedule_and_certificate(school, officer)
    slug = school.world.district.slug
    out = io.StringIO()
    with _frozen():
        call_command(
            "dispose_records",
            "--district",
            slug,
            "--certificate",
            "DC-2026-001",
            "--dry-run",
            stdout=out,
        )
    assert "Would dispose of 3 messages" in out.getvalue()
    assert Message.objects.count() == 3
    out = io.StringIO()
    with _frozen():
        call_command(
            "dispose_records",
            "--district",
            slug,
            "--certificate",
            "DC-2026-001",
            "--batch",
            "2",
            stdout=out,
        )
    assert "Disposed of 3 messages in 2 runs" in out.getvalue()
    assert Tombstone.objects.count() == 3 and Message.objects.count() == 0
    out = io.StringIO()
    with _frozen():
        call_command(
            "dispose_records", "--district", slug, "--certificate", "DC-2026-001", stdout=out
        )
    assert "Disposed of 0 messages in 0 runs" in out.getvalue()
    assert DisposalRun.objects.filter(via="command").count() == 2
    assert verify_chain(school.world.district.pk).ok
    out = io.StringIO()
    call_command("audit", "verify", "--district", slug, stdout=out)
    assert "OK" in out.getvalue()


@pytest.mark.django_db
def test_demo_records_enters_a_schedule_a_certificate_and_a_hold_once() -> None:
    call_command(
        "demo_data", "--buildings", "2", "--staff", "20", "--students", "10", "--seed", "2"
    )
    out = io.StringIO()
    call_command("demo_records", stdout=out)
    assert "3 demo retention records" in out.getvalue()
    out = io.StringIO()
    call_command("demo_records", stdout=out)
    assert "0 demo retention records" in out.getvalue()
    assert LegalHold.objects.filter(released_at__isnull=True).count() == 1


def test_a_certificate_never_reaches_another_districts_messages(school: School) -> None:
    officer = records_officer(school)
    w = school.world
    outsider = w.users["outsider"]
    with mock.patch("django.utils.timezone.now", return_value=at(2019, 5, 1)):
        theirs = start_thread(
            district=w.other_district,
            by=outsider,
            kind="district",
            key="",
            audience_label="Elsewhere SD 9: everyone",
            subject="Closing",
            body="School is closed today.",
            idempotency_key="elsewhere-1",
        )
    ours = send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    with _frozen():
        run = dispose_records(certificate=certificate, by=officer, idempotency_key="x")
    assert run is not None and run.disposed == 1
    assert not Message.objects.filter(pk=ours.pk).exists()
    assert Message.objects.filter(pk=theirs.pk).exists()


def test_a_hold_names_someone_or_something_of_the_district(school: School) -> None:
    officer = records_officer(school)
    w = school.world
    with pytest.raises(MessagingError, match="Person"):
        place_legal_hold(
            district=w.district,
            by=officer,
            name="H",
            matter="M",
            scope=LegalHold.Scope.PERSON,
            person=w.staff_elsewhere,
        )
    with pytest.raises(MessagingError, match="Dates"):
        place_legal_hold(
            district=w.district,
            by=officer,
            name="H",
            matter="M",
            scope=LegalHold.Scope.DATES,
            date_from=datetime.date(2020, 2, 1),
            date_to=datetime.date(2020, 1, 1),
        )
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(action="messaging.legal_hold_placed").exists()


def test_disposal_takes_the_attachments_files_and_urgent_marks_with_the_message(
    school: School, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Attachments and urgent marks are append-only too; the run deletes them through the same
    gate, and a file goes from disk unless another message still has it."""
    from chalkline.messaging import access
    from chalkline.messaging.attachments import accept, blob_path
    from chalkline.messaging.models import Attachment, UrgentMark
    from chalkline.messaging.services.attachments import PendingFile

    settings.MESSAGING_ATTACHMENT_DIR = str(tmp_path)
    w = school.world
    principal = w.users["principal_north"]
    aud = access.resolve_audience(principal, w.district, "family", str(w.student_north.pk))

    def send(when: datetime.datetime, body: str, data: bytes, urgent: str = "") -> Message:
        with mock.patch("django.utils.timezone.now", return_value=when):
            return start_thread(
                district=w.district,
                by=principal,
                kind=aud.kind,
                key=aud.key,
                audience_label=aud.label,
                subject="Notes",
                body=body,
                idempotency_key=f"att-{body}",
                attachments=(PendingFile(accept(data, "notes.txt")),),
                urgent_reason=urgent,
            )

    shared = b"The field trip form, shared by two messages.\n"
    old = send(at(2019, 5, 1), "old", shared, urgent="Bus cancelled")
    only_old = send(at(2019, 5, 3), "old-2", b"Only the old message has this file.\n")
    young = send(at(2024, 1, 5), "young", shared)
    shas = {a.message_id: a.sha256 for a in Attachment.objects.all()}
    assert UrgentMark.objects.filter(message=old).exists()
    # ordinary code still cannot delete them
    with pytest.raises((MessageImmutable, IntegrityError)), transaction.atomic():
        Attachment.objects.filter(message=old).delete()
    certificate = schedule_and_certificate(school, records_officer(school))
    with _frozen(), django_capture_on_commit_callbacks(execute=True):
        run = dispose_records(certificate=certificate, by=None, idempotency_key="att-run")
    assert run is not None and run.disposed == 2
    assert not Attachment.objects.filter(message_id__in=[old.pk, only_old.pk]).exists()
    assert not UrgentMark.objects.filter(message_id=old.pk).exists()
    assert Attachment.objects.filter(message=young).exists()
    assert blob_path(shas[young.pk]).exists()  # still the young message's file
    assert not blob_path(shas[only_old.pk]).exists()
