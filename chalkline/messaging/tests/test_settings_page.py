"""The superintendent or designee chooses what each finding does; the composer follows it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import DEFAULT_RULES, Message, MessagingSettings
from chalkline.messaging.tests.conftest import School
from conftest import PERSONAS, World


def _data(**changes: str) -> dict[str, str]:
    data = {f"rule_{d}": str(r) for d, r in DEFAULT_RULES.items()}
    data.update({"guardians_through_grade": "8"})
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", PERSONAS)
def test_settings_page_matrix(client: Client, world: World, persona: str) -> None:
    client.force_login(world.users[persona])
    status = client.get(reverse("messaging:settings")).status_code
    assert status == (200 if persona in {"superintendent", "designee", "outsider"} else 403)


def test_a_rule_set_to_note_lets_the_message_through(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["superintendent"])
    response = client.post(
        reverse("messaging:settings"),
        _data(rule_student_name="note", students_may_start="on", guardians_through_grade=""),
    )
    assert response.status_code == 302
    saved = MessagingSettings.objects.get(district=w.district)
    assert saved.rule_for("student_name") == "note"
    assert saved.students_may_start is True
    assert saved.guardians_see_student_threads_through_grade is None
    event = AuditEvent.objects.get(action="messaging.settings_changed")
    assert event.before_data["rules"]["student_name"] == "block"
    assert event.after_data["rules"]["student_name"] == "note"
    client.force_login(w.users["teacher_north"])
    sent = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": "Maria Garcia was late again today.",
            "idempotency_key": "k",
        },
    )
    assert sent.status_code == 302
    assert Message.objects.get().findings["detectors"] == ["student_name"]


def test_bad_input_names_the_field_and_saves_nothing(client: Client, world: World) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(
        reverse("messaging:settings"),
        _data(rule_student_name="ignore", guardians_through_grade="13"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The settings were not saved" in html
    assert "Select a valid choice" in html and "less than or equal to 12" in html
    assert not MessagingSettings.objects.exists()
