"""The review queue in a browser (issue 18, point 12): a teacher overrides a confirm-rule finding
with a reason; the principal opens the queue on a phone and records a coaching note. Then a
guardian reports a message, the principal refers it, and HR opens the case, which shows the
message with its hash verified. axe and the phone check run on every page of the journey."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.cases.models import Case
from chalkline.messaging.models import Message, ReviewItem
from chalkline.people.models import Enrollment, GuardianLink, Person, SchoolClass
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
PERSONAL = "Text me at tess.home@gmail.com if the quiz link does not work."


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    maria = make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia"
    )
    elena = make_person(d, kind=Person.Kind.GUARDIAN, given_name="Elena", family_name="Garcia")
    GuardianLink.objects.create(guardian=elena, student=maria)
    tess = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    math = SchoolClass.objects.create(
        district=d, building=north, sourced_id="cls-math", title="Math 4"
    )
    for n, (person, role) in enumerate(((tess, "teacher"), (maria, "student"))):
        Enrollment.objects.create(
            district=d, school_class=math, person=person, role=role, sourced_id=f"e{n}"
        )
    make_user(d, Role.EMPLOYEE, building=north, person=tess, username="teacher")
    make_user(d, Role.GUARDIAN, building=north, person=elena, username="guardian")
    make_user(d, Role.PRINCIPAL, building=north, username="principal")
    make_user(d, Role.HR, username="hr")
    return {"district": d, "math": math}


def _override(page: Any, base: str) -> None:
    sign_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/messages/new/")
    page.locator("#id_audience").select_option(label="Math 4: families")
    page.locator("#id_subject").fill("Quiz link")
    page.locator("#id_body").fill(PERSONAL)
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Send only with a reason").first.wait_for()
    page.locator("#id_reason").fill("My district phone is in for repair this week")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Message sent.").wait_for()


def test_the_principal_reviews_an_override_on_a_phone(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    _override(page, base)
    item = ReviewItem.objects.get()
    assert (item.kind, item.level) == ("override", "principal")

    sign_in(phone_page, base, "principal", PASSWORD)
    phone_page.goto(f"{base}/messages/")
    phone_page.get_by_role("link", name="Review queue").click()
    phone_page.get_by_role("heading", name="Review queue").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    phone_page.get_by_role("link", name="A finding confirmed with a reason: “Quiz link”").click()
    phone_page.get_by_text("My district phone is in for repair this week").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    # a coaching note without its text is refused, naming the field
    phone_page.get_by_role("radio", name="Coaching note").check()
    phone_page.get_by_role("button", name="Record the outcome").click()
    phone_page.get_by_role("heading", name="The outcome was not recorded").wait_for()
    assert_accessible(phone_page)
    phone_page.get_by_role("radio", name="Coaching note").check()
    phone_page.get_by_label("Note (required for a coaching note)").fill(
        "Use the hub on the district laptop until the phone is back."
    )
    phone_page.get_by_role("button", name="Record the outcome").click()
    phone_page.get_by_text("Outcome recorded.").wait_for()
    item.refresh_from_db()
    assert (item.status, item.outcome) == ("resolved", "coaching")
    assert item.outcome_note == "Use the hub on the district laptop until the phone is back."


def test_a_guardian_reports_the_principal_refers_hr_sees_the_verified_message(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    _override(page, base)
    message = Message.objects.get()

    sign_in(phone_page, base, "guardian", PASSWORD)
    phone_page.goto(f"{base}/messages/t/{message.thread_id}/")
    phone_page.get_by_role("link", name="Report this message").click()
    phone_page.get_by_role("heading", name="Report this message").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    phone_page.get_by_label("What is wrong with this message?").fill(
        "A personal address, and my child is in this class."
    )
    phone_page.get_by_role("button", name="Report the message").click()
    phone_page.get_by_text("the message was reported").wait_for()
    report = ReviewItem.objects.get(kind="report")

    sign_in(page, base, "principal", PASSWORD)
    page.goto(f"{base}/messages/review/{report.pk}/")
    page.get_by_role("radio", name="Referral (opens a case)").check()
    page.get_by_label("Note (required for a coaching note)").fill("Second concern this month.")
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("Referred: case").wait_for()
    case = Case.objects.get()

    sign_in(page, base, "hr", PASSWORD)
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("heading", name="Cited messages (1)").wait_for()
    assert page.get_by_text("Hash verified").is_visible()
    assert page.get_by_text(message.sha256).first.is_visible()
    assert_accessible(page)
