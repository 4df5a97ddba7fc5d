"""Training journeys (issue 21): an employee checks in to a session with the QR code, on a phone;
a campaign requires the training, and the employee completes both. Every page passes axe, and
the employee's pages fit a phone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chalkline.acks import services as acks_services
from chalkline.acks.models import Assignment, Signature
from chalkline.people.roles import Role
from chalkline.policies.tests.factories import import_seed
from chalkline.training import services
from chalkline.training.models import RosterEntry, Session
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
QUESTIONS = [
    {
        "question": "Which channel may you use to message a student?",
        "choices": ["Your personal phone", "A district-approved app"],
        "answer": 1,
    }
]


@pytest.fixture
def district(transactional_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    tess = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_person(d, building=north, given_name="Nora", family_name="Northcott")
    hr = make_user(d, Role.HR, username="hr")
    principal = make_user(d, Role.PRINCIPAL, building=north, username="principal")
    teacher = make_user(d, Role.EMPLOYEE, building=north, person=tess, username="teacher")
    services.set_provider_number(district=d, number="PD-0417", by=hr)
    training = services.create_training(
        district=d,
        by=hr,
        title="Ethics in-service",
        content="Boundaries with students.",
        questions=QUESTIONS,
        pd_hours=Decimal("2.0"),
    )
    return {
        "district": d,
        "north": north,
        "hr": hr,
        "principal": principal,
        "teacher": teacher,
        "training": training,
    }


def _check_phone(page: Any) -> None:
    assert_accessible(page)
    assert_fits_phone(page)


def test_an_employee_checks_in_to_a_session_with_the_qr_code_on_a_phone(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    session = services.schedule_session(
        training=district["training"],
        by=district["hr"],
        format=Session.Format.IN_PERSON,
        building=district["north"],
        starts_at=timezone.now() + timedelta(hours=1),
        location="Library",
        presenter=district["principal"],
    )
    # The presenter shows the code on the room's screen.
    sign_in(page, base, "principal", PASSWORD)
    page.goto(f"{base}/training/manage/s/{session.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Show the check-in QR code").click()
    assert page.get_by_role("img", name="QR code of the check-in link").is_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name="the check-in link").get_attribute("href")
    assert link and "?t=" in link
    # The attendee scans it with a phone: the code's link, sign in, check in.
    phone_page.goto(link)
    phone_page.get_by_label("Username or email").fill("teacher")
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Check in"
    _check_phone(phone_page)
    phone_page.get_by_role("button", name="Check me in").click()
    assert "You are checked in to Ethics in-service" in phone_page.content()
    assert "Certificate (PDF)" in phone_page.content()
    _check_phone(phone_page)
    entry = RosterEntry.objects.get(session=session, person=district["teacher"].person)
    assert entry.method == RosterEntry.Method.QR and entry.completed_at is not None
    # The presenter's roster and the reports show it.
    page.goto(f"{base}/training/manage/s/{session.pk}/")
    assert "Scanned the QR code" in page.content()
    page.goto(f"{base}/training/reports/")
    assert_accessible(page)
    page.get_by_role("link", name="Done, missing, new hires in North Elementary").click()
    assert "1 done, 1 missing" in page.content()
    assert_accessible(page)


def test_a_campaign_requires_the_training_and_the_employee_completes_both(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    d = district["district"]
    version = import_seed(d, by=district["hr"])
    campaign = acks_services.create_campaign(
        district=d,
        title="Annual acknowledgment 5:125",
        school_year="2026-2027",
        due_on=timezone.localdate() + timedelta(days=20),
        versions=[version],
        buildings=[],
        job_categories=[],
        by=district["hr"],
    )
    acks_services.launch_campaign(campaign=campaign, by=district["hr"])
    campaign.refresh_from_db()
    acks_services.distribute_campaign(
        campaign=campaign, building=district["north"], by=district["principal"]
    )
    # HR requires the training before signing.
    sign_in(page, base, "hr", PASSWORD)
    page.goto(f"{base}/acknowledgments/steps/campaigns/{campaign.pk}/training/")
    assert_accessible(page)
    page.get_by_label("Training to complete before signing").select_option(
        label="Ethics in-service"
    )
    page.get_by_role("button", name="Require this training first").click()
    assert "requires the training first" in page.content()
    # The employee sees both steps; signing waits for the training.
    sign_in(phone_page, base, "teacher", PASSWORD)
    phone_page.goto(f"{base}/acknowledgments/steps/")
    assert "available once the training is done" in phone_page.content()
    _check_phone(phone_page)
    # The acknowledgment's own page shows the two steps too: step 1 with its link.
    assignment = Assignment.objects.get(campaign=campaign, person=district["teacher"].person)
    ack_page = f"{base}/acknowledgments/a/{assignment.pk}/"
    phone_page.goto(ack_page)
    steps = phone_page.get_by_role("region", name="Your two steps")
    assert "Step 1: complete the training “Ethics in-service”: not done yet" in steps.inner_text()
    assert "opens once the training is done" in steps.inner_text()
    _check_phone(phone_page)
    steps.get_by_role("link", name="Take the training (Ethics in-service)").click()
    assert "Ethics in-service" in phone_page.content()
    phone_page.goto(f"{base}/acknowledgments/steps/")
    phone_page.get_by_role("link", name="Take the training Ethics in-service").click()
    _check_phone(phone_page)
    phone_page.get_by_label("Your personal phone").check()
    phone_page.get_by_role("button", name="Submit my answers").click()
    assert "You scored 0%" in phone_page.content()
    _check_phone(phone_page)
    phone_page.get_by_label("A district-approved app").check()
    phone_page.get_by_role("button", name="Submit my answers").click()
    assert "You completed Ethics in-service" in phone_page.content()
    _check_phone(phone_page)
    phone_page.goto(f"{base}/acknowledgments/steps/")
    assert "<strong>done</strong>" in phone_page.content()
    phone_page.get_by_role("link", name="Read and sign Annual acknowledgment 5:125").click()
    steps = phone_page.get_by_role("region", name="Your two steps")
    assert "“Ethics in-service”: done on" in steps.inner_text()
    assert "read and sign the acknowledgment: open now" in steps.inner_text()
    _check_phone(phone_page)
    phone_page.get_by_role("button", name="Open the policy text").click()
    phone_page.get_by_role("button", name="I have read it: continue to sign").press("Enter")
    phone_page.get_by_label("I agree to sign electronically").check()
    phone_page.get_by_role("button", name="I agree").click()
    # The signing page shows both steps, step 1 done.
    steps = phone_page.get_by_role("region", name="Your two steps")
    assert "done on" in steps.inner_text() and "open now" in steps.inner_text()
    _check_phone(phone_page)
    phone_page.get_by_label("Type your full name").fill("Tess Teacher")
    phone_page.get_by_role("button", name="Sign", exact=True).click()
    assert "Signed. Your verification code is" in phone_page.content()
    assert Signature.objects.filter(person=district["teacher"].person).exists()
    steps = phone_page.get_by_role("region", name="Your two steps")
    assert "read and sign the acknowledgment: done" in steps.inner_text()
    phone_page.goto(f"{base}/acknowledgments/steps/")
    assert "Signed" in phone_page.content()
    _check_phone(phone_page)


def test_the_training_management_pages_pass_axe(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    training = district["training"]
    sign_in(page, base, "hr", PASSWORD)
    for path in (
        "/training/",
        "/training/manage/",
        "/training/manage/new/",
        "/training/manage/settings/",
        f"/training/manage/t/{training.pk}/",
        f"/training/reports/t/{training.pk}/",
    ):
        page.goto(base + path)
        assert_accessible(page)
    # A form with errors is accessible too.
    page.goto(f"{base}/training/manage/new/")
    page.get_by_label("Title").fill("Incomplete")
    page.get_by_label("Knowledge check").fill("A question?\nOne\nTwo")
    page.get_by_role("button", name="Create the training").click()
    assert "exactly one marked with *" in page.content()
    assert_accessible(page)
    page.goto(f"{base}/training/manage/t/{training.pk}/")
    page.get_by_label("Format").select_option(label="Self-paced")
    page.get_by_role("button", name="Schedule and build the roster").click()
    assert "Scheduled, with 2 people on the roster" in page.content()
    assert_accessible(page)
