from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from chalkline.api.models import ApiToken
from chalkline.api.services import create_api_token
from chalkline.people.roster_index import forget_roster_indexes
from conftest import World


@pytest.fixture(autouse=True)
def _fresh_roster_cache() -> Iterator[None]:
    forget_roster_indexes()
    yield
    forget_roster_indexes()


@pytest.fixture
def api_token(world: World) -> tuple[ApiToken, str]:
    return create_api_token(
        district=world.district, name="Hub relay", by=world.users["superintendent"]
    )


class Api:
    """A client that posts JSON with the bearer token."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.token = token

    def post(self, body: Any, **extra: Any) -> Any:
        import json

        data = body if isinstance(body, bytes) else json.dumps(body)
        return self.client.post(
            "/api/v1/screen",
            data=data,
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
            **extra,
        )


@pytest.fixture
def api(client: Client, api_token: tuple[ApiToken, str]) -> Api:
    return Api(client, api_token[1])
