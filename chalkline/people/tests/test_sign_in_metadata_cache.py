"""The provider's discovery document and keys are cached, and fetched again on key rotation:
counted at the REAL provider (e2e/oidc/provider.mjs counts the requests it serves)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from chalkline.people.models import IdentityProvider
from chalkline.people.services.sign_in import configure_provider
from chalkline.people.tests.conftest import CLIENT_ID, SECRET_ENV, OidcProvider
from conftest import World


def _sign_in(oidc_provider: OidcProvider, client: Client, world: World) -> Any:
    teacher = world.users["teacher_north"]
    assert teacher.person is not None
    claims = {"email": teacher.person.email, "email_verified": True}
    response = oidc_provider.sign_in(client, "prairie-idp", sub="idp-tess", claims=claims)
    signed_in = client.get(reverse("home")).wsgi_request.user.pk
    client.logout()
    return response, signed_in


def _fetched_since(oidc_provider: OidcProvider, before: dict[str, int]) -> dict[str, int]:
    now = oidc_provider.requests_seen()
    return {kind: now[kind] - before[kind] for kind in ("discovery", "jwks")}


def _configure(world: World, issuer: str) -> None:
    configure_provider(
        by=None,
        district=world.district,
        slug="prairie-idp",
        name="Prairie Valley account",
        kind=IdentityProvider.Kind.OIDC,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret_env=SECRET_ENV,
    )


def test_a_second_sign_in_fetches_neither_the_discovery_document_nor_the_keys(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _configure(world, oidc_provider.issuer)
    before = oidc_provider.requests_seen()
    response, user = _sign_in(oidc_provider, client, world)
    assert response.status_code == 302 and user == world.users["teacher_north"].pk
    assert _fetched_since(oidc_provider, before) == {"discovery": 1, "jwks": 1}

    before = oidc_provider.requests_seen()
    for _ in range(2):
        response, user = _sign_in(oidc_provider, client, world)
        assert response.status_code == 302 and user == world.users["teacher_north"].pk
    assert _fetched_since(oidc_provider, before) == {"discovery": 0, "jwks": 0}


def test_a_rotated_key_is_fetched_once_and_then_served_from_the_cache(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _configure(world, oidc_provider.issuer)
    response, _ = _sign_in(oidc_provider, client, world)
    assert response.status_code == 302

    oidc_provider.rotate_key()
    before = oidc_provider.requests_seen()
    # The token now names a key the cached set lacks: the keys are fetched again, once.
    response, user = _sign_in(oidc_provider, client, world)
    assert response.status_code == 302 and user == world.users["teacher_north"].pk
    assert _fetched_since(oidc_provider, before) == {"discovery": 0, "jwks": 1}

    before = oidc_provider.requests_seen()
    response, user = _sign_in(oidc_provider, client, world)
    assert response.status_code == 302 and user == world.users["teacher_north"].pk
    assert _fetched_since(oidc_provider, before) == {"discovery": 0, "jwks": 0}
