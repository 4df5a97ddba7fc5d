"""Browser checks of issue 17: axe (all WCAG 2.1 A/AA rules, colour contrast included) on the
new-campaign form and the portal, and where the draft check's findings land after submitting."""

from __future__ import annotations

from typing import Any

import pytest

from chalkline.people.models import Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from chalkline.policies.tests.factories import import_seed
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
DRAFT = "So proud of Maria Garcia-Lopez for winning the spelling bee today!"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia-Lopez"
    )
    teacher = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_user(d, Role.EMPLOYEE, building=north, person=teacher, username="teacher")
    make_user(d, Role.SUPERINTENDENT, username="super")
    import_seed(d)
    return {"district": d}


def test_the_new_campaign_form_passes_axe_with_colour_contrast(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    sign_in(page, live_server.url, "super", PASSWORD)
    page.goto(f"{live_server.url}/acknowledgments/campaigns/new/")
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []


def test_the_portal_clause_links_pass_axe_and_do_not_rely_on_colour(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    page.goto(f"{live_server.url}/d/prairie/policies/5:125/")
    link = page.locator("a.clause-link").first
    style = link.evaluate(
        "e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.borderTopWidth]; }"
    )
    assert style[0] == "solid" and style[1] != "0px"  # a box around it, not colour alone
    assert_accessible(page)


@pytest.mark.parametrize("size", [{"width": 375, "height": 740}, {"width": 1280, "height": 800}])
def test_the_findings_are_near_the_top_after_checking(
    browser: Any, live_server: Any, district: dict[str, Any], size: dict[str, int]
) -> None:
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, "teacher", PASSWORD)
        page.goto(f"{live_server.url}/check/")
        page.get_by_label("Your draft", exact=True).fill(DRAFT)
        page.get_by_label("A public or social-media post").check()
        page.get_by_role("button", name="Check my draft").click()
        page.wait_for_selector("#results-heading")
        top = page.evaluate(
            "() => document.getElementById('results-heading').getBoundingClientRect().top"
            " + window.scrollY"
        )
        print(f"findings heading top at {size['width']}px wide: {top:.0f}px")
        assert top < 300, top
        assert_accessible(page)
    finally:
        context.close()


# Signed-in pages checked with axe (every WCAG 2.1 A/AA rule) and for a 375 px phone, each as the
# persona that can open it. Add new signed-in pages here.
SIGNED_IN_PAGES: list[tuple[str, str]] = [
    # sign-in settings (issue 20)
    ("super", "/directory/sign-in/"),
    ("super", "/directory/sign-in/providers/new/"),
    ("super", "/directory/sign-in/providers/{provider}/"),
    ("super", "/accounts/two-factor/"),
    # messaging hub (issue 18); thread pages: e2e/test_messaging_journey.py
    ("teacher", "/messages/"),
    ("teacher", "/messages/new/"),
    ("super", "/messages/new/"),
    ("super", "/messages/settings/"),
    # records retention and disposal (m18f); the confirm page: e2e/test_records_journey.py
    ("super", "/messages/records/schedules/"),
    ("super", "/messages/records/certificates/"),
    ("super", "/messages/records/holds/"),
    ("super", "/messages/records/disposal/"),
    # family accounts and contact restrictions (issue 18, m18a); the claim, sign-in link and
    # preferences pages: e2e/test_family_invitation_journey.py
    ("super", "/messages/invitations/"),
    ("super", "/messages/restrictions/"),
    ("super", "/messages/restrictions/s/{student}/"),
    ("super", "/messages/settings/families/"),
    # quiet hours and the review queue (m18d); item and report pages:
    # e2e/test_review_queue_journey.py
    ("super", "/messages/review/"),
    ("super", "/messages/settings/quiet-hours/"),
    # e-mail, unreachable families, office hours (issue 18, m18b); the delivery-status page:
    # e2e/test_email_reply_journey.py
    ("super", "/messages/unreachable/"),
    ("teacher", "/messages/office-hours/"),
    # media releases (issue 18, m18c); the composer's photo step: e2e/test_attachments_journey.py
    ("super", "/messages/media-releases/"),
    # the message archive (issue 18, m18e); archive thread and exports with rows:
    # e2e/test_archive_journey.py
    ("super", "/messages/archive/"),
    ("super", "/messages/archive/?text=quiz"),
    ("super", "/messages/archive/exports/"),
    # policy reviews and the Board (issue 22); review and Board item pages:
    # e2e/test_reviews_journeys.py
    ("super", "/reviews/"),
    ("super", "/reviews/all/"),
    ("super", "/reviews/board/"),
]


@pytest.mark.parametrize(("who", "path"), SIGNED_IN_PAGES)
def test_signed_in_pages_pass_axe_and_fit_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any], who: str, path: str
) -> None:
    from chalkline.people.models import IdentityProvider
    from chalkline.people.services.sign_in import configure_provider

    provider = configure_provider(
        by=None,
        district=district["district"],
        slug="prairie-google",
        name="Prairie Valley Google account",
        kind=IdentityProvider.Kind.GOOGLE,
        issuer="https://accounts.google.com",
        client_id="1234.apps.googleusercontent.com",
        client_secret_env="CHALKLINE_SIGN_IN_GOOGLE",
        hosted_domain="prairie.example.org",
    )
    sign_in(phone_page, live_server.url, who, PASSWORD)
    student = Person.objects.filter(kind=Person.Kind.STUDENT).first()
    assert student is not None
    response = phone_page.goto(
        live_server.url + path.format(provider=provider.pk, student=student.pk)
    )
    assert response.status == 200, path
    assert axe_violations(phone_page, impacts=("minor", "moderate", "serious", "critical")) == []
    assert_fits_phone(phone_page)
