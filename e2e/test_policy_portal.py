"""Policy portal journeys: a family reads 5:125 on a phone (every portal page passes axe), and the
superintendent publishes a new version and compares it."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.people.roles import Role
from chalkline.policies.tests.factories import guideline, import_seed, seed_v2_text
from conftest import make_district, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    d = make_district("prairie", "Prairie Valley CUSD 5")
    version = import_seed(d)
    guideline(version, title="Texting families", body="## When\n\nUse **the hub** only.")
    import_seed(d, text=seed_v2_text(), publish=False)  # a draft that must never show
    return {
        "district": d,
        "version": version,
        "superintendent": make_user(d, Role.SUPERINTENDENT, username="superintendent"),
    }


def test_a_family_reads_the_policy_on_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    page = phone_page
    base = f"{live_server.url}/d/prairie/policies"

    def check() -> None:
        assert_accessible(page)
        assert_fits_phone(page)
        assert "mascots" not in page.content()  # the draft never shows

    page.goto(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Board policy manual"
    check()
    page.get_by_role(
        "link", name="5:125 Personal Technology and Social Media; Usage and Conduct"
    ).click()
    assert "5:125" in page.get_by_role("heading", level=1).inner_text()
    check()
    page.get_by_role("link", name="Link to clause 5:125/use-of-personal-technology/6").click()
    assert "Not disclose student record information" in page.content()
    check()
    page.goto(f"{base}/5:125/")
    page.get_by_role("link", name="Printable view").click()
    assert "Use your browser's Print command" in page.content()
    check()
    page.goto(f"{base}/5:125/")
    page.get_by_role("link", name="What this policy means for families").click()
    assert "What Policy 5:125 means for your family" in page.content()
    check()
    page.goto(f"{base}/5:125/")
    page.get_by_role("link", name="Texting families").click()
    assert page.locator(".guideline-body strong").inner_text() == "the hub"
    check()
    page.get_by_role("searchbox", name="Search the policies").fill("district logos")
    page.get_by_role("button", name="Search").click()
    assert page.locator("mark").count() >= 1
    check()
    response = page.goto(f"{base}/5:125/pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert page.goto(f"{live_server.url}/d/nowhere/policies/").status == 404


def test_the_superintendent_publishes_and_compares(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "superintendent", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Policies").click()
    assert_accessible(page)
    page.get_by_role("link", name="Draft version 2").click()
    assert_accessible(page)
    page.get_by_role("link", name="Publish this draft").click()
    assert page.locator("ins").count() > 0
    assert_accessible(page)
    page.get_by_label("Change summary").fill("Logos and mascots; annual training duty")
    page.get_by_label("This is a material change").check()
    page.get_by_role("button", name="Publish").click()
    assert "Version 2 is published." in page.content()
    assert_accessible(page)
    page.get_by_label("From version").select_option(label="Version 1 (superseded)")
    page.get_by_label("To version").select_option(label="Version 2 (published)")
    page.get_by_role("button", name="Compare").click()
    assert "Changes from version 1 to version 2" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Show the changes clause by clause").click()
    assert "5:125/use-of-personal-technology/7" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Policies").first.click()
    page.get_by_role("link", name="Import a policy").click()
    assert_accessible(page)
    page.get_by_label("Or paste the policy text").fill("Staff Conduct\n\nEmployees behave well.\n")
    page.get_by_role("button", name="Import as draft").click()
    assert page.get_by_label("Policy number").is_visible()
    assert_accessible(page)
    page.get_by_label("Policy number").fill("3:40")
    page.get_by_role("button", name="Import as draft").click()
    assert "Imported policy 3:40 as a draft" in page.content()
