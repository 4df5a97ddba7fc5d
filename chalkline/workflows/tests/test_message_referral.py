"""Referral from the messaging review queue opens a case carrying the message: cited by
reference with its SHA-256, re-checked every time the case page opens (issue 19, point 4)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.cases.models import Case
from chalkline.lib.appendonly import guards_suspended
from chalkline.messaging.models import Message, ReviewItem
from chalkline.messaging.tests.conftest import School
from chalkline.workflows.models import CaseMessageCitation

PERSONAL = "Text me at tess.home@gmail.com about the quiz."


def _override(school: School) -> ReviewItem:
    c = Client()
    c.force_login(school.world.users["teacher_north"])
    response = c.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": PERSONAL,
            "reason": "My district phone is broken",
            "idempotency_key": "ref-1",
        },
    )
    assert response.status_code == 302
    return ReviewItem.objects.get()


def _refer(client: Client, school: School, item: ReviewItem) -> Case:
    client.force_login(school.world.users["principal_north"])
    response = client.post(
        reverse("messaging:review_item", args=[item.pk]),
        {"outcome": "referral", "note": "Third time this term."},
    )
    assert response.status_code == 302
    return Case.objects.get()


def test_a_referral_opens_a_case_citing_the_message_by_hash(client: Client, school: School) -> None:
    w = school.world
    item = _override(school)
    case = _refer(client, school, item)
    message = Message.objects.get()
    item.refresh_from_db()
    assert (item.status, item.outcome, item.case_id) == ("resolved", "referral", case.pk)
    assert case.source == Case.Source.REFERRAL and case.kind == Case.Kind.COMMUNICATION
    assert case.subject == w.users["teacher_north"].person
    assert case.building == w.north
    assert PERSONAL not in case.description  # cited by reference, never copied
    assert message.sha256 in case.description
    citation = CaseMessageCitation.objects.get()
    assert (citation.case, citation.message, citation.sha256) == (case, message, message.sha256)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cases.opened", "messaging.review_outcome_recorded"} <= actions
    # HR manages the case: the page shows the message, its recipients and the verified hash
    client.force_login(w.users["hr"])
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cited messages (1)" in html and "Hash verified" in html and "MISMATCH" not in html
    assert "tess.home@gmail.com" in html and message.sha256 in html
    assert "Elena" in html  # a recipient (Maria's guardian)


def test_an_altered_archived_message_shows_a_mismatch_on_the_case(
    client: Client, school: School
) -> None:
    w = school.world
    case = _refer(client, school, _override(school))
    message = Message.objects.get()
    with guards_suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messaging_message SET body = %s WHERE id = %s", ["edited later", message.pk]
        )
    client.force_login(w.users["hr"])
    html = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "MISMATCH" in html and "Hash verified" not in html
    assert "does not match the hash stored with the message" in html


def test_a_second_referral_of_the_same_item_opens_no_second_case(
    client: Client, school: School
) -> None:
    item = _override(school)
    _refer(client, school, item)
    again = client.post(
        reverse("messaging:review_item", args=[item.pk]), {"outcome": "referral", "note": ""}
    )
    assert again.status_code == 400
    assert Case.objects.count() == 1 and CaseMessageCitation.objects.count() == 1


def test_a_message_a_case_cites_is_never_disposed_of(client: Client, school: School) -> None:
    """Records disposal (messaging/services/retention.py) keeps a message a case cites, as a
    legal hold would: the case has its own retention period and legal hold."""
    from unittest import mock

    from chalkline.messaging.services import dispose_records, eligibility
    from chalkline.messaging.tests.retention_helpers import (
        at,
        records_officer,
        schedule_and_certificate,
        send_family_message,
    )

    with mock.patch("django.utils.timezone.now", return_value=at(2019, 5, 1)):
        item = _override(school)
    _refer(client, school, item)
    cited = Message.objects.get()
    other = send_family_message(school, at(2019, 5, 2), "Nothing to see")
    officer = records_officer(school)
    certificate = schedule_and_certificate(school, officer)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 12, 6)):
        assert eligibility(certificate).eligible == 1
        run = dispose_records(certificate=certificate, by=officer, idempotency_key="d-1")
    assert run is not None and run.disposed == 1
    assert Message.objects.filter(pk=cited.pk).exists()
    assert not Message.objects.filter(pk=other.pk).exists()
    assert CaseMessageCitation.objects.filter(message=cited).exists()
