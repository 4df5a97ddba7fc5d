"""Journeys of the foundation: sign-in, building-scoped directory, 404 elsewhere, axe everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.people.roles import Role
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    south = make_building(d, "South Middle", "south", level="middle")
    nora = make_person(
        d, building=north, given_name="Nora", family_name="Northcott", job_title="Art Teacher"
    )
    sam = make_person(
        d, building=south, given_name="Sam", family_name="Southard", job_title="Coach"
    )
    teacher = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    return {
        "district": d,
        "north": north,
        "south": south,
        "nora": nora,
        "sam": sam,
        "principal": make_user(d, Role.PRINCIPAL, building=north, username="principal"),
        "teacher": make_user(d, Role.EMPLOYEE, building=north, person=teacher, username="teacher"),
        "superintendent": make_user(d, Role.SUPERINTENDENT, username="superintendent"),
    }


def test_principal_sees_only_their_building_staff(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page)
    sign_in(page, base, "principal", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    # The vendored htmx and the stylesheet are served (a missing static file would still pass axe).
    assert page.evaluate("() => typeof htmx") == "object"
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display")
        == "flex"
    )
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    links = page.locator("main ul.building-list a").all_inner_texts()
    assert links == ["North Elementary"]
    assert_accessible(page)
    page.get_by_role("link", name="North Elementary").click()
    table = page.get_by_role("table")
    assert "Northcott, Nora" in table.inner_text()
    assert "Southard" not in page.content()
    assert_accessible(page)
    # Search through htmx: the list swaps in place and the page stays accessible.
    page.get_by_label("Search staff by name, email or job title").fill("art")
    page.get_by_role("button", name="Search").click()
    page.wait_for_function(
        "() => document.querySelector('#staff-heading').textContent.includes('art')"
    )
    assert "Northcott" in page.get_by_role("table").inner_text()
    assert_accessible(page)
    response = page.goto(f"{base}/directory/buildings/{district['south'].pk}/")
    assert response.status == 404


def test_employee_opening_another_buildings_directory_gets_404(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "teacher", PASSWORD)
    assert page.goto(f"{base}/directory/buildings/{district['north'].pk}/").status == 200
    response = page.goto(f"{base}/directory/buildings/{district['south'].pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)


def test_superintendent_pages_pass_axe_and_fit_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(phone_page, base, "superintendent", PASSWORD)
    for path in [
        "/",
        "/directory/",
        f"/directory/buildings/{district['north'].pk}/",
        f"/directory/people/{district['nora'].pk}/",
        "/audit/",
        "/accounts/password-reset/",
    ]:
        response = phone_page.goto(base + path)
        assert response.status == 200, path
        assert_accessible(phone_page)
        assert_fits_phone(phone_page)


def test_skip_link_moves_focus_to_main(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "teacher", PASSWORD)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_wrong_password_gets_an_accessible_generic_error(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "teacher", "wrong password")
    alert = page.get_by_role("alert")
    assert "Sign-in failed" in alert.inner_text()
    assert_accessible(page)


def test_superintendent_creates_and_revokes_an_api_token_on_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    """The API tokens page in each of its states (empty, token just created and shown once,
    revoked) passes axe and fits a phone; the token works only until it is revoked."""
    import json

    base = live_server.url
    page = phone_page
    sign_in(page, base, "superintendent", PASSWORD)
    assert page.goto(f"{base}/api/v1/tokens/").status == 200
    assert_accessible(page)
    assert_fits_phone(page)
    page.get_by_label("Token name").fill("Hub relay")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", name="Token “Hub relay” created").wait_for()
    plain = page.get_by_label("Your new token").input_value()
    assert len(plain) >= 32
    assert_accessible(page)
    assert_fits_phone(page)

    def screen_with_token() -> int:
        response = page.request.post(
            f"{base}/api/v1/screen",
            data=json.dumps(
                {
                    "text": "Hello families",
                    "sender": {"role": "teacher"},
                    "audience": {"kind": "public"},
                }
            ),
            headers={"Authorization": f"Bearer {plain}", "Content-Type": "application/json"},
        )
        return response.status

    assert screen_with_token() == 200
    page.get_by_role("button", name="Revoke token Hub relay").click()
    page.get_by_text("Revoked").first.wait_for()
    assert_accessible(page)
    assert_fits_phone(page)
    assert screen_with_token() == 401
