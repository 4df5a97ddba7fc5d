"""A class in North Elementary taught by the North teacher, with Maria Garcia (whose guardian is
Elena Garcia) and a second student whose guardian has no account."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest
from django.test import TestCase

from chalkline.messaging.models import Message, MessagingSettings
from chalkline.outbox.tests.conftest import mail_server  # noqa: F401  (a real SMTP server)
from chalkline.people.models import Enrollment, GuardianLink, Person, SchoolClass
from conftest import World, make_person

_n = iter(range(1, 10_000))


def committed() -> AbstractContextManager[list[Callable[[], object]]]:
    """Run what the block's transactions leave for after commit, as a real commit would: a
    send's e-mail task (messaging/tasks.py) and then the outbox's sending task, on the immediate
    backend. pytest-django wraps each test in a transaction that never commits, so without this
    neither runs."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def emailed(message: Message) -> Message:
    """Run the send's e-mail task for ``message``, as a database task worker does after the send
    commits (the e-mails are then queued in the outbox, not yet sent)."""
    from chalkline.messaging.tasks import email_message_task

    email_message_task.call(message.pk)
    return message


def enroll(cls: SchoolClass, person: Person, role: str) -> Enrollment:
    return Enrollment.objects.create(
        district=cls.district,
        school_class=cls,
        person=person,
        role=role,
        sourced_id=f"enr-{next(_n)}-{person.pk}-{cls.pk}",
    )


@dataclass
class School:
    world: World
    math: SchoolClass
    other_class: SchoolClass
    classmate: Person
    classmate_guardian: Person


@pytest.fixture
def school(world: World) -> School:
    teacher = world.users["teacher_north"].person
    assert teacher is not None
    # Math 4's fourth-graders are written to directly in these tests: the district lets staff
    # reach students from kindergarten (the default, grades 6-12, is tested in
    # test_reach_by_grade.py)
    MessagingSettings.objects.create(district=world.district, students_reachable_from_grade=0)
    math = SchoolClass.objects.create(
        district=world.district, building=world.north, sourced_id="cls-math", title="Math 4"
    )
    other = SchoolClass.objects.create(
        district=world.district, building=world.south, sourced_id="cls-art", title="Art 7"
    )
    enroll(math, teacher, "teacher")
    world.student_north.grade = "4"
    world.student_north.save(update_fields=["grade"])
    enroll(math, world.student_north, "student")
    classmate = make_person(
        world.district,
        kind=Person.Kind.STUDENT,
        building=world.north,
        given_name="Liam",
        family_name="Okafor",
        grade="4",
    )
    classmate_guardian = make_person(
        world.district, kind=Person.Kind.GUARDIAN, given_name="Ada", family_name="Okafor"
    )
    GuardianLink.objects.create(guardian=classmate_guardian, student=classmate)
    enroll(math, classmate, "student")
    south_teacher = world.users["teacher_south"].person
    assert south_teacher is not None
    enroll(other, south_teacher, "teacher")
    return School(world, math, other, classmate, classmate_guardian)


def audit_actions(world: World) -> list[str]:
    from chalkline.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(district_id=world.district.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
