"""/api/v1 under a fuzzer: schemathesis generates requests from the published OpenAPI document
(valid and invalid bodies, with a valid token) and checks every answer against it: no 5xx, only
documented status codes, content types and headers, and bodies that match their schemas.

The number of examples is bounded (``FUZZ_EXAMPLES``) so the suite stays fast; raise it locally
with ``CHALKLINE_FUZZ_EXAMPLES=2000`` for a longer hunt."""

from __future__ import annotations

import copy
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
# Hypothesis cannot make a string longer than a few thousand characters, so a negative example
# for a request field whose maxLength is larger ("text" over 100,000, an attachment over 10 MB)
# can never be generated, and schemathesis then refuses the whole operation with InvalidSchema
# (it did, for POST /screen, depending on test order). The fuzzer's copy of the document drops
# those limits from request bodies only; the answers to bodies over them are pinned by their own
# tests (test_screen.py: test_text_over_the_limit_is_413_naming_text, test_ten_megabytes_is_413).
GENERATABLE_MAX_LENGTH = 4_000


def _without_ungeneratable_limits(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_ungeneratable_limits(value)
            for key, value in node.items()
            if not (
                key == "maxLength" and isinstance(value, int) and value > GENERATABLE_MAX_LENGTH
            )
        }
    if isinstance(node, list):
        return [_without_ungeneratable_limits(item) for item in node]
    return node


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def request_schema_names(document: dict[str, Any]) -> set[str]:
    """The component schemas a request body uses, directly or through another schema."""
    schemas = document["components"]["schemas"]
    bodies = [
        operation["requestBody"]
        for path in document["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    names, todo = set(), set().union(*(_refs(body) for body in bodies))
    while todo:
        name = todo.pop()
        if name not in names:
            names.add(name)
            todo |= _refs(schemas[name]) - names
    return names


def fuzz_document() -> dict[str, Any]:
    document = copy.deepcopy(openapi_document("/api/v1"))
    schemas = document["components"]["schemas"]
    for name in request_schema_names(document):
        schemas[name] = _without_ungeneratable_limits(schemas[name])
    return document


schema = schemathesis.openapi.from_dict(fuzz_document(), config=CONFIG)
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


def test_the_fuzzers_document_keeps_every_limit_it_can_exceed() -> None:
    served, fuzzed = openapi_document("/api/v1"), fuzz_document()

    def limits(node: Any) -> list[int]:
        if isinstance(node, dict):
            own = [node["maxLength"]] if isinstance(node.get("maxLength"), int) else []
            return own + [n for value in node.values() for n in limits(value)]
        if isinstance(node, list):
            return [n for item in node for n in limits(item)]
        return []

    requests = request_schema_names(served)
    assert {"ScreenRequest", "Attachment"} <= requests and "ScreenResponse" not in requests
    for name, schema in served["components"]["schemas"].items():
        if name not in requests:
            assert fuzzed["components"]["schemas"][name] == schema  # responses keep every limit
            continue
        kept = limits(fuzzed["components"]["schemas"][name])
        assert all(n <= GENERATABLE_MAX_LENGTH for n in kept)
        assert sorted(kept) == sorted(n for n in limits(schema) if n <= GENERATABLE_MAX_LENGTH)
    assert limits(served["components"]["schemas"]["ScreenRequest"]) != limits(
        fuzzed["components"]["schemas"]["ScreenRequest"]
    )  # "text" (100,000) and "html" (400,000) were dropped
