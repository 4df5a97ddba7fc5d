"""The messaging hub in a browser: a teacher writes to a class's families naming a student, is
blocked, fixes the message and sends it; the guardian reads it on a phone and replies (the reply
goes privately to the teacher). axe runs on the composer's findings and on the thread pages."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.messaging.models import BlockedAttempt, Message
from chalkline.people.models import Enrollment, GuardianLink, Person, SchoolClass
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
NAMING = "Maria Garcia was late again today and missed the quiz."
FIXED = "Some students missed today's quiz. It can be made up on Friday morning."


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
    return {"district": d, "math": math}


def test_teacher_is_blocked_fixes_and_sends_guardian_reads_and_replies_on_a_phone(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "teacher", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="New message").click()
    page.locator("#id_audience").select_option(label="Math 4: families")
    page.locator("#id_subject").fill("Today's quiz")
    page.locator("#id_body").fill(NAMING)
    # the findings come while typing (htmx, debounced)
    page.get_by_text("Blocks sending").first.wait_for()
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_role("heading", name="This message cannot be sent as written").wait_for()
    assert Message.objects.count() == 0
    assert BlockedAttempt.objects.get().detectors == ["student_name"]
    assert_accessible(page)
    page.locator("#id_body").fill(FIXED)
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Message sent.").wait_for()
    assert Message.objects.get().body == FIXED
    assert_accessible(page)

    sign_in(phone_page, base, "guardian", PASSWORD)
    phone_page.goto(f"{base}/messages/")
    assert_fits_phone(phone_page)
    phone_page.get_by_role("link", name="Today's quiz").click()
    phone_page.get_by_text(FIXED).wait_for()
    assert phone_page.get_by_text("goes privately to Tess Teacher").is_visible()
    assert axe_violations(phone_page, impacts=("minor", "moderate", "serious", "critical")) == []
    assert_fits_phone(phone_page)
    phone_page.locator("#id_body").fill("Thank you, we will be there Friday.")
    phone_page.get_by_role("button", name="Send reply").click()
    phone_page.get_by_text("Reply sent.").wait_for()
    assert_fits_phone(phone_page)
    reply = Message.objects.get(body="Thank you, we will be there Friday.")
    assert reply.thread.parent_id == Message.objects.get(body=FIXED).thread_id
    assert list(reply.recipients.values_list("user__username", flat=True)) == ["teacher"]


ARM_SETTLED = """() => { window.__settled = new Promise(resolve =>
    document.addEventListener("htmx:afterSettle", () => resolve(), {once: true})); }"""


def test_the_check_answering_as_the_teacher_types_leaves_the_focus_where_they_are(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    """The findings region takes the focus after a click or submit, never from a field: a check
    that answered while the teacher was typing used to move the focus to it, and the teacher's
    next keystrokes went nowhere (a text area and a select were not counted as fields)."""
    base = live_server.url
    sign_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/messages/new/")
    audience = page.locator("#id_audience")
    audience.focus()
    page.evaluate(ARM_SETTLED)
    with page.expect_response(lambda r: r.url.endswith("/messages/new/check")):
        audience.select_option(label="Math 4: families")
    page.evaluate("() => window.__settled")
    assert page.evaluate("() => document.activeElement.id") == "id_audience"

    body = page.locator("#id_body")
    page.locator("#id_subject").fill("Today's quiz")  # the check screens a message with a subject
    body.click()
    page.evaluate(ARM_SETTLED)
    with page.expect_response(lambda r: r.url.endswith("/messages/new/check")):
        body.press_sequentially(NAMING)
    page.evaluate("() => window.__settled")
    page.get_by_text("Blocks sending").first.wait_for()
    assert page.evaluate("() => document.activeElement.id") == "id_body"
    # the teacher goes on typing: every keystroke lands in the message
    page.keyboard.type(" Thank you.")
    assert body.input_value() == NAMING + " Thank you."
