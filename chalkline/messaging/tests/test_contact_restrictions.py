"""A guardian under a contact restriction receives nothing about that student, in every audience,
and cannot start a conversation about them; the restrictions pages are confidential."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.messaging import access
from chalkline.messaging.models import ContactRestriction, MessagingSettings, Recipient
from chalkline.messaging.selectors import Addressee, audience_addressees, reply_addressees
from chalkline.messaging.services import (
    end_contact_restriction,
    record_contact_restriction,
    start_thread,
)
from chalkline.messaging.tests.conftest import School, enroll
from chalkline.people.models import GuardianLink, Person
from conftest import make_person


def _restrict(school: School, *, starts: date | None = None) -> ContactRestriction:
    w = school.world
    return record_contact_restriction(
        district=w.district,
        guardian=w.guardian_north,
        student=w.student_north,
        kind="court_order",
        reference="2026-OP-123",
        starts_on=starts or timezone.localdate(),
        ends_on=None,
        note="Order of protection",
        by=w.users["principal_north"],
    )


def _people(addressees: list[Addressee]) -> set[int]:
    return {a.person.pk for a in addressees if a.person is not None}


def _reach(school: School, kind: str, key: str) -> set[int]:
    w = school.world
    return _people(audience_addressees(w.district, kind, key, sender=w.users["superintendent"]))


AUDIENCES = ["family", "class_families", "building_families", "district"]


def _key(school: School, kind: str) -> str:
    w = school.world
    return {
        "family": str(w.student_north.pk),
        "class_families": str(school.math.pk),
        "building_families": str(w.north.pk),
        "district": "",
    }[kind]


@pytest.mark.parametrize("kind", AUDIENCES)
def test_every_family_audience_drops_the_restricted_guardian(school: School, kind: str) -> None:
    elena = school.world.guardian_north.pk
    assert elena in _reach(school, kind, _key(school, kind))
    _restrict(school)
    reached = _reach(school, kind, _key(school, kind))
    assert elena not in reached
    if kind != "family":
        assert school.classmate_guardian.pk in reached


def test_class_students_messages_copy_no_restricted_guardian(school: School) -> None:
    w = school.world
    kind, key = "class_students", str(school.math.pk)
    before = audience_addressees(w.district, kind, key, sender=w.users["teacher_north"])
    assert any(a.copy_of_student and a.person == w.guardian_north for a in before)
    _restrict(school)
    after = audience_addressees(w.district, kind, key, sender=w.users["teacher_north"])
    assert w.guardian_north.pk not in _people(after)
    assert w.student_north.pk in _people(after)  # the student is still reached


def test_a_staff_student_conversation_copies_no_restricted_guardian(school: School) -> None:
    w = school.world
    MessagingSettings.objects.update_or_create(
        district=w.district, defaults={"students_may_start": True}
    )
    teacher = w.users["teacher_north"]
    _restrict(school)
    reached = audience_addressees(
        w.district, "direct", str(teacher.pk), sender=w.users["student_north"]
    )
    assert _people(reached) == {teacher.person_id}


def test_a_guardian_with_another_child_in_the_class_still_hears_about_the_class(
    school: School,
) -> None:
    w = school.world
    GuardianLink.objects.create(guardian=w.guardian_north, student=school.classmate)
    _restrict(school)
    assert w.guardian_north.pk in _reach(school, "class_families", str(school.math.pk))
    assert w.guardian_north.pk not in _reach(school, "family", str(w.student_north.pk))


def test_replies_in_an_existing_thread_leave_the_restricted_guardian_out(
    school: School, client: Client
) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    message = start_thread(
        district=w.district,
        by=teacher,
        kind="family",
        key=str(w.student_north.pk),
        audience_label="The family of Maria Garcia",
        subject="Field trip",
        body="The bus leaves at nine.",
        idempotency_key="t1",
    )
    assert w.guardian_north.pk in _people(reply_addressees(message.thread, teacher))
    _restrict(school)
    assert w.guardian_north.pk not in _people(reply_addressees(message.thread, teacher))
    client.force_login(teacher)
    client.post(
        reverse("messaging:reply", args=[message.thread.pk]),
        {"body": "Bring a lunch.", "idempotency_key": "r1"},
    )
    latest = message.thread.messages.order_by("-pk").first()
    assert latest is not None and latest.pk != message.pk
    assert not Recipient.objects.filter(message=latest, person=w.guardian_north).exists()


def test_a_class_message_sent_over_http_skips_the_restricted_guardian(
    school: School, client: Client
) -> None:
    w = school.world
    _restrict(school)
    client.force_login(w.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": "The quiz is on Friday.",
            "idempotency_key": "q1",
        },
    )
    assert response.status_code == 302
    people = set(Recipient.objects.values_list("person_id", flat=True))
    assert people == {school.classmate_guardian.pk}


def test_a_restricted_guardian_cannot_start_a_thread_about_that_student(
    school: School, client: Client
) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    guardian = w.users["guardian_north"]
    assert access.resolve_audience(guardian, w.district, "direct", str(teacher.pk))
    _restrict(school)
    with pytest.raises(PermissionDenied):
        access.resolve_audience(guardian, w.district, "direct", str(teacher.pk))
    client.force_login(guardian)
    response = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"direct:{teacher.pk}",
            "subject": "Hello",
            "body": "About Maria",
            "idempotency_key": "g1",
        },
    )
    assert response.status_code == 403


def test_an_ended_or_future_restriction_does_not_apply(school: School) -> None:
    w = school.world
    future = _restrict(school, starts=timezone.localdate() + timedelta(days=3))
    assert w.guardian_north.pk in _reach(school, "family", str(w.student_north.pk))
    end_contact_restriction(restriction=future, by=w.users["principal_north"])
    now_in_force = _restrict(school)
    assert w.guardian_north.pk not in _reach(school, "family", str(w.student_north.pk))
    assert end_contact_restriction(restriction=now_in_force, by=w.users["superintendent"])
    assert not end_contact_restriction(restriction=now_in_force, by=w.users["superintendent"])
    assert w.guardian_north.pk in _reach(school, "family", str(w.student_north.pk))
    assert AuditEvent.objects.filter(action="messaging.contact_restriction_ended").count() == 2


def test_the_principal_records_and_ends_a_restriction_on_the_page(
    school: School, client: Client
) -> None:
    w = school.world
    client.force_login(w.users["principal_north"])
    url = reverse("messaging:restrictions_student", args=[w.student_north.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "guardian": str(w.guardian_north.pk),
            "kind": "no_contact",
            "reference": "NC-77",
            "starts_on": today.isoformat(),
            "ends_on": "",
            "note": "Until further notice",
        },
    )
    assert response.status_code == 302
    restriction = ContactRestriction.objects.get()
    event = AuditEvent.objects.get(action="messaging.contact_restriction_recorded")
    assert "NC-77" not in event.after and "further notice" not in event.after  # confidential
    listing = client.get(reverse("messaging:restrictions")).content.decode()
    assert "NC-77" in listing and "Maria Garcia" in listing
    found = client.get(reverse("messaging:restrictions"), {"q": "Garcia"}).content.decode()
    assert url in found
    ended = client.post(reverse("messaging:restriction_end", args=[restriction.pk]))
    assert ended.status_code == 302
    restriction.refresh_from_db()
    assert restriction.ended_at is not None


def test_bad_restriction_input_names_the_field_and_records_nothing(
    school: School, client: Client
) -> None:
    w = school.world
    stranger = make_person(w.district, kind=Person.Kind.GUARDIAN)
    client.force_login(w.users["principal_north"])
    url = reverse("messaging:restrictions_student", args=[w.student_north.pk])
    today = timezone.localdate()
    backwards = client.post(
        url,
        {
            "guardian": str(w.guardian_north.pk),
            "kind": "court_order",
            "reference": "X",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert backwards.status_code == 400
    assert b"cannot end before it starts" in backwards.content
    unlinked = client.post(
        url,
        {
            "guardian": str(stranger.pk),
            "kind": "court_order",
            "reference": "X",
            "starts_on": today.isoformat(),
        },
    )
    assert unlinked.status_code == 400 and b"Select a valid choice" in unlinked.content
    no_reference = client.post(
        url, {"guardian": str(w.guardian_north.pk), "kind": "court_order", "starts_on": "x"}
    )
    assert no_reference.status_code == 400
    assert b"Reference" in no_reference.content and b"Enter a valid date" in no_reference.content
    assert not ContactRestriction.objects.exists()


def test_restrictions_are_confidential(school: School, client: Client) -> None:
    w = school.world
    _restrict(school)
    south_student = make_person(w.district, kind=Person.Kind.STUDENT, building=w.south)
    enroll(school.other_class, south_student, "student")
    client.force_login(w.users["principal_north"])
    other = client.get(reverse("messaging:restrictions_student", args=[south_student.pk]))
    assert other.status_code == 404
    for persona in ("teacher_north", "guardian_north", "hr"):
        client.force_login(w.users[persona])
        assert client.get(reverse("messaging:restrictions")).status_code == 403
