"""Role matrix for the API, API-token and draft-check views: every persona, own and other
district. (The shared matrix in people/tests lists these url names as covered.)"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.api.services import create_api_token
from conftest import PERSONAS, World

TOKEN_MANAGERS = {"superintendent", "designee", "netadmin", "outsider"}
DRAFT_CHECKERS = {
    "superintendent",
    "designee",
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "teacher_north",
    "teacher_south",
    "outsider",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_tokens_page(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    expected = 200 if persona in TOKEN_MANAGERS else 403
    assert client.get(reverse("api:tokens")).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("district", ["own", "other"])
def test_revoke_token(world: World, client: Client, persona: str, district: str) -> None:
    target = world.district if district == "own" else world.other_district
    token, _ = create_api_token(district=target, name="t", by=None)
    client.force_login(world.users[persona])
    response = client.post(reverse("api:revoke_token", args=[token.pk]))
    own_district_of_persona = world.other_district if persona == "outsider" else world.district
    if persona not in TOKEN_MANAGERS:
        expected = 403
    elif target == own_district_of_persona:
        expected = 302
    else:
        expected = 404
    assert response.status_code == expected, (persona, district)
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (expected == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_screen_api_ignores_sessions(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    response = client.post(
        reverse("api:screen"),
        data=json.dumps({"text": "hi", "sender": {"role": "t"}, "audience": {"kind": "public"}}),
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_openapi_is_public(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    assert client.get(reverse("api:openapi")).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_draft_check_page(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    expected = 200 if persona in DRAFT_CHECKERS else 403
    assert client.get(reverse("drafts:check")).status_code == expected
    post = client.post(reverse("drafts:check"), {"text": "Hello", "audience": "public"})
    assert post.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_keep_check_needs_the_capability(world: World, client: Client, persona: str) -> None:
    client.force_login(world.users[persona])
    response = client.post(reverse("drafts:keep"), {"check": "x"})
    # Allowed personas get past access and are refused the forged check (400); others 403.
    assert response.status_code == (400 if persona in DRAFT_CHECKERS else 403)


@pytest.mark.parametrize("name", ["api:tokens", "drafts:check"])
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_posts_are_sent_to_sign_in(world: World, client: Client) -> None:
    token, _ = create_api_token(district=world.district, name="t", by=None)
    for url in (reverse("api:revoke_token", args=[token.pk]), reverse("drafts:keep")):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
