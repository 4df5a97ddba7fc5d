"""/api/v1/screen refuses what it cannot answer in JSON, and limits each token's rate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chalkline.api.services import create_api_token
from chalkline.api.tests.conftest import Api
from chalkline.api.tests.test_screen import body
from chalkline.audit.models import AuditEvent
from conftest import World


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "\\ud800", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}',
        b'{"text": "hi", "sender": {"role": "teacher", "id": "\\udfff"}, '
        b'"audience": {"kind": "public"}}',
        b'{"text": "hi", "sender": {"role": "teacher"}, "audience": {"kind": "public"}, '
        b'"\\ud83d": 1}',
    ],
)
def test_a_lone_surrogate_escape_is_a_json_400_and_is_not_audited(
    world: World, api: Api, raw: bytes
) -> None:
    before = AuditEvent.objects.filter(action="api.screened").count()
    response = api.post(raw)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "invalid_json"
    assert AuditEvent.objects.filter(action="api.screened").count() == before


def test_a_proper_surrogate_pair_is_screened(world: World, api: Api) -> None:
    raw = b'{"text": "Go team \\ud83c\\udf89", "sender": {"role": "teacher"}, ' + (
        b'"audience": {"kind": "public"}}'
    )
    response = api.post(raw)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="api.screened").count() == 1


def test_each_token_is_rate_limited_with_a_json_429(
    world: World, api: Api, settings: Any, client: Client
) -> None:
    settings.RATE_LIMIT_API_SCREEN = (2, 60)
    assert api.post(body("hello")).status_code == 200
    assert api.post(body("hello")).status_code == 200
    refused = api.post(body("hello"))
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert AuditEvent.objects.filter(action="api.screened").count() == 2
    # Another token has its own allowance.
    _, other = create_api_token(
        district=world.district, name="Second relay", by=world.users["superintendent"]
    )
    assert Api(client, other).post(body("hello")).status_code == 200
