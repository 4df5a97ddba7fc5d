"""Journey: an employee checks a draft post that names a student, before posting it publicly."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.drafts.models import DraftCheck
from chalkline.people.models import Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
DRAFT = "So proud of Maria Garcia-Lopez for winning the spelling bee today!"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    make_person(
        d,
        kind=Person.Kind.STUDENT,
        building=north,
        given_name="Maria",
        family_name="Garcia-Lopez",
    )
    teacher = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_user(d, Role.EMPLOYEE, building=north, person=teacher, username="teacher")
    return {"district": d}


def check_draft(page: Any, base: str) -> None:
    sign_in(page, base, "teacher", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check a draft").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check a draft"
    assert_accessible(page)
    page.get_by_label("Your draft", exact=True).fill(DRAFT)
    page.get_by_label("A public or social-media post").check()
    page.get_by_role("button", name="Check my draft").click()
    page.wait_for_selector("#results-heading")


def test_employee_sees_a_student_name_flagged_in_a_public_post(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    check_draft(page, base)
    assert "to fix" in page.locator("#results-heading").inner_text()
    mark = page.locator("mark.finding-mark").first
    assert mark.inner_text() == "Maria Garcia-Lopez"
    findings = page.locator("ol.findings li")
    assert "Student name" in findings.first.inner_text()
    assert "5:125/use-of-personal-technology/6" in findings.first.inner_text()
    # htmx swapped only the results: the draft is still in the box.
    assert page.get_by_label("Your draft", exact=True).input_value() == DRAFT
    assert_accessible(page)
    assert DraftCheck.objects.count() == 0
    # Keeping the check (without the text) stores one row.
    page.get_by_role("button", name="Keep this check").click()
    page.wait_for_load_state("networkidle")
    assert "Check kept" in page.locator(".messages").inner_text()
    check = DraftCheck.objects.get()
    assert check.text == "" and check.blocks >= 1
    assert_accessible(page)


def test_the_draft_check_fits_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    check_draft(phone_page, live_server.url)
    assert phone_page.locator("mark.finding-mark").count() >= 1
    assert_fits_phone(phone_page)
    assert_accessible(phone_page)
