"""Small makers for the retention and disposal tests: messages sent on a frozen clock, a
schedule item and a certificate entered through the services."""

from __future__ import annotations

import datetime
from unittest import mock

from chalkline.messaging import access
from chalkline.messaging.models import DisposalCertificate, Message, RetentionSchedule
from chalkline.messaging.services import (
    add_disposal_certificate,
    add_retention_schedule,
    reply_in_thread,
    start_thread,
)
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import User
from chalkline.people.roles import Role
from conftest import make_user

UTC = datetime.UTC


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 15, 0, tzinfo=UTC)


def send_family_message(
    school: School, when: datetime.datetime, body: str = "The quiz is on Friday."
) -> Message:
    """The North teacher writes to Maria Garcia's family at ``when`` (a frozen clock)."""
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "family", str(w.student_north.pk))
    with mock.patch("django.utils.timezone.now", return_value=when):
        return start_thread(
            district=w.district,
            by=teacher,
            kind=aud.kind,
            key=aud.key,
            audience_label=aud.label,
            subject="Quiz",
            body=body,
            idempotency_key=f"k-{when.isoformat()}-{body[:10]}",
        )


def reply_as_guardian(school: School, message: Message, when: datetime.datetime) -> Message:
    guardian = school.world.users["guardian_north"]
    with mock.patch("django.utils.timezone.now", return_value=when):
        return reply_in_thread(
            thread=message.thread,
            by=guardian,
            body="Thank you, we will practise.",
            idempotency_key=f"r-{when.isoformat()}",
        )


def records_officer(school: School) -> User:
    return make_user(school.world.district, Role.RECORDS_OFFICER, username="records")


def schedule_and_certificate(
    school: School,
    by: User,
    *,
    months: int = 60,
    series: str = "all",
    through: datetime.date = datetime.date(2020, 12, 31),
    number: str = "DC-2026-001",
    item: str = "3",
) -> DisposalCertificate:
    district = school.world.district
    schedule = RetentionSchedule.objects.filter(district=district, item_number=item).first()
    if schedule is None:
        schedule = add_retention_schedule(
            district=district,
            by=by,
            schedule_number="24-0117",
            item_number=item,
            series=series,
            title="Electronic correspondence with families",
            retention_months=months,
            approved_on=datetime.date(2024, 3, 5),
            commission_reference="Local Records Commission, meeting of 2024-03-05",
        )
    return add_disposal_certificate(
        district=district,
        by=by,
        schedule=schedule,
        number=number,
        approved_on=datetime.date(2026, 11, 3),
        covers_from=None,
        covers_through=through,
        description="Family correspondence sent through 2020",
    )
