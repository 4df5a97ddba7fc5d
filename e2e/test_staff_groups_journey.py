"""Staff groups in a browser (issue 18 point 2): the principal creates the building's team,
finds a teacher as they type and adds them (htmx), then writes to the group; the teacher reads
it and replies to the whole team. axe (every WCAG 2.1 A/AA rule) and a 375 px phone on the
groups list, the group page (before and after the htmx swap) and the composer; the add works
without JavaScript too."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.messaging.models import Message, Recipient, StaffGroup
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def school(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    principal = make_person(d, building=north, given_name="Pam", family_name="Principal")
    make_user(d, Role.PRINCIPAL, building=north, person=principal, username="principal")
    teacher = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_user(d, Role.EMPLOYEE, building=north, person=teacher, username="teacher")
    make_person(d, building=north, given_name="Nora", family_name="Northcott")
    return {"district": d, "teacher": teacher}


def _checked(page: Any) -> None:
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert_fits_phone(page)


def test_the_principal_builds_a_team_and_the_teacher_replies_to_all(
    phone_page: Any, live_server: Any, school: dict[str, Any]
) -> None:
    page = phone_page
    sign_in(page, live_server.url, "principal", PASSWORD)
    page.goto(live_server.url + "/messages/groups/")
    _checked(page)
    page.get_by_label("Name").fill("Grade 3 team")
    page.get_by_role("button", name="Create the group").click()
    page.wait_for_load_state("networkidle")
    group = StaffGroup.objects.get()
    assert page.url.endswith(f"/messages/groups/{group.pk}/")
    _checked(page)
    page.get_by_label("Add staff").fill("tess")
    add = page.get_by_role("button", name="Add Tess Teacher")
    add.wait_for()
    _checked(page)
    add.click()
    page.get_by_text("Added Tess Teacher to the group.").wait_for()
    # focus moves to the result of the swap (htmx focuses its [autofocus]), not lost on <body>
    assert "Added Tess Teacher" in page.evaluate("document.activeElement.textContent")
    _checked(page)
    assert group.members.filter(person=school["teacher"]).exists()
    page.goto(live_server.url + "/messages/groups/")
    _checked(page)
    page.goto(live_server.url + f"/messages/groups/{group.pk}/")
    page.get_by_role("link", name="Write to this group").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_audience option:checked").inner_text() == "Grade 3 team (staff group)"
    _checked(page)
    page.locator("#id_subject").fill("Planning")
    page.locator("#id_body").fill("Planning moves to Wednesday at 3:15 in the library.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state("networkidle")
    first = Message.objects.get()
    assert list(Recipient.objects.filter(message=first).values_list("person", flat=True)) == [
        school["teacher"].pk
    ]
    page.context.clear_cookies()
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.goto(live_server.url + f"/messages/t/{first.thread_id}/")
    assert page.get_by_text("Your reply goes to everyone in the group now").is_visible()
    _checked(page)
    page.locator("#id_body").fill("Wednesday works for me.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state("networkidle")
    reply = Message.objects.exclude(pk=first.pk).get()
    assert reply.thread_id == first.thread_id
    reached = list(Recipient.objects.filter(message=reply).values_list("user__username", flat=True))
    assert reached == ["principal"]


def test_adding_a_member_works_without_javascript(
    browser: Any, live_server: Any, school: dict[str, Any]
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, "principal", PASSWORD)
        page.goto(live_server.url + "/messages/groups/")
        page.get_by_label("Name").fill("Coaches")
        page.get_by_role("button", name="Create the group").click()
        page.wait_for_load_state("networkidle")
        page.get_by_label("Add staff").fill("northcott")
        page.get_by_role("button", name="Find").click()
        page.wait_for_load_state("networkidle")
        assert "q=northcott" in page.url
        page.get_by_role("button", name="Add Nora Northcott").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Added Nora Northcott to the group.").is_visible()
        assert StaffGroup.objects.get().members.count() == 1
    finally:
        context.close()
