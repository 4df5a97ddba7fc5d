"""/api/v1/screen refuses what it cannot answer in JSON, and limits each token's rate."""

from __future__ import annotations

import pytest

from chalkline.api.tests.conftest import Api
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
