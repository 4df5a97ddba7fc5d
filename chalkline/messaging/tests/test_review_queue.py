"""The review queue: overrides and reports go to the building principal, then to the designee
after two school days (frozen clock); principal-sent messages and abuse-disclosure prompts go
to the designee only; outcomes are recorded once and audited; referral opens a case."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import Message, ReviewItem, Thread
from chalkline.messaging.services import (
    ReviewError,
    escalate_review_queue,
    record_review_outcome,
    report_message,
    update_quiet_hours,
)
from chalkline.messaging.tests.conftest import School
from conftest import PERSONAS

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
PERSONAL = "Text me at tess.home@gmail.com about the quiz."


def _override(client: Client, school: School, who: str = "teacher_north", key: str = "o-1") -> Any:
    client.force_login(school.world.users[who])
    return client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": PERSONAL,
            "reason": "My district phone is broken this week",
            "idempotency_key": key,
        },
    )


def test_an_override_goes_to_the_buildings_principal(client: Client, school: School) -> None:
    w = school.world
    assert _override(client, school).status_code == 302
    item = ReviewItem.objects.get()
    assert (item.kind, item.level, item.building_id) == ("override", "principal", w.north.pk)
    assert item.reason == "My district phone is broken this week"
    assert item.escalate_at is not None and not item.excluded_from_records
    assert AuditEvent.objects.filter(action="messaging.review_item_opened").count() == 1
    principal = Client()
    principal.force_login(w.users["principal_north"])
    queue = principal.get(reverse("messaging:review_queue"))
    assert queue.status_code == 200 and b"Quiz" in queue.content
    designee = Client()
    designee.force_login(w.users["designee"])
    assert b"Quiz" not in designee.get(reverse("messaging:review_queue")).content
    assert designee.get(reverse("messaging:review_item", args=[item.pk])).status_code == 404


def test_the_principal_records_a_coaching_note_once(client: Client, school: School) -> None:
    w = school.world
    _override(client, school)
    item = ReviewItem.objects.get()
    client.force_login(w.users["principal_north"])
    url = reverse("messaging:review_item", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200 and PERSONAL.encode() in page.content
    empty = client.post(url, {"outcome": "coaching", "note": "  "})
    assert empty.status_code == 400 and b"Coaching note: write the note" in empty.content
    assert client.post(url, {"outcome": "bogus"}).status_code == 400
    done = client.post(url, {"outcome": "coaching", "note": "Use the hub app on your phone."})
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.outcome, item.outcome_note) == (
        "resolved",
        "coaching",
        "Use the hub app on your phone.",
    )
    again = client.post(url, {"outcome": "no_action"})
    assert again.status_code == 400 and b"already reviewed" in again.content
    assert AuditEvent.objects.filter(action="messaging.review_outcome_recorded").count() == 1
    with pytest.raises(ReviewError, match="already reviewed"):
        record_review_outcome(item=item, by=w.users["designee"], outcome="no_action")


def test_a_principals_own_override_goes_to_the_designee(client: Client, school: School) -> None:
    assert _override(client, school, who="principal_north").status_code == 302
    item = ReviewItem.objects.get()
    assert item.level == "designee" and item.escalate_at is None
    client.force_login(school.world.users["principal_north"])
    assert client.get(reverse("messaging:review_item", args=[item.pk])).status_code == 404
    client.force_login(school.world.users["designee"])
    assert client.get(reverse("messaging:review_item", args=[item.pk])).status_code == 200


def test_an_abuse_prompt_goes_only_to_the_designee_flagged_out_of_records(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_students:{school.math.pk}",
            "subject": "Late",
            "body": "Please come on time.",
            "idempotency_key": "a-0",
        },
    )
    thread = Thread.objects.get()
    client.force_login(w.users["student_north"])
    text = "My stepdad hits me when I'm late."
    reply = client.post(
        reverse("messaging:reply", args=[thread.pk]), {"body": text, "idempotency_key": "a-1"}
    )
    assert reply.status_code == 302  # never blocked, never delayed
    item = ReviewItem.objects.get()
    assert (item.kind, item.level, item.excluded_from_records) == ("abuse", "designee", True)
    client.force_login(w.users["principal_north"])
    assert b"Late" not in client.get(reverse("messaging:review_queue")).content
    assert client.get(reverse("messaging:review_item", args=[item.pk])).status_code == 404
    client.force_login(w.users["designee"])
    page = client.get(reverse("messaging:review_item", args=[item.pk]))
    assert page.status_code == 200 and b"support the employee" in page.content


def _sent_to_family(school: School) -> Message:
    w = school.world
    c = Client()
    c.force_login(w.users["teacher_north"])
    c.post(
        reverse("messaging:compose"),
        {
            "audience": f"family:{w.student_north.pk}",
            "subject": "Homework",
            "body": "Maria did not hand in her homework.",
            "idempotency_key": "f-1",
        },
    )
    return Message.objects.get()


def test_a_recipient_reports_a_message_once_with_a_reason(client: Client, school: School) -> None:
    w = school.world
    message = _sent_to_family(school)
    url = reverse("messaging:report", args=[message.pk])
    client.force_login(w.users["guardian_north"])
    thread_page = client.get(reverse("messaging:thread", args=[message.thread_id]))
    assert url.encode() in thread_page.content
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 400 and b"Reason: say what is wrong" in empty.content
    long = client.post(url, {"reason": "x" * 501})
    assert long.status_code == 400 and b"at most 500 characters" in long.content
    assert not ReviewItem.objects.exists()
    assert client.post(url, {"reason": "This was harsh in front of others."}).status_code == 302
    assert client.post(url, {"reason": "This was harsh in front of others."}).status_code == 302
    item = ReviewItem.objects.get()
    assert (item.kind, item.level, item.reported_by) == (
        "report",
        "principal",
        w.users["guardian_north"],
    )
    assert AuditEvent.objects.filter(action="messaging.message_reported").count() == 1
    # the sender sees the message but may not report it; others do not see it
    client.force_login(w.users["teacher_north"])
    assert client.get(url).status_code == 403
    client.force_login(w.users["teacher_south"])
    assert client.get(url).status_code == 404


def test_escalation_after_two_school_days_with_a_frozen_clock(school: School) -> None:
    w = school.world
    update_quiet_hours(
        district=w.district,
        by=w.users["superintendent"],
        quiet_start=None,
        quiet_end=None,
        time_zone="America/Chicago",
        escalate_after_school_days=2,
        non_school_days=[datetime.date(2026, 12, 7)],  # Monday
    )
    message = _sent_to_family(school)
    friday = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=CHICAGO)
    item = report_message(message=message, by=w.users["guardian_north"], reason="Harsh", now=friday)
    # school days after Friday: not Saturday, Sunday or Monday (closed): Tuesday and Wednesday
    assert item.escalate_at == datetime.datetime(2026, 12, 10, 0, 0, tzinfo=CHICAGO)
    assert escalate_review_queue(now=item.escalate_at - datetime.timedelta(seconds=1)) == 0
    out = StringIO()
    call_command("escalate_review_queue", now=item.escalate_at.isoformat(), stdout=out)
    assert "Escalated 1 review items" in out.getvalue()
    assert escalate_review_queue(now=item.escalate_at + datetime.timedelta(days=3)) == 0
    item.refresh_from_db()
    assert item.level == "designee" and item.escalated_at == item.escalate_at
    assert AuditEvent.objects.filter(action="messaging.review_item_escalated").count() == 1
    c = Client()
    c.force_login(w.users["designee"])
    assert c.get(reverse("messaging:review_item", args=[item.pk])).status_code == 200
    c.force_login(w.users["principal_north"])
    assert c.get(reverse("messaging:review_item", args=[item.pk])).status_code == 404


def test_a_reviewed_item_is_not_escalated(school: School) -> None:
    w = school.world
    message = _sent_to_family(school)
    friday = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=CHICAGO)
    item = report_message(message=message, by=w.users["guardian_north"], reason="Harsh", now=friday)
    record_review_outcome(item=item, by=w.users["principal_north"], outcome="no_action")
    assert escalate_review_queue(now=friday + datetime.timedelta(days=30)) == 0


# the outsider is a superintendent in their own district: their own (empty) queue
REVIEWERS = {"superintendent", "designee", "principal_north", "outsider"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_review_role_matrix(client: Client, school: School, persona: str) -> None:
    w = school.world
    _override(Client(), school)
    override = ReviewItem.objects.get()
    c = Client()
    c.force_login(w.users["teacher_north"])
    c.post(
        reverse("messaging:compose"),
        {
            "audience": f"family:{w.student_north.pk}",
            "subject": "Homework",
            "body": "Maria did not hand in her homework.",
            "idempotency_key": "f-2",
        },
    )
    family_message = Message.objects.get(thread__subject="Homework")
    client.force_login(w.users[persona])
    queue = client.get(reverse("messaging:review_queue")).status_code
    assert queue == (200 if persona in REVIEWERS else 403), persona
    item = client.get(reverse("messaging:review_item", args=[override.pk])).status_code
    assert item == (200 if persona == "principal_north" else 404), persona
    post = client.post(
        reverse("messaging:review_item", args=[override.pk]), {"outcome": "no_action"}
    )
    assert post.status_code == (302 if persona == "principal_north" else 404), persona
    report = client.get(reverse("messaging:report", args=[family_message.pk])).status_code
    expected = {"guardian_north": 200, "teacher_north": 403}.get(persona, 404)
    assert report == expected, persona
    quiet = client.get(reverse("messaging:quiet_hours")).status_code
    assert quiet == (200 if persona in REVIEWERS else 403), persona


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, school: School) -> None:
    for url in (reverse("messaging:review_queue"), reverse("messaging:quiet_hours")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_posts_need_the_csrf_token(school: School) -> None:
    _override(Client(), school)
    item = ReviewItem.objects.get()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(school.world.users["principal_north"])
    url = reverse("messaging:review_item", args=[item.pk])
    assert strict.post(url, {"outcome": "no_action"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open"
