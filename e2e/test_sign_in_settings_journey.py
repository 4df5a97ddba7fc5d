"""The superintendent adds the district's sign-in provider on the settings page, on a phone, against
the REAL test provider (e2e/oidc/provider.mjs, npm oidc-provider); then a teacher signs in with it
in the browser: Chalkline → provider → Chalkline's callback → home."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.core.cache import cache

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import IdentityLink, IdentityProvider
from chalkline.people.roles import Role
from chalkline.people.tests.conftest import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
ENV = "CHALKLINE_SIGN_IN_PRAIRIE"
SLUG = "prairie-idp"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    cache.clear()  # the cache table outlives a transactional test's flush
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    tess = make_person(
        d,
        building=north,
        given_name="Tess",
        family_name="Teacher",
        email="tess@prairie.example.org",
    )
    return {
        "district": d,
        "teacher": make_user(d, Role.EMPLOYEE, building=north, person=tess, username="tess"),
        "superintendent": make_user(d, Role.SUPERINTENDENT, username="superintendent"),
    }


@pytest.fixture
def idp(live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcProvider]:
    settings.SIGN_IN_ALLOW_HTTP_ISSUER = True  # the test provider is plain http on 127.0.0.1
    monkeypatch.setenv(ENV, CLIENT_SECRET)  # what the server's operator would set
    with running_provider([f"{live_server.url}/accounts/sign-in/{SLUG}/callback/"]) as provider:
        yield provider


def test_the_superintendent_adds_a_provider_and_a_teacher_signs_in_with_it(
    phone_page: Any, live_server: Any, district: dict[str, Any], idp: OidcProvider
) -> None:
    base, page = live_server.url, phone_page
    sign_in(page, base, "superintendent", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign-in settings").click()
    page.get_by_role("heading", name="Sign-in settings", level=1).wait_for()
    assert_accessible(page)
    assert_fits_phone(page)

    page.get_by_role("link", name="Add a provider").click()
    page.get_by_label("Button name").fill("Prairie Valley account")
    page.get_by_label("Short name").fill(SLUG)
    page.get_by_label("Kind of provider").select_option("oidc")
    page.get_by_label("Issuer URL").fill(idp.issuer)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret: environment variable").fill(ENV)
    assert_accessible(page)
    assert_fits_phone(page)
    page.get_by_role("button", name="Add provider").click()

    page.get_by_text("Prairie Valley account is added").wait_for()
    assert f"/accounts/sign-in/{SLUG}/callback/" in page.get_by_role("status").inner_text()
    assert "found" in page.locator(".provider-list").inner_text()
    assert CLIENT_SECRET not in page.content()
    assert_accessible(page)
    assert_fits_phone(page)
    provider = IdentityProvider.objects.get(slug=SLUG)
    assert AuditEvent.objects.filter(
        action=Action.SIGN_IN_PROVIDER_CONFIGURED, actor=district["superintendent"]
    ).exists()

    # A bad issuer on the change page: the error names the field, on a phone too.
    page.get_by_role("link", name="Change Prairie Valley account").click()
    page.get_by_label("Issuer URL").fill(f"{idp.issuer}/wrong")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("alert").wait_for()
    assert "answered with status 404" in page.locator("#id_issuer_error").inner_text()
    assert page.get_by_label("Issuer URL").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert_fits_phone(page)

    page.get_by_role("button", name="Sign out").click()
    # The teacher, in the browser: the sign-in page's button, the provider, back to Chalkline.
    requests.post(
        f"{idp.issuer}/__test__/next-login",
        json={
            "sub": "tess-at-idp",
            "claims": {"email": "tess@prairie.example.org", "email_verified": True},
        },
        timeout=10,
    ).raise_for_status()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with Prairie Valley account").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert "tess" in page.locator(".account .who").inner_text()
    link = IdentityLink.objects.get(provider=provider)
    assert (link.subject, link.user_id) == ("tess-at-idp", district["teacher"].pk)
