"""A principal invites a building's families; the guardian opens the link from the real e-mail
(an aiosmtpd sink received it through the outbox), sets a password and signs in on a phone,
then sets their preferences. axe runs on the invitations, claim, sign-in link and preferences
pages, and each fits a 375 px phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalkline.messaging.models import ContactPreference
from chalkline.people.models import GuardianLink, Person, User
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "maple river lantern"
LINK = re.compile(r"(https?://\S+/messages/claim/\S+/)")


@pytest.fixture
def district(transactional_db: Any, settings: Any, smtp_server: Any, live_server: Any) -> Any:
    controller, received = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.SITE_URL = live_server.url
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    maria = make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia"
    )
    elena = make_person(
        d,
        kind=Person.Kind.GUARDIAN,
        given_name="Elena",
        family_name="Garcia",
        email="elena.garcia@families.example.net",
    )
    GuardianLink.objects.create(guardian=elena, student=maria)
    make_user(d, Role.PRINCIPAL, building=north, username="principal")
    return {"district": d, "elena": elena, "received": received}


def test_a_guardian_claims_an_invitation_and_signs_in_on_a_phone(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "principal", PASSWORD)
    page.goto(f"{base}/messages/")
    page.get_by_role("link", name="Invite families and students").click()
    page.get_by_role("heading", name="Invitations: North Elementary").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Invite everyone not yet invited (1)").click()
    page.get_by_text("1 invitation queued").wait_for()
    assert_accessible(page)

    received = district["received"]
    assert [m["To"] for m in received] == ["elena.garcia@families.example.net"]
    body = received[0].get_payload(decode=True).decode()
    found = LINK.search(body)
    assert found is not None
    link = found.group(1)

    phone_page.goto(link)
    phone_page.get_by_role("heading", name="Set up your account").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    phone_page.get_by_label("Choose a password").fill("short")
    phone_page.get_by_label("The same password again").fill("short")
    phone_page.get_by_role("button", name="Set my password").click()
    phone_page.get_by_role("heading", name="Your account was not set up").wait_for()
    assert_accessible(phone_page)
    phone_page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone_page.get_by_label("The same password again").fill(NEW_PASSWORD)
    phone_page.get_by_role("button", name="Set my password").click()
    phone_page.get_by_text("Your account is ready").wait_for()

    phone_page.get_by_label("Username or email").fill("elena.garcia@families.example.net")
    phone_page.get_by_label("Password").fill(NEW_PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    phone_page.get_by_role("heading", name="Messages").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    assert User.objects.get(person=district["elena"]).is_active

    phone_page.get_by_role("link", name="Your language and contact preferences").click()
    phone_page.get_by_role("heading", name="Your preferences").wait_for()
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    phone_page.get_by_label("Preferred language").select_option("es")
    phone_page.get_by_label("Once a day, in a daily digest").check()
    phone_page.get_by_role("button", name="Save preferences").click()
    phone_page.get_by_text("Your preferences are saved").wait_for()
    pref = ContactPreference.objects.get(person=district["elena"])
    assert (pref.language, pref.cadence) == ("es", "digest")

    # the link is used: a second browser is told so
    page.goto(link)
    page.get_by_role("heading", name="This link cannot be used").wait_for()
    assert page.get_by_text("already been used").is_visible()
    assert_accessible(page)


def test_the_sign_in_link_pages_pass_axe_on_a_phone(
    phone_page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    phone_page.goto(f"{live_server.url}/messages/sign-in/")
    assert_accessible(phone_page)
    assert_fits_phone(phone_page)
    phone_page.get_by_label("Your e-mail address").fill("elena.garcia@families.example.net")
    phone_page.get_by_role("button", name="Send the link").click()
    phone_page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert_accessible(phone_page)
