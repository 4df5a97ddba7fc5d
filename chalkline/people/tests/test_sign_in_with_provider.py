"""Sign-in with the district's OpenID Connect provider, against a REAL provider on 127.0.0.1
(e2e/oidc/provider.mjs, the npm package oidc-provider): code flow with PKCE, state and nonce."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import IdentityLink, IdentityProvider, Person, User
from chalkline.people.services.sign_in import configure_provider
from chalkline.people.tests.conftest import CLIENT_ID, SECRET_ENV, OidcProvider
from conftest import World, make_person

DOMAIN = "prairie.example.org"


def _provider(world: World, issuer: str, slug: str = "prairie-idp", **fields: Any) -> Any:
    fields.setdefault("kind", IdentityProvider.Kind.OIDC)
    return configure_provider(
        by=None,
        district=world.district,
        slug=slug,
        name="Prairie Valley account",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret_env=SECRET_ENV,
        **fields,
    )


def _claims(person: Person | None, **extra: Any) -> dict[str, Any]:
    assert person is not None
    return {"email": person.email, "email_verified": True, "name": "Tess Teacher", **extra}


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _signed_in_as(client: Client) -> int | None:
    home = client.get(reverse("home"))
    user = home.wsgi_request.user
    return user.pk if home.status_code == 200 and user.is_authenticated else None


def test_a_good_first_sign_in_links_the_directory_person_by_sub(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    provider = _provider(world, oidc_provider.issuer)
    teacher = world.users["teacher_north"]
    response = oidc_provider.sign_in(
        client, "prairie-idp", sub="idp-tess", claims=_claims(teacher.person)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _signed_in_as(client) == teacher.pk
    link = IdentityLink.objects.get(provider=provider)
    assert (link.subject, link.user_id) == ("idp-tess", teacher.pk)
    event = AuditEvent.objects.get(action=Action.SIGN_IN_LINKED)
    assert event.actor_id == teacher.pk


def test_the_start_uses_pkce_state_and_nonce(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    start = client.get(reverse("sso_start", args=["prairie-idp"]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]
    assert query["client_id"] == [CLIENT_ID]


def test_after_the_first_sign_in_the_link_is_the_sub_never_the_email(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    teacher = world.users["teacher_north"]
    oidc_provider.sign_in(client, "prairie-idp", sub="idp-tess", claims=_claims(teacher.person))
    client.logout()
    # The provider now says the same subject has another (district) address: still Tess.
    renamed = _claims(teacher.person, email=f"someone.else@{DOMAIN}")
    response = oidc_provider.sign_in(client, "prairie-idp", sub="idp-tess", claims=renamed)
    assert response.status_code == 302
    assert _signed_in_as(client) == teacher.pk
    client.logout()
    # Another subject claiming Tess's address gets nothing: she is linked already.
    response = oidc_provider.sign_in(
        client, "prairie-idp", sub="idp-impostor", claims=_claims(teacher.person)
    )
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert IdentityLink.objects.count() == 1


@pytest.mark.parametrize(
    ("tamper", "sentence"),
    [
        ({"aud": "another-application"}, "meant for another application"),
        ({"exp_offset": -3600}, "had expired"),
        ({"nonce": "not-the-nonce-we-sent"}, "did not belong to this sign-in"),
        ({"iss": "https://idp.elsewhere.example"}, "did not come from the district"),
    ],
    ids=["wrong-audience", "expired", "bad-nonce", "other-issuer"],
)
def test_a_token_that_fails_verification_is_refused_with_a_clear_page(
    world: World,
    client: Client,
    oidc_provider: OidcProvider,
    tamper: dict[str, Any],
    sentence: str,
) -> None:
    _provider(world, oidc_provider.issuer)
    teacher = world.users["teacher_north"]
    response = oidc_provider.sign_in(
        client, "prairie-idp", sub="idp-tess", claims=_claims(teacher.person), tamper=tamper
    )
    assert response.status_code == 403
    assert sentence in _page(response)
    assert _signed_in_as(client) is None
    assert not IdentityLink.objects.exists()


def test_an_email_outside_the_district_domains_is_refused(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    # Otto is in the other district's directory, with the other district's address.
    response = oidc_provider.sign_in(
        client, "prairie-idp", sub="idp-otto", claims=_claims(world.staff_elsewhere)
    )
    assert response.status_code == 403
    assert "district's own email domains" in _page(response)
    assert not User.objects.filter(email__iexact=world.staff_elsewhere.email).exists()


def test_an_unverified_email_is_refused(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    claims = _claims(world.users["teacher_north"].person, email_verified=False)
    response = oidc_provider.sign_in(client, "prairie-idp", sub="idp-tess", claims=claims)
    assert response.status_code == 403
    assert "not verified" in _page(response)


def test_a_spoofed_email_from_another_entra_tenant_is_refused(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(
        world,
        oidc_provider.issuer,
        slug="prairie-entra",
        kind=IdentityProvider.Kind.ENTRA,
        tenant_id="tenant-prairie",
    )
    nora_address = world.staff_north.email
    spoof = {"email": nora_address, "tid": "tenant-attacker"}
    response = oidc_provider.sign_in(client, "prairie-entra", sub="evil", claims=spoof)
    assert response.status_code == 403
    assert "another organization" in _page(response)
    assert not IdentityLink.objects.exists()
    assert not User.objects.filter(person=world.staff_north).exists()
    # The district's own tenant, same address: the directory person gets an account.
    good = {"email": nora_address, "tid": "tenant-prairie"}
    response = oidc_provider.sign_in(client, "prairie-entra", sub="nora", claims=good)
    assert response.status_code == 302
    created = User.objects.get(person=world.staff_north)
    assert not created.has_usable_password()
    assert not created.memberships.exists(), "roles only come from memberships"


def test_google_workspace_requires_the_hosted_domain(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(
        world,
        oidc_provider.issuer,
        slug="prairie-google",
        kind=IdentityProvider.Kind.GOOGLE,
        hosted_domain=DOMAIN,
    )
    claims = _claims(world.users["teacher_north"].person)
    response = oidc_provider.sign_in(client, "prairie-google", sub="g-tess", claims=claims)
    assert response.status_code == 403, "a consumer Google account has no hd claim"
    response = oidc_provider.sign_in(
        client, "prairie-google", sub="g-tess", claims={**claims, "hd": DOMAIN}
    )
    assert response.status_code == 302


def test_nobody_outside_the_directory_gets_an_account(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    users_before = User.objects.count()
    stranger = {"email": f"new.hire@{DOMAIN}", "email_verified": True}
    response = oidc_provider.sign_in(client, "prairie-idp", sub="idp-new", claims=stranger)
    assert response.status_code == 403
    assert "No one with this email address" in _page(response)
    assert User.objects.count() == users_before


def test_a_person_deactivated_in_the_directory_can_no_longer_sign_in(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    teacher = world.users["teacher_north"]
    claims = _claims(teacher.person)
    assert oidc_provider.sign_in(client, "prairie-idp", sub="t", claims=claims).status_code == 302
    client.logout()
    # What a roster import does to a leaver (chalkline/people/tests/test_leavers.py).
    Person.objects.filter(user=teacher).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason="Left the district"
    )
    response = oidc_provider.sign_in(client, "prairie-idp", sub="t", claims=claims)
    assert response.status_code == 403
    assert "no longer active" in _page(response)
    assert _signed_in_as(client) is None


def test_a_callback_with_a_forged_state_is_refused(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    client.get(reverse("sso_start", args=["prairie-idp"]))
    response = client.get(
        reverse("sso_callback", args=["prairie-idp"]), {"code": "x", "state": "forged"}
    )
    assert response.status_code == 403
    assert "started in another browser" in _page(response)


def test_the_sign_in_page_offers_the_district_provider(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Prairie Valley account" in page
    assert reverse("sso_start", args=["prairie-idp"]) in page


def test_a_new_person_in_the_directory_is_matched_case_insensitively(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _provider(world, oidc_provider.issuer)
    person = make_person(world.district, building=world.north, email=f"Ada.Lovelace@{DOMAIN}")
    claims = {"email": f"ada.lovelace@{DOMAIN}", "email_verified": True}
    response = oidc_provider.sign_in(client, "prairie-idp", sub="ada", claims=claims)
    assert response.status_code == 302
    assert User.objects.get(person=person).identity_links.get().subject == "ada"
