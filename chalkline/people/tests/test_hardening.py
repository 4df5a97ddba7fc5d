"""Web hardening: error shapes, sessions, cache headers, the secret key at server start."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from conftest import World


def test_a_bad_host_header_is_a_400_page(world: World, caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
    assert b"Bad request" in response.content
    assert not [r for r in caplog.records if r.name == "django.request"]
