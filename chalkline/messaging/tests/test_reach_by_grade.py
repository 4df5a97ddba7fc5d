"""Students are written to directly only in the grades the district allows (6-12 by default;
adult students when it reaches adults as adults), and a blocked attempt keeps its text only when
the district turns that on (issue 18, points 2 and 4)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import DEFAULT_RULES, BlockedAttempt, MessagingSettings, Thread
from chalkline.messaging.selectors import audience_addressees
from chalkline.messaging.services import update_messaging_settings
from chalkline.messaging.tests.conftest import School

NAMING = "Maria Garcia was late again today and missed the quiz."


def _default_reach(school: School) -> None:
    # the school fixture lets staff write to fourth-graders; back to the district default
    MessagingSettings.objects.filter(district=school.world.district).update(
        students_reachable_from_grade=6, students_reachable_through_grade=12
    )


def _reached(school: School) -> set[int]:
    w = school.world
    found = audience_addressees(
        w.district, "class_students", str(school.math.pk), sender=w.users["teacher_north"]
    )
    return {a.person.pk for a in found if a.person is not None}


def test_by_default_only_students_in_grades_6_to_12_are_written_to_directly(
    school: School,
) -> None:
    w = school.world
    _default_reach(school)
    assert _reached(school) == set()  # Math 4: fourth-graders, and their guardians' copies
    school.classmate.grade = "07"
    school.classmate.save(update_fields=["grade"])
    assert _reached(school) == {school.classmate.pk, school.classmate_guardian.pk}
    assert w.student_north.pk not in _reached(school)
    w.student_north.grade = ""  # the roster gives no grade: not reached directly
    w.student_north.save(update_fields=["grade"])
    assert w.student_north.pk not in _reached(school)


def test_the_district_chooses_the_grades_on_the_settings_page(
    client: Client, school: School
) -> None:
    w = school.world
    _default_reach(school)
    client.force_login(w.users["superintendent"])
    data = {f"rule_{d}": str(r) for d, r in DEFAULT_RULES.items()}
    page = client.get(reverse("messaging:settings"))
    assert b"Students can be written to directly from grade" in page.content
    bad = client.post(
        reverse("messaging:settings"),
        {**data, "guardians_through_grade": "8", "students_from_grade": "9",
         "students_through_grade": "4"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "through grade: 4 is before grade 9" in bad.content.decode()
    assert MessagingSettings.objects.get(district=w.district).students_reachable_from_grade == 6
    ok = client.post(
        reverse("messaging:settings"),
        {**data, "guardians_through_grade": "8", "students_from_grade": "3",
         "students_through_grade": "12", "keep_blocked_text": "on"},
    )  # fmt: skip
    assert ok.status_code == 302
    saved = MessagingSettings.objects.get(district=w.district)
    assert (saved.students_reachable_from_grade, saved.keep_blocked_text) == (3, True)
    assert w.student_north.pk in _reached(school)
    event = AuditEvent.objects.filter(action="messaging.settings_changed").latest("pk")
    assert event.after_data["students_reachable_grades"] == [3, 12]


def _blocked(client: Client, school: School) -> BlockedAttempt:
    client.force_login(school.world.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Quiz",
            "body": NAMING,
            "idempotency_key": "blocked-1",
        },
    )
    assert response.status_code == 400
    return BlockedAttempt.objects.get()


def test_a_blocked_attempt_keeps_no_text_by_default(client: Client, school: School) -> None:
    attempt = _blocked(client, school)
    assert attempt.body == "" and attempt.detectors == ["student_name"]
    assert not Thread.objects.exists()


def test_a_blocked_attempt_keeps_its_text_when_the_district_says_so(
    client: Client, school: School
) -> None:
    w = school.world
    current = MessagingSettings.objects.get(district=w.district)
    update_messaging_settings(
        district=w.district,
        rules={},
        students_may_start=current.students_may_start,
        guardians_through_grade=current.guardians_see_student_threads_through_grade,
        by=w.users["superintendent"],
        keep_blocked_text=True,
    )
    attempt = _blocked(client, school)
    assert attempt.body == NAMING
    event = AuditEvent.objects.get(action="messaging.send_blocked")
    assert event.after_data["text_kept"] is True
    assert "Maria" not in event.after  # the audit event never holds the text
