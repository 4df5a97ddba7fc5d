"""Issue 19's case journeys in a browser, every page passing axe:

1. a guardian reports a concern; HR triages it and sends notice; the employee responds; the case
   closes with an outcome that appears in the employee's personnel file;
2. an applicant's complaint that their social-media password was asked for, sent from the public
   page, reaches the superintendent."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.cases.models import Case
from chalkline.people.models import Person
from chalkline.people.roles import Role
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def district(transactional_db: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    teacher = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_user(d, Role.EMPLOYEE, building=north, person=teacher, username="teacher")
    guardian = make_person(d, kind=Person.Kind.GUARDIAN, given_name="Elena", family_name="Garcia")
    make_user(d, Role.GUARDIAN, building=north, person=guardian, username="guardian")
    make_user(d, Role.HR, username="hr")
    make_user(d, Role.PRINCIPAL, building=north, username="principal")
    make_user(d, Role.SUPERINTENDENT, username="super")
    return {"district": d, "teacher": teacher}


def _as(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base, username, PASSWORD)
    return page


def _submit(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")


def test_a_guardians_concern_ends_in_the_personnel_file(
    browser: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    guardian = _as(browser, base, "guardian")
    guardian.goto(f"{base}/cases/report/")
    assert_accessible(guardian)
    guardian.get_by_label("What is it about?").select_option("communication")
    guardian.get_by_label("Who is it about?").fill("Tess Teacher")
    guardian.get_by_label("Their position").select_option("staff")
    guardian.get_by_label("What happened?").fill("She messaged my daughter on Snapchat at 11pm.")
    _submit(guardian, "Send the report")
    assert "received" in guardian.content()
    assert_accessible(guardian)
    case = Case.objects.get()

    hr = _as(browser, base, "hr")
    hr.goto(f"{base}/cases/")
    assert_accessible(hr)
    hr.goto(f"{base}/cases/{case.pk}/")
    assert_accessible(hr)
    hr.locator("#triage_investigator").select_option(label="principal")
    hr.locator("#triage_subject").select_option(label="Tess Teacher")
    _submit(hr, "Record the triage")
    hr.locator("#notice_allegation").fill("Messages to a student on Snapchat.")
    _submit(hr, "Send the notice")
    assert "Notice sent to the employee" in hr.content()

    teacher = _as(browser, base, "teacher")
    teacher.goto(f"{base}/cases/{case.pk}/")
    assert_accessible(teacher)
    assert "Messages to a student on Snapchat." in teacher.content()
    teacher.locator("#response_text").fill("It was about homework; I now use the portal.")
    _submit(teacher, "Send")
    assert "I now use the portal" in teacher.content()

    hr.goto(f"{base}/cases/{case.pk}/")
    hr.locator("#findings_findings").fill("Messages on an app the District has not approved.")
    _submit(hr, "Record the findings")
    hr.locator("#outcome_outcome").select_option(label="Written reprimand")
    _submit(hr, "Record the outcome")
    assert_accessible(hr)

    teacher.goto(f"{base}/cases/{case.pk}/")
    _submit(teacher, "I acknowledge receiving the outcome")
    hr.goto(f"{base}/cases/{case.pk}/")
    _submit(hr, "Close the case")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    teacher.goto(f"{base}/personnel/{district['teacher'].pk}/")
    assert_accessible(teacher)
    content = teacher.content()
    assert "Acknowledgments" in content and "Written reprimand" in content
    guardian.goto(f"{base}/cases/{case.pk}/")
    assert "closed" in guardian.content() and "Written reprimand" not in guardian.content()


def test_an_applicants_password_complaint_reaches_the_superintendent(
    browser: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    context = browser.new_context()
    public = context.new_page()
    public.set_default_timeout(10_000)
    public.goto(f"{base}/d/prairie/concerns/")
    assert_accessible(public)
    assert "not watched around the clock" in public.content()
    public.get_by_label("You are").select_option("applicant")
    public.get_by_label("What is it about?").select_option("password_request")
    public.get_by_label("Their position").select_option("principal")
    public.get_by_label("What happened?").fill(
        "At my interview the principal asked me to log in to Facebook so she could look."
    )
    _submit(public, "Send")
    assert "has been received" in public.content()
    assert_accessible(public)
    case = Case.objects.get()

    boss = _as(browser, base, "super")
    boss.goto(f"{base}/cases/")
    boss.get_by_role("link", name=f"Case {case.pk}").click()
    boss.wait_for_load_state("networkidle")
    assert "Someone asked for my social-media password or access" in boss.content()
    assert "log in to Facebook" in boss.content()
    assert_accessible(boss)


@pytest.fixture
def cases(district: dict[str, Any]) -> dict[str, Any]:
    """A decided case with evidence, and a logged report to DCFS."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from chalkline.cases import services
    from chalkline.cases.models import OutcomeType
    from chalkline.people.models import User

    d = district["district"]
    hr, teacher = User.objects.get(username="hr"), User.objects.get(username="teacher")
    case = services.report_concern(
        district=d,
        by=User.objects.get(username="guardian"),
        reporter_kind=Case.ReporterKind.GUARDIAN,
        kind=Case.Kind.COMMUNICATION,
        description="My son told me his dad hits him, and the teacher knew.",
        subject_position=Case.Position.STAFF,
    )
    services.triage_case(
        case=case,
        by=hr,
        investigator=User.objects.get(username="principal"),
        subject=district["teacher"],
    )
    services.add_evidence(
        case=case,
        by=hr,
        upload=SimpleUploadedFile("note.txt", b"shared by the parent", "text/plain"),
        reason="reported",
    )
    services.send_notice(case=case, by=hr, allegation="Did not report what a student said.")
    services.record_findings(case=case, by=hr, findings="Found.")
    services.record_outcome(
        case=case, by=hr, outcome=OutcomeType.objects.get(district=d, code="written_reprimand")
    )
    services.log_mandated_report(
        district=d,
        by=teacher,
        reported_at=timezone.now() - datetime.timedelta(hours=1),
        method="phone",
    )
    return {"case": case}


AXE_PAGES = [
    ("hr", "/cases/"),
    ("hr", "/cases/new/"),
    ("hr", "/cases/{case}/"),
    ("hr", "/cases/outcomes/"),
    ("hr", "/cases/inspections/"),
    ("hr", "/cases/review/"),
    ("super", "/cases/dcfs-reports/log/"),
    ("teacher", "/cases/{case}/"),
    ("teacher", "/cases/dcfs-reports/"),
    ("teacher", "/personnel/{teacher}/"),
    ("guardian", "/cases/{case}/"),
    ("guardian", "/cases/report/"),
]


@pytest.mark.parametrize(("username", "path"), AXE_PAGES)
def test_the_case_pages_pass_axe_and_fit_a_phone(
    browser: Any,
    live_server: Any,
    district: dict[str, Any],
    cases: dict[str, Any],
    username: str,
    path: str,
) -> None:
    from e2e.conftest import PHONE, assert_fits_phone

    url = live_server.url + path.format(case=cases["case"].pk, teacher=district["teacher"].pk)
    for viewport in ({"width": 1280, "height": 800}, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            sign_in(page, live_server.url, username, PASSWORD)
            response = page.goto(url)
            assert response is not None and response.status == 200, (username, path)
            assert_accessible(page)
            if viewport is PHONE:
                assert_fits_phone(page)
        finally:
            context.close()
