"""Acknowledgment journeys: an employee reads, consents, signs and downloads the certificate; the
principal records a paper acknowledgment; the superintendent's dashboard shows both. Every page
passes axe and fits a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pdfminer.high_level import extract_text

from chalkline.acks import services
from chalkline.acks.models import Signature
from chalkline.people.roles import Role
from chalkline.policies.tests.factories import import_seed
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def district(transactional_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    tess = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    nora = make_person(
        d, building=north, given_name="Nora", family_name="Northcott", job_title="Custodian"
    )
    superintendent = make_user(d, Role.SUPERINTENDENT, username="superintendent")
    principal = make_user(d, Role.PRINCIPAL, building=north, username="principal")
    teacher = make_user(d, Role.EMPLOYEE, building=north, person=tess, username="teacher")
    version = import_seed(d, by=superintendent)
    from datetime import timedelta

    from django.utils import timezone

    campaign = services.create_campaign(
        district=d,
        title="Annual acknowledgment 5:125",
        school_year="2026-2027",
        due_on=timezone.localdate() + timedelta(days=20),
        versions=[version],
        buildings=[],
        job_categories=[],
        by=superintendent,
    )
    services.launch_campaign(campaign=campaign, by=superintendent)
    campaign.refresh_from_db()
    services.distribute_campaign(campaign=campaign, building=north, by=principal)
    return {"campaign": campaign, "north": north, "nora": nora, "teacher": teacher}


def _check(page: Any) -> None:
    assert_accessible(page)
    assert_fits_phone(page)


def test_employee_signs_principal_records_paper_and_dashboard_shows_both(
    phone_page: Any, live_server: Any, district: dict[str, Any], tmp_path: Path
) -> None:
    page = phone_page
    base = live_server.url
    campaign = district["campaign"]
    # The employee: My acknowledgments, open the text, consent, sign, download the certificate.
    sign_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/acknowledgments/")
    assert page.get_by_role("heading", level=1).inner_text() == "My acknowledgments"
    assert "Please read and acknowledge" in page.content()
    _check(page)
    page.get_by_role("link", name="Read and sign").click()
    _check(page)
    page.get_by_role("button", name="Open the policy text").click()
    assert page.get_by_role("region", name="Text of policy 5:125").is_visible()
    _check(page)
    # Below a long text on a phone: reach the button by keyboard, as many readers will.
    page.get_by_role("button", name="I have read it: continue to sign").press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Consent to sign electronically"
    _check(page)
    page.get_by_label("I agree to sign electronically").check()
    page.get_by_role("button", name="I agree").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign your acknowledgment"
    _check(page)
    page.get_by_label("Type your full name").fill("Tess Teachr")
    page.get_by_role("button", name="Sign", exact=True).click()
    assert "does not match your name on record" in page.content()
    _check(page)
    page.get_by_label("Type your full name").fill("tess teacher")
    page.get_by_label("Comment or rebuttal (optional)").fill("Item 9 needs an example.")
    page.get_by_role("button", name="Sign", exact=True).click()
    assert "Signed. Your verification code is" in page.content()
    _check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    text = extract_text(str(pdf_path)).replace("\n", "")
    record = Signature.objects.get(person=district["teacher"].person)
    for expected in ("Tess Teacher", "5:125", record.verification_code, record.text_sha256):
        assert expected in text, expected
    assert "Item 9 needs an example." in text
    page.goto(f"{base}/acknowledgments/verify/{record.verification_code}/")
    assert "Intact" in page.content()
    _check(page)
    page.get_by_role("button", name="Sign out").click()

    # The principal records Nora's paper acknowledgment with a scan.
    sign_in(page, base, "principal", PASSWORD)
    page.goto(f"{base}/acknowledgments/campaigns/{campaign.pk}/b/{district['north'].pk}/")
    assert "Distributed by" in page.content()
    _check(page)
    page.get_by_role("link", name="Record paper for Nora Northcott").click()
    _check(page)
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Signed form")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(bytes(pdf.output()))
    bad = tmp_path / "scan.txt"
    bad.write_text("not a scan")
    page.get_by_label("Rationale").fill("Signed at the in-service.")
    page.get_by_label("Scan of the signed form").set_input_files(str(bad))
    page.get_by_role("button", name="Record the paper acknowledgment").click()
    assert "must be a PDF or an image" in page.content()
    _check(page)
    page.get_by_label("Scan of the signed form").set_input_files(str(scan))
    page.get_by_role("button", name="Record the paper acknowledgment").click()
    assert "Paper acknowledgment recorded for Nora Northcott" in page.content()
    _check(page)
    page.get_by_role("button", name="Sign out").click()

    # The superintendent's dashboard shows both records.
    sign_in(page, base, "superintendent", PASSWORD)
    page.goto(f"{base}/acknowledgments/campaigns/")
    _check(page)
    page.get_by_role("link", name="Annual acknowledgment 5:125").click()
    row = page.get_by_role("row", name="North Elementary")
    assert "100%" in row.inner_text() and "(2/2)" in row.inner_text()
    _check(page)
    page.get_by_role("link", name="North Elementary").click()
    staff = page.get_by_role(
        "table", name="Staff of North Elementary and their acknowledgment status"
    )
    assert "Signed" in staff.inner_text() and "Paper or proxy" in staff.inner_text()
    _check(page)
    # Notification settings: quiet hours, from the campaigns page.
    page.goto(f"{base}/acknowledgments/campaigns/")
    page.get_by_role("link", name="Notification settings (quiet hours)").click()
    _check(page)
    page.get_by_label("Quiet hours start").fill("21:00")
    page.get_by_role("button", name="Save").click()
    assert "Notification settings saved." in page.content()
    _check(page)
