"""The composer through HTTP: screening with the real audience before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import BlockedAttempt, Message, Recipient, Thread
from chalkline.messaging.services import MessagingError, set_screening_rule
from chalkline.messaging.tests.conftest import School

NAMING = "Maria Garcia was late again today and missed the quiz."
FIXED = "Some students missed the quiz today; it can be made up on Friday."


def _post(client: Client, school: School, body: str, **extra: str) -> Any:
    data = {
        "audience": f"class_families:{school.math.pk}",
        "subject": "Quiz",
        "body": body,
        "idempotency_key": extra.pop("key", "key-1"),
        **extra,
    }
    return client.post(reverse("messaging:compose"), data)


def test_naming_a_student_to_class_families_is_blocked_and_recorded(
    client: Client, school: School
) -> None:
    client.force_login(school.world.users["teacher_north"])
    response = _post(client, school, NAMING)
    assert response.status_code == 400
    assert b"This message cannot be sent as written" in response.content
    assert b"Blocks sending" in response.content
    assert Message.objects.count() == 0
    attempt = BlockedAttempt.objects.get()
    assert attempt.detectors == ["student_name"]
    assert attempt.audience_kind == "class_families"
    event = AuditEvent.objects.get(action="messaging.send_blocked")
    assert "Maria" not in event.after  # who, when, detectors, audience: never the text
    assert event.after_data["detectors"] == ["student_name"]


def test_the_fixed_message_is_sent_once_even_when_double_clicked(
    client: Client, school: School
) -> None:
    client.force_login(school.world.users["teacher_north"])
    first = _post(client, school, FIXED)
    second = _post(client, school, FIXED)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    message = Message.objects.get()
    assert Recipient.objects.filter(message=message).count() == 2
    assert AuditEvent.objects.filter(action="messaging.message_sent").count() == 1


def test_the_same_name_to_the_students_own_family_is_fine(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    response = _post(client, school, NAMING, audience=f"family:{w.student_north.pk}")
    assert response.status_code == 302
    assert Message.objects.get().thread.audience_kind == "family"


def test_writing_outside_ones_audiences_is_403_and_stores_nothing(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    for audience in (
        f"class_families:{school.other_class.pk}",
        f"building_families:{w.north.pk}",
        "district:",
        f"family:{school.world.staff_south.pk}",
    ):
        response = _post(client, school, FIXED, audience=audience)
        assert response.status_code == 403, audience
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not BlockedAttempt.objects.exists()


def test_a_confirm_rule_needs_a_reason_and_records_it(client: Client, school: School) -> None:
    w = school.world
    set_screening_rule(
        district=w.district, detector="student_name", rule="confirm", by=w.users["superintendent"]
    )
    client.force_login(w.users["teacher_north"])
    response = _post(client, school, NAMING)
    assert response.status_code == 400
    assert b"Send only with a reason" in response.content
    assert not Message.objects.exists()
    response = _post(client, school, NAMING, reason="Maria's family asked me to tell the class")
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.override_reason == "Maria's family asked me to tell the class"
    assert AuditEvent.objects.get(action="messaging.message_sent").after_data["overridden"]


def test_abuse_disclosure_never_blocks_it_prompts_with_the_hotline(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    _post(client, school, FIXED, audience=f"class_students:{school.math.pk}")
    thread = Thread.objects.get()
    client.force_login(w.users["student_north"])
    text = "My stepdad hits me when I'm late."
    check = client.post(
        reverse("messaging:reply_check", args=[thread.pk]),
        {"body": text, "idempotency_key": "r"},
        HTTP_HX_REQUEST="true",
    )
    assert check.status_code == 200
    assert b"1-800-25-ABUSE" in check.content
    response = client.post(
        reverse("messaging:reply", args=[thread.pk]), {"body": text, "idempotency_key": "r"}
    )
    assert response.status_code == 302
    sent = Message.objects.get(sender=w.users["student_north"])
    assert "abuse_disclosure" in sent.findings["detectors"]
    assert sent.thread.parent == thread  # privately to the teacher
    with pytest.raises(MessagingError):
        set_screening_rule(
            district=w.district,
            detector="abuse_disclosure",
            rule="block",
            by=w.users["superintendent"],
        )


def test_the_check_shows_findings_with_clause_and_stores_nothing(
    client: Client, school: School
) -> None:
    client.force_login(school.world.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose_check"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": NAMING,
            "idempotency_key": "k",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="findings"' in html and "<h1>" not in html
    assert "Blocks sending" in html and "5:125" in html
    assert not Message.objects.exists() and not BlockedAttempt.objects.exists()


def test_district_addresses_and_the_hub_are_not_flagged(client: Client, school: School) -> None:
    client.force_login(school.world.users["teacher_north"])
    body = (
        "Questions? Write to me at tess.teacher@prairie.example.org or reply here: "
        "http://testserver/messages/"
    )
    response = _post(client, school, body)
    assert response.status_code == 302
    assert Message.objects.get().findings["detectors"] == []


def test_a_personal_address_asks_for_a_reason(client: Client, school: School) -> None:
    client.force_login(school.world.users["teacher_north"])
    response = _post(client, school, "Text me at tess.home@gmail.com about the quiz.")
    assert response.status_code == 400
    assert b"Send only with a reason" in response.content


def test_a_message_over_10000_characters_is_refused_with_the_limit(
    client: Client, school: School
) -> None:
    client.force_login(school.world.users["teacher_north"])
    response = _post(client, school, "a" * 10_001)
    assert response.status_code == 400
    assert b"at most 10,000 characters" in response.content
    assert not Message.objects.exists()


def test_html_is_shown_as_text(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    _post(client, school, "<script>alert(1)</script><b>bold</b> & more")
    thread = Thread.objects.get()
    client.force_login(w.users["guardian_north"])
    page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more" in page
