"""The composer at a school too big to list every family (issue 18, Performance): the principal
finds a student's family by name, with JavaScript (htmx refreshes the results as they type) and
without it (a plain GET form), then writes to it. axe and a 375 px phone on both pages."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.messaging.access import LISTED_FAMILIES
from chalkline.messaging.models import Message, Recipient
from chalkline.people.models import Affiliation, GuardianLink, Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def big_school(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    principal = make_person(d, building=north, given_name="Pam", family_name="Principal")
    make_user(d, Role.PRINCIPAL, building=north, person=principal, username="principal")
    students = Person.objects.bulk_create(
        Person(district=d, kind=Person.Kind.STUDENT, given_name="Kid", family_name=f"Crowd{i:03d}",
               sourced_id=f"s{i}")
        for i in range(LISTED_FAMILIES + 10)
    )  # fmt: skip
    guardians = Person.objects.bulk_create(
        Person(district=d, kind=Person.Kind.GUARDIAN, given_name="Parent",
               family_name=f"Crowd{i:03d}", sourced_id=f"g{i}")
        for i in range(len(students))
    )  # fmt: skip
    Affiliation.objects.bulk_create(Affiliation(person=s, building=north) for s in students)
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
    )
    maria = make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia"
    )
    elena = make_person(d, kind=Person.Kind.GUARDIAN, given_name="Elena", family_name="Garcia")
    GuardianLink.objects.create(guardian=elena, student=maria)
    return {"maria": maria}


def _write_and_send(page: Any) -> None:
    page.locator("#id_subject").fill("Library book")
    page.locator("#id_body").fill("A library book is overdue; please return it.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state("networkidle")


def test_the_principal_finds_a_family_as_they_type(
    phone_page: Any, live_server: Any, big_school: dict[str, Any]
) -> None:
    page = phone_page
    sign_in(page, live_server.url, "principal", PASSWORD)
    page.goto(live_server.url + "/messages/new/")
    assert page.locator("#id_audience option", has_text="The family of").count() == 0
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert_fits_phone(page)
    page.get_by_label("Find them").fill("garc")
    result = page.get_by_role("link", name="The family of Maria Garcia")
    result.wait_for()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    result.click()
    page.wait_for_load_state("networkidle")
    selected = page.locator("#id_audience option:checked")
    assert selected.inner_text() == "The family of Maria Garcia"
    _write_and_send(page)
    message = Message.objects.get()
    assert message.thread.audience_key == str(big_school["maria"].pk)
    assert list(
        Recipient.objects.filter(message=message).values_list("person__given_name", flat=True)
    ) == ["Elena"]


def test_the_search_works_without_javascript(
    browser: Any, live_server: Any, big_school: dict[str, Any]
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, "principal", PASSWORD)
        page.goto(live_server.url + "/messages/new/")
        page.get_by_label("Find them").fill("Crowd007")
        page.get_by_role("button", name="Find").click()
        page.wait_for_load_state("networkidle")
        assert "find=Crowd007" in page.url
        page.get_by_role("link", name="The family of Kid Crowd007").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#id_audience option:checked").inner_text() == (
            "The family of Kid Crowd007"
        )
        _write_and_send(page)
        assert Message.objects.get().thread.audience_label == "The family of Kid Crowd007"
    finally:
        context.close()
