"""Records retention in a browser, on a phone: the records officer enters the approved schedule
item and disposal certificate, places and releases a legal hold, reviews what is eligible and
disposes of it after confirming. axe (every WCAG 2.1 A/AA rule) and the phone width on each
page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest

from chalkline.messaging.models import Message, Tombstone
from chalkline.messaging.services import start_thread
from chalkline.people.models import GuardianLink, Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


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
    make_user(d, Role.RECORDS_OFFICER, username="records")
    sup = make_user(d, Role.SUPERINTENDENT, username="super")
    for day in (1, 2, 3):
        when = datetime(2019, 5, day, 15, tzinfo=UTC)
        with mock.patch("django.utils.timezone.now", return_value=when):
            start_thread(
                district=d,
                by=sup,
                kind="family",
                key=str(maria.pk),
                audience_label="The family of Maria Garcia",
                subject="Bus times",
                body=f"The bus leaves at 3:{day}0 this week.",
                idempotency_key=f"k{day}",
            )
    return {"district": d}


def _check(page: Any) -> None:
    assert axe_violations(page, impacts=ALL_IMPACTS) == [], page.url
    assert_fits_phone(page)


def test_the_records_officer_disposes_of_old_messages_on_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    page = phone_page
    base = live_server.url
    sign_in(page, base, "records", PASSWORD)
    page.goto(f"{base}/messages/")
    page.get_by_role("link", name="Records retention, legal holds and disposal").click()
    _check(page)

    page.goto(f"{base}/messages/records/schedules/")
    _check(page)
    page.get_by_label("Schedule (application) number").fill("24-0117")
    page.get_by_label("Item number").fill("3")
    page.get_by_label("Record series title").fill("Electronic correspondence with families")
    page.get_by_label("Messages in this series").select_option("family")
    page.get_by_label("Retention period (months)").fill("60")
    page.get_by_label("Approval date").fill("2024-03-05")
    page.get_by_label("Commission reference").fill("Local Records Commission, 2024-03-05")
    page.get_by_role("button", name="Enter the schedule item").click()
    page.get_by_text("Schedule item entered.").wait_for()
    _check(page)

    page.goto(f"{base}/messages/records/certificates/")
    page.get_by_role("button", name="Enter the certificate").click()  # empty: errors named
    page.get_by_role("alert").wait_for()
    _check(page)
    page.get_by_label("Schedule item").select_option(index=1)
    page.get_by_label("Certificate number").fill("DC-2026-001")
    page.get_by_label("Approval date").fill("2026-11-03")
    page.get_by_label("Covers messages sent through").fill("2020-12-31")
    page.get_by_label("What it covers").fill("Family correspondence through 2020")
    page.get_by_role("button", name="Enter the certificate").click()
    page.get_by_text("Disposal certificate entered.").wait_for()
    _check(page)

    page.goto(f"{base}/messages/records/holds/")
    page.get_by_label("Name of the hold").fill("Doe v. District")
    page.get_by_label("Matter").fill("Hold letter of 2026-11-20")
    page.get_by_label("Every message of the district").check()
    page.get_by_role("button", name="Place the hold").click()
    page.get_by_text("Legal hold placed.").wait_for()
    _check(page)

    page.goto(f"{base}/messages/records/disposal/")
    assert page.get_by_text("Nothing to dispose of").is_visible()  # the hold keeps all three
    page.goto(f"{base}/messages/records/holds/")
    page.get_by_label("Why the hold ends").fill("Settled.")
    page.get_by_role("button", name="Release the hold Doe v. District").click()
    page.get_by_text("released.").wait_for()

    page.goto(f"{base}/messages/records/disposal/")
    _check(page)
    page.get_by_role("link", name="Review and dispose under certificate DC-2026-001").click()
    _check(page)
    page.get_by_label("I confirm the Local Records Commission approved").check()
    page.get_by_role("button", name="Dispose of 3 messages").click()
    page.get_by_text("Disposed of 3 messages").wait_for()
    _check(page)
    assert Message.objects.count() == 0
    assert Tombstone.objects.count() == 3
