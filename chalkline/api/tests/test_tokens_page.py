"""The staff page where the superintendent, a designee or the network administrator creates and
revokes API tokens."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from chalkline.api.models import ApiToken
from chalkline.api.services import create_api_token, hash_token
from chalkline.audit.models import AuditEvent
from conftest import World


def test_netadmin_creates_a_token_and_sees_it_once(world: World, client: Client) -> None:
    client.force_login(world.users["netadmin"])
    response = client.post(reverse("api:tokens"), {"name": "Hub relay", "scopes": ["screen"]})
    assert response.status_code == 201
    token = ApiToken.objects.get(name="Hub relay")
    plain = response.context["plain"]
    assert plain in response.content.decode()
    assert token.token_hash == hash_token(plain)
    assert token.district == world.district
    assert token.created_by == world.users["netadmin"]
    assert token.scopes == ["screen"]
    event = AuditEvent.objects.get(action="api.token_created", target_id=str(token.pk))
    assert event.actor_id == world.users["netadmin"].pk
    assert plain not in event.after
    # Shown once: the list page never shows it again.
    again = client.get(reverse("api:tokens"))
    assert plain not in again.content.decode()
    assert token.prefix in again.content.decode()
    # And the token works.
    api = client.post(
        "/api/v1/screen",
        data=json.dumps(
            {"text": "hello", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert api.status_code == 200


def test_a_token_needs_a_name(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("api:tokens"), {"name": "  ", "scopes": ["screen"]})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert (
        "This field is required" in response.content.decode() or "name" in response.content.decode()
    )


def test_designee_revokes_a_token(world: World, client: Client) -> None:
    token, plain = create_api_token(district=world.district, name="old", by=None)
    client.force_login(world.users["designee"])
    response = client.post(reverse("api:revoke_token", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == world.users["designee"]
    event = AuditEvent.objects.get(action="api.token_revoked", target_id=str(token.pk))
    assert event.actor_id == world.users["designee"].pk
    page = client.get(reverse("api:tokens")).content.decode()
    assert "Revoked" in page
    # Revoking twice changes nothing and writes no second event.
    client.post(reverse("api:revoke_token", args=[token.pk]))
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_a_principal_may_not_create_tokens(world: World, client: Client) -> None:
    client.force_login(world.users["principal_north"])
    response = client.post(reverse("api:tokens"), {"name": "sneaky", "scopes": ["screen"]})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_another_districts_token_is_404(world: World, client: Client) -> None:
    token, _ = create_api_token(district=world.other_district, name="theirs", by=None)
    client.force_login(world.users["superintendent"])
    assert client.post(reverse("api:revoke_token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "theirs" not in client.get(reverse("api:tokens")).content.decode()
