"""Role matrix of the sign-in settings pages: every persona, a provider of their own district and
one of another. Only the superintendent and the designee manage sign-in (the outsider is the
superintendent of the other district)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.people.models import District, IdentityProvider
from chalkline.people.services.sign_in import configure_provider
from conftest import PERSONAS, World

MANAGERS = {"superintendent", "designee", "outsider"}


def _provider(district: District, slug: str) -> IdentityProvider:
    return configure_provider(
        by=None,
        district=district,
        slug=slug,
        name="District account",
        kind=IdentityProvider.Kind.OIDC,
        issuer="https://idp.example.org",
        client_id="chalkline",
        client_secret_env="CHALKLINE_SIGN_IN_MATRIX",
    )


def _own_district(world: World, persona: str) -> District:
    return world.other_district if persona == "outsider" else world.district


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["people:sign_in", "people:sign_in_provider_new"])
def test_the_settings_pages(world: World, client: Client, persona: str, name: str) -> None:
    client.force_login(world.users[persona])
    expected = 200 if persona in MANAGERS else 403
    assert client.get(reverse(name)).status_code == expected, (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_a_providers_page_and_switch(
    world: World, client: Client, persona: str, whose: str
) -> None:
    own = _own_district(world, persona)
    district = (
        own
        if whose == "own"
        else (world.district if own == world.other_district else world.other_district)
    )
    provider = _provider(district, "idp")
    client.force_login(world.users[persona])
    page = client.get(reverse("people:sign_in_provider", args=[provider.pk]))
    switch = client.post(reverse("people:sign_in_provider_active", args=[provider.pk]))
    if persona not in MANAGERS:
        expected = (403, 403)
    elif whose == "own":
        expected = (200, 302)
    else:
        expected = (404, 404)
    assert (page.status_code, switch.status_code) == expected, (persona, whose)
    provider.refresh_from_db()
    assert provider.active == (expected[1] != 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_password_switch(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    response = client.post(reverse("people:sign_in_passwords"), {"passwords": "on"})
    assert response.status_code == (302 if persona in MANAGERS else 403), persona


@pytest.mark.parametrize(
    "name", ["people:sign_in", "people:sign_in_provider_new", "people:sign_in_passwords"]
)
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
