"""Office hours: parsing, the page (role matrix, errors naming the day), and the one automatic
reply to a family's message outside them, in the app and by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.messaging import access
from chalkline.messaging.models import Message, Recipient, Thread
from chalkline.messaging.office_hours import OfficeHoursError, is_open, next_opening, parse_day
from chalkline.messaging.services import (
    answer_outside_hours,
    receive_email_reply,
    reply_in_thread,
    set_office_hours,
    start_thread,
)
from chalkline.messaging.tests.conftest import School, audit_actions, emailed
from chalkline.outbox.models import Delivery
from conftest import PERSONAS

WEEKDAYS = {"0": [["08:00", "15:30"]], "1": [["08:00", "15:30"]], "4": [["08:00", "12:00"]]}
STAFF = {
    "superintendent",
    "designee",
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "teacher_north",
    "teacher_south",
    "outsider",
}


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", []),
        ("8:00-15:30", [["08:00", "15:30"]]),
        ("13:00-15:30, 08:00 – 11:30", [["08:00", "11:30"], ["13:00", "15:30"]]),
    ],
)
def test_parse_day(text: str, parsed: list[list[str]]) -> None:
    assert parse_day("Monday", text) == parsed


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("8-15", "Monday: write hours as 08:00-15:30"),
        ("15:00-08:00", "Monday: 15:00-08:00 ends before it starts."),
        ("25:00-26:00", "is not a time of day"),
        ("08:00-12:00, 11:00-13:00", "Monday: the hours overlap."),
    ],
)
def test_bad_hours_name_the_day(text: str, error: str) -> None:
    with pytest.raises(OfficeHoursError, match=error):
        parse_day("Monday", text)


def test_open_and_next_opening() -> None:
    monday_9 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday
    assert is_open(WEEKDAYS, monday_9)
    friday_13 = datetime(2026, 12, 11, 13, 0, tzinfo=UTC)
    assert not is_open(WEEKDAYS, friday_13)
    assert next_opening(WEEKDAYS, friday_13) == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    assert next_opening({}, friday_13) is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_hours_role_matrix(client: Client, school: School, persona: str) -> None:
    client.force_login(school.world.users[persona])
    url = reverse("messaging:office_hours")
    expected = 200 if persona in STAFF else 403
    assert client.get(url).status_code == expected, persona
    posted = client.post(url, {"day0": "08:00-15:30"})
    assert posted.status_code == (302 if persona in STAFF else 403), persona


def test_the_page_saves_and_refuses_bad_input_naming_the_day(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    url = reverse("messaging:office_hours")
    bad = client.post(url, {"day0": "08:00-15:30", "day2": "late"})
    assert bad.status_code == 400
    assert "Wednesday: write hours as 08:00-15:30" in bad.content.decode()
    assert audit_actions(w).count("messaging.office_hours_set") == 0  # all or nothing
    assert client.post(url, {"day0": "8:00-15:30", "day4": "08:00-12:00"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'value="08:00-15:30"' in page and 'value="08:00-12:00"' in page
    assert audit_actions(w).count("messaging.office_hours_set") == 1


def _closed_now() -> dict[str, list[list[str]]]:
    """Hours only on a day that is not today (district time): closed now, whatever the date."""
    other = (timezone.localtime().weekday() + 3) % 7
    return {str(other): [["09:00", "10:00"]]}


def _family_thread(school: School) -> Thread:
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "family", str(w.student_north.pk))
    return start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Quiz",
        body="The quiz is on Friday.",
        idempotency_key="q1",
    ).thread


def test_one_automatic_reply_outside_hours_not_repeated(school: School) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    set_office_hours(user=teacher, district=w.district, hours=_closed_now(), by=teacher)
    thread = _family_thread(school)
    reply_in_thread(
        thread=thread, by=w.users["guardian_north"], body="Which pages?", idempotency_key="g1"
    )
    auto = Message.objects.filter(thread=thread, findings__automatic="office_hours")
    (one,) = auto
    assert one.sender == teacher
    assert one.body.startswith("Automatic reply: Tess Teacher is outside their office hours")
    assert "expect an answer from" in one.body
    assert Recipient.objects.filter(message=one, user=w.users["guardian_north"]).exists()
    reply_in_thread(
        thread=thread, by=w.users["guardian_north"], body="Also: calculators?", idempotency_key="g2"
    )
    assert auto.count() == 1  # not again within 12 hours
    # the teacher's own messages never trigger one
    reply_in_thread(thread=thread, by=teacher, body="Pages 4-9.", idempotency_key="t2")
    assert auto.count() == 1


def test_inside_hours_or_without_hours_nothing_is_sent(school: School) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    thread = _family_thread(school)
    message = reply_in_thread(
        thread=thread, by=w.users["guardian_north"], body="Hi", idempotency_key="g1"
    )
    assert not Message.objects.filter(findings__automatic="office_hours").exists()  # no hours
    set_office_hours(user=teacher, district=w.district, hours=WEEKDAYS, by=teacher)
    monday_9 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone())
    assert answer_outside_hours(message=message, now=monday_9) == []
    saturday = datetime(2026, 12, 12, 9, 0, tzinfo=timezone.get_current_timezone())
    (auto,) = answer_outside_hours(message=message, now=saturday)
    assert "Monday December 14 at 08:00" in auto.body


def test_an_email_reply_outside_hours_gets_the_automatic_reply_by_email(
    school: School, settings: Any
) -> None:
    settings.MESSAGING_REPLY_DOMAIN = "replies.prairie.example.org"
    w = school.world
    teacher = w.users["teacher_north"]
    set_office_hours(user=teacher, district=w.district, hours=_closed_now(), by=teacher)
    aud = access.resolve_audience(teacher, w.district, "family", str(school.classmate.pk))
    first = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Trip",
        body="The trip is on Friday.",
        idempotency_key="trip",
    )
    ada = Recipient.objects.get(message=first, person=school.classmate_guardian)
    receive_email_reply(
        recipient=ada, body="Thanks!", idempotency_key="mail-1", findings={}, from_matches=True
    )
    auto = emailed(Message.objects.get(findings__automatic="office_hours"))
    again = Recipient.objects.get(message=auto, person=school.classmate_guardian)
    assert Delivery.objects.filter(ref_type="messaging.recipient", ref_id=again.pk).exists()
