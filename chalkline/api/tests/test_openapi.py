"""GET /api/v1/openapi.json: served, well formed, and consistent with what /screen accepts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.api.openapi import SCREEN_REQUEST_EXAMPLE, SCREEN_RESPONSE_EXAMPLE
from chalkline.api.tests.conftest import Api
from chalkline.api.tests.schema import SchemaError, validate
from conftest import World


@pytest.fixture
def doc(client: Client, db: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_it_is_openapi_31_with_bearer_auth_on_screen(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"][0]["url"].endswith("/api/v1")
    op = doc["paths"]["/screen"]["post"]
    assert op["security"] == [{"bearerToken": []}]
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert set(op["responses"]) == {"200", "400", "401", "403", "405", "413", "429"}


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    assert refs
    for r in refs:
        target: Any = doc
        for part in r.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict)


def test_the_examples_validate_against_the_schemas(doc: dict[str, Any]) -> None:
    op = doc["paths"]["/screen"]["post"]
    request_example = op["requestBody"]["content"]["application/json"]["examples"]["public-post"]
    validate(request_example["value"], ref("ScreenRequest"), doc)
    response_example = op["responses"]["200"]["content"]["application/json"]["examples"]
    validate(response_example["public-post"]["value"], ref("ScreenResponse"), doc)


def test_the_schema_rejects_what_the_server_rejects(doc: dict[str, Any]) -> None:
    for bad in (
        {**SCREEN_REQUEST_EXAMPLE, "colour": "red"},
        {**SCREEN_REQUEST_EXAMPLE, "audience": {"kind": "tv"}},
        {k: v for k, v in SCREEN_REQUEST_EXAMPLE.items() if k != "sender"},
    ):
        with pytest.raises(SchemaError):
            validate(bad, ref("ScreenRequest"), doc)


def test_the_server_accepts_the_published_example_and_answers_in_the_published_shape(
    world: World, api: Api, doc: dict[str, Any]
) -> None:
    response = api.post(SCREEN_REQUEST_EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    validate(data, ref("ScreenResponse"), doc)
    assert data["id"] == SCREEN_REQUEST_EXAMPLE["id"]
    # The example names a student of the fixture district and a personal phone number.
    detectors = {f["detector"] for f in data["findings"]}
    assert "student_name" in detectors
    assert "personal_channel" in detectors
    assert SCREEN_RESPONSE_EXAMPLE["findings"][0]["detector"] in detectors


def test_every_documented_path_exists(doc: dict[str, Any]) -> None:
    base = doc["servers"][0]["url"].removeprefix("http://testserver")
    assert set(doc["paths"]) == {"/screen", "/openapi.json"}
    assert base + "/screen" == reverse("api:screen")
    assert base + "/openapi.json" == reverse("api:openapi")
