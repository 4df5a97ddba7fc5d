"""POST /api/v1/screen refuses every request without a live token of the caller's district."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chalkline.api.models import ApiToken
from chalkline.api.services import create_api_token, revoke_api_token
from chalkline.audit.models import AuditEvent
from conftest import World

BODY = {"text": "Hello families!", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}


def post(client: Client, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/api/v1/screen", data=json.dumps(BODY), content_type="application/json", headers=headers
    )


def assert_401(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["field"] == "Authorization"
    assert error["message"]


def test_no_token_is_401(world: World, client: Client) -> None:
    assert_401(post(client))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer clk_00000000_not-a-real-secret",
        "Bearer nonsense",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "clk_00000000_no-scheme",
    ],
)
def test_bad_token_is_401(world: World, client: Client, header: str) -> None:
    assert_401(post(client, {"Authorization": header}))


def test_right_prefix_wrong_secret_is_401(
    world: World, client: Client, api_token: tuple[ApiToken, str]
) -> None:
    token, plain = api_token
    forged = f"{token.prefix}_{'x' * 43}"
    assert forged != plain
    assert_401(post(client, {"Authorization": f"Bearer {forged}"}))


def test_revoked_token_is_401(world: World, client: Client) -> None:
    token, plain = create_api_token(district=world.district, name="old", by=None)
    assert post(client, {"Authorization": f"Bearer {plain}"}).status_code == 200
    revoke_api_token(token=token, by=world.users["netadmin"])
    assert_401(post(client, {"Authorization": f"Bearer {plain}"}))


def test_a_signed_in_session_is_not_a_token(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    assert_401(post(client))


def test_only_a_hash_of_the_token_is_stored(world: World) -> None:
    token, plain = create_api_token(district=world.district, name="relay", by=None)
    token.refresh_from_db()
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert plain not in json.dumps([str(v) for v in row.values()])
    assert len(token.token_hash) == 64
    assert plain.startswith(token.prefix + "_")
    events = AuditEvent.objects.filter(action="api.token_created", target_id=str(token.pk))
    assert events.count() == 1
    assert plain not in json.dumps([events[0].before, events[0].after])


def test_get_is_405_in_json(world: World, client: Client, api_token: tuple[ApiToken, str]) -> None:
    response = client.get("/api/v1/screen", headers={"Authorization": f"Bearer {api_token[1]}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_token_works_without_csrf_token(world: World, api_token: tuple[ApiToken, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post(client, {"Authorization": f"Bearer {api_token[1]}"})
    assert response.status_code == 200


def test_staff_pages_still_need_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["superintendent"])
    response = client.post("/api/v1/tokens/", {"name": "x", "scopes": ["screen"]})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()
