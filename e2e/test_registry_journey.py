"""Issue 21's registry journey in a browser: a teacher asks for an app; the network administrator
reviews it and recommends it; the official the district authorizes (the Superintendent) approves
it with the signed agreement and posts it; the app appears on the public privacy page. Every page
on the way passes axe."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.people.roles import Role
from chalkline.registry.models import App
from chalkline.registry.samplepdf import one_page_pdf
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
    make_user(d, Role.NETWORK_ADMIN, username="netadmin")
    make_user(d, Role.SUPERINTENDENT, username="super")
    return {"district": d}


def test_a_requested_app_reaches_the_public_page(
    browser: Any, live_server: Any, district: dict[str, Any], tmp_path: Any
) -> None:
    base = live_server.url

    def as_user(username: str) -> Any:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, base, username, PASSWORD)
        return page

    teacher = as_user("teacher")
    teacher.goto(f"{base}/registry/")
    assert_accessible(teacher)
    teacher.get_by_role("link", name="Ask for an app to be approved").click()
    assert_accessible(teacher)
    teacher.get_by_label("App or account name").fill("Bloomz")
    teacher.get_by_label("Company (operator)").fill("Bloomz, Inc.")
    teacher.get_by_label("Operator's business address").fill("1110 Tennessee St, Vallejo, CA")
    teacher.get_by_label("Used for").select_option("staff_family")
    teacher.get_by_label("Data elements shared").fill("parent name\nparent email")
    teacher.get_by_role("button", name="Send the request").click()
    teacher.wait_for_load_state("networkidle")
    assert "Requested" in teacher.content()
    app = App.objects.get(name="Bloomz")

    admin = as_user("netadmin")
    admin.goto(f"{base}/registry/{app.pk}/")
    assert_accessible(admin)
    for label in (
        "Data elements are acceptable",
        "Age limits fit our students",
        "Accessible (WCAG 2.1 AA)",
        "Security practices are adequate",
    ):
        admin.get_by_label(label).check()
    admin.get_by_label("Approve").check()
    admin.get_by_role("button", name="Record the review").click()
    admin.wait_for_load_state("networkidle")
    assert "Under review" in admin.content()

    official = as_user("super")
    official.goto(f"{base}/registry/{app.pk}/")
    assert_accessible(official)
    agreement = tmp_path / "bloomz.pdf"
    agreement.write_bytes(one_page_pdf("Bloomz data privacy agreement"))
    official.get_by_label("Signed agreement (PDF, at most 20 MB)").set_input_files(str(agreement))
    official.get_by_label("Signed on").fill("2026-09-01")
    official.get_by_label("Expires on").fill("2027-08-31")
    official.get_by_role("button", name="Approve").click()
    official.wait_for_load_state("networkidle")
    official.get_by_role("button", name="Post on the public page").click()
    official.wait_for_load_state("networkidle")

    public = browser.new_context().new_page()
    public.goto(f"{base}/d/prairie/privacy/")
    assert public.get_by_role("heading", name="Bloomz").is_visible()
    assert "1110 Tennessee St, Vallejo, CA" in public.content()
    assert_accessible(public)
    public.get_by_label("Search by app, company or data element").fill("parent email")
    public.get_by_role("button", name="Search").click()
    public.wait_for_load_state("networkidle")
    assert "1 result for" in public.content()


def test_the_approvers_pages_pass_axe(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    sign_in(page, live_server.url, "super", PASSWORD)
    for path in ("/registry/import/", "/registry/privacy-page/", "/registry/breaches/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
    page.get_by_label("Date (or first day)").fill("2026-09-01")
    page.get_by_label("Number of students").fill("12")
    page.get_by_label("The district learned of it on").fill("2026-09-03")
    page.get_by_role("button", name="Log the breach").click()
    page.wait_for_load_state("networkidle")
    assert "Notify families by" in page.content()
    assert_accessible(page)


def test_a_teacher_asks_to_use_the_logo_and_the_superintendent_grants_it(
    browser: Any, live_server: Any, district: dict[str, Any], tmp_path: Any
) -> None:
    """The District's logo (duty 7): the teacher asks, the superintendent adds the logo image
    screening looks for and grants the request for a period; the pages pass axe, on a phone
    too."""
    from chalkline.registry.models import DistrictLogo, LogoPermission
    from chalkline.screening.tests.test_images import _jpeg, _logo
    from e2e.conftest import assert_fits_phone

    base = live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 740})
    teacher = context.new_page()
    teacher.set_default_timeout(10_000)
    sign_in(teacher, base, "teacher", PASSWORD)
    teacher.goto(f"{base}/registry/logo/")
    assert_accessible(teacher)
    assert_fits_phone(teacher)
    teacher.get_by_role("link", name="Ask for permission to use the logo").click()
    assert_accessible(teacher)
    teacher.get_by_label("What will you use the logo for?").fill("Robotics team T-shirts")
    teacher.get_by_role("button", name="Send the request").click()
    teacher.wait_for_load_state("networkidle")
    assert "Requested" in teacher.content()
    assert_accessible(teacher)

    official = browser.new_context().new_page()
    official.set_default_timeout(10_000)
    sign_in(official, base, "super", PASSWORD)
    official.goto(f"{base}/registry/logo/review/")
    assert_accessible(official)
    image = tmp_path / "seal.jpg"
    image.write_bytes(_jpeg(_logo()))
    official.get_by_label("Name").fill("District seal")
    official.get_by_label("Logo image (PNG or JPEG, up to 5 MB)").set_input_files(str(image))
    official.get_by_role("button", name="Add the image").click()
    official.wait_for_load_state("networkidle")
    assert DistrictLogo.objects.filter(name="District seal").exists()
    permission = LogoPermission.objects.get()
    official.get_by_label("Permitted until").fill("2099-06-30")
    official.get_by_role("button", name="Grant").click()
    official.wait_for_load_state("networkidle")
    assert_accessible(official)
    permission.refresh_from_db()
    assert permission.status == LogoPermission.Status.GRANTED

    teacher.goto(f"{base}/registry/logo/")
    assert "Granted" in teacher.content() and "June 30, 2099" in teacher.content()
