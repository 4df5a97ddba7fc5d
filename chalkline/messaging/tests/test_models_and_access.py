"""Threads, append-only messages and the rules of who may write to whom."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from chalkline.audit.models import AuditEvent
from chalkline.messaging import access
from chalkline.messaging.models import (
    AudienceKind,
    Message,
    MessageImmutable,
    Recipient,
    Retraction,
)
from chalkline.messaging.services import (
    body_digest,
    reply_in_thread,
    retract_message,
    start_thread,
)
from chalkline.messaging.tests.conftest import School


def _send(school: School, kind: str = AudienceKind.CLASS_FAMILIES, key: str = "", **kw: str):
    w = school.world
    teacher = w.users["teacher_north"]
    key = key or str(school.math.pk)
    aud = access.resolve_audience(teacher, w.district, kind, key)
    return start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject=kw.get("subject", "Field trip"),
        body=kw.get("body", "The field trip is on Friday."),
        idempotency_key=kw.get("idem", "k1"),
    )


def test_class_families_are_resolved_from_the_directory(school: School) -> None:
    message = _send(school)
    people = set(Recipient.objects.filter(message=message).values_list("person_id", "status"))
    assert people == {
        (school.world.guardian_north.pk, "sent"),  # has an account: in the inbox
        (school.classmate_guardian.pk, "queued"),  # no account yet
    }
    event = AuditEvent.objects.get(action="messaging.message_sent")
    assert event.after_data["sha256"] == body_digest("The field trip is on Friday.")
    assert event.after_data["recipients"] == 2


def test_a_message_is_never_edited_nor_deleted(school: School) -> None:
    message = _send(school)
    message.body = "changed"
    with pytest.raises(MessageImmutable):
        message.save()
    with pytest.raises(MessageImmutable):
        Message.objects.filter(pk=message.pk).update(body="changed")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE messaging_message SET body = 'x' WHERE id = %s", [message.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_message WHERE id = %s", [message.pk])


def test_the_same_idempotency_key_makes_one_message(school: School) -> None:
    first = _send(school)
    second = _send(school)
    assert first.pk == second.pk
    assert Message.objects.count() == 1


def test_a_retraction_is_its_own_record_and_only_the_sender_makes_it(school: School) -> None:
    message = _send(school)
    w = school.world
    with pytest.raises(ValueError, match="Only the sender"):
        retract_message(message=message, by=w.users["guardian_north"])
    retract_message(message=message, by=w.users["teacher_north"], reason="wrong date")
    assert Retraction.objects.get(message=message).reason == "wrong date"
    assert Message.objects.get(pk=message.pk).body == "The field trip is on Friday."
    assert AuditEvent.objects.filter(action="messaging.message_retracted").count() == 1


def test_teacher_reaches_own_class_only(school: School) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    with pytest.raises(PermissionDenied):
        access.resolve_audience(teacher, w.district, "class_families", str(school.other_class.pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(teacher, w.district, "building_families", str(w.north.pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(teacher, w.district, "district", "")
    assert access.resolve_audience(teacher, w.district, "family", str(w.student_north.pk))


def test_principal_reaches_own_building_superintendent_the_district(school: School) -> None:
    w = school.world
    principal = w.users["principal_north"]
    assert access.resolve_audience(principal, w.district, "building_staff", str(w.north.pk))
    assert access.resolve_audience(principal, w.district, "class_students", str(school.math.pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(principal, w.district, "building_families", str(w.south.pk))
    sup = w.users["superintendent"]
    assert access.resolve_audience(sup, w.district, "district", "")
    assert access.resolve_audience(sup, w.district, "building_families", str(w.south.pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(w.users["outsider"], w.district, "district", "")


def test_guardian_writes_to_the_childs_teacher_student_only_replies(school: School) -> None:
    w = school.world
    guardian = w.users["guardian_north"]
    teacher = w.users["teacher_north"]
    assert access.resolve_audience(guardian, w.district, "direct", str(teacher.pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(guardian, w.district, "direct", str(w.users["teacher_south"].pk))
    with pytest.raises(PermissionDenied):
        access.resolve_audience(guardian, w.district, "class_families", str(school.math.pk))
    assert not access.may_compose(w.users["student_north"], w.district)


def test_reply_to_a_class_wide_message_goes_privately_to_its_sender(school: School) -> None:
    w = school.world
    first = _send(school)
    reply = reply_in_thread(
        thread=first.thread, by=w.users["guardian_north"], body="Thanks!", idempotency_key="r1"
    )
    assert reply.thread != first.thread
    assert reply.thread.parent == first.thread
    got = list(Recipient.objects.filter(message=reply).values_list("user_id", flat=True))
    assert got == [w.users["teacher_north"].pk]  # not the other family
    # the teacher's answer in the private thread reaches only that guardian
    answer = reply_in_thread(
        thread=reply.thread, by=w.users["teacher_north"], body="You're welcome", idempotency_key="a"
    )
    assert list(Recipient.objects.filter(message=answer).values_list("person_id", flat=True)) == [
        w.guardian_north.pk
    ]


def test_class_students_message_is_copied_to_young_students_guardians(school: School) -> None:
    w = school.world
    message = _send(school, kind=AudienceKind.CLASS_STUDENTS)
    rows = Recipient.objects.filter(message=message)
    assert rows.filter(person=w.student_north).exists()
    copy = rows.get(person=w.guardian_north)
    assert copy.copy_of_student == w.student_north
    visible = access.threads_visible_to(w.users["guardian_north"], w.district)
    assert message.thread in visible
