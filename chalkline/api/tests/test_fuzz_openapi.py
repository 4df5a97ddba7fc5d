"""/api/v1 under a fuzzer: schemathesis generates requests from the published OpenAPI document
(valid and invalid bodies, with a valid token) and checks every answer against it: no 5xx, only
documented status codes, content types and headers, and bodies that match their schemas.

The number of examples is bounded (``FUZZ_EXAMPLES``) so the suite stays fast; raise it locally
with ``CHALKLINE_FUZZ_EXAMPLES=2000`` for a longer hunt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from chalkline.api.contract import MAX_ID_CHARS
from chalkline.api.models import ApiToken
from chalkline.api.openapi import openapi_document
from chalkline.api.tests.conftest import Api
from chalkline.api.tests.test_screen import body
from chalkline.wsgi import application
from conftest import World

FUZZ_EXAMPLES = int(os.environ.get("CHALKLINE_FUZZ_EXAMPLES", "40"))


# The document the API serves (test_openapi.py checks they are the same), sent to the WSGI
# application in this process, so the requests see the test database.
# A body, text or attachment over its limit is answered 413 (documented), not 400.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 413, 422, 429]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(openapi_document("/api/v1"), config=CONFIG)
schema.app = application


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Requests go to the WSGI application itself, whose request signals would close the test's
    database connection (and its transaction) on PostgreSQL; Django's test client disconnects
    the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(
    case: Any, api_token: tuple[ApiToken, str], keep_the_test_connection: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token[1]}"})


# --- what the fuzzer found, pinned ----------------------------------------------------------------


@pytest.mark.parametrize("kind", [{}, [], 7, None])
def test_an_audience_kind_that_is_not_a_string_is_a_json_400(
    world: World, api: Api, kind: Any
) -> None:
    response = api.post({**body("Go team"), "audience": {"kind": kind}})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "audience.kind"


def test_every_spelling_of_an_audience_field_is_validated_not_only_the_first(
    world: World, api: Api
) -> None:
    response = api.post(body("Go team", building_id="", buildingId="x" * (MAX_ID_CHARS + 1)))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "audience.buildingId"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_openapi_document_answers_other_methods_with_a_json_405(
    world: World, client: Client, method: str
) -> None:
    response = getattr(client, method)("/api/v1/openapi.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"]["code"] == "method_not_allowed"
